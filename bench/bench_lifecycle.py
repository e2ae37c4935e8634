"""The order lifecycle report on a long history, next to Odoo's Sales Analysis.

``bench/run lifecycle [N]`` (N = 100,000 orders by default) reuses the history
that ``bench/run install N`` builds (building it when missing), installs this
module in a copy of it once, and prints time and queries of the report grouped
by month and salesperson (the pivot's default), of the same grouping filtered
on late orders, and of Odoo's ``sale.report`` grouped the same way.
"""

import subprocess
import sys

from bench_install import build_history, psql, run_odoo
from common import environment, measure, report

from odoo import sql_db


def main():
    conf, db = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    history = f"{db}_history_{count}"
    build_history(conf, history, count)
    copy = f"{history}_lifecycle"
    state = psql(
        copy,
        "select state from ir_module_module where name = 'sale_order_lifecycle'",
    )
    if state != "installed":
        sql_db.close_db(history)
        subprocess.run(["dropdb", "--if-exists", copy], check=True)
        subprocess.run(["createdb", "-T", history, copy], check=True)
        run_odoo(conf, copy, "-i", "sale_order_lifecycle")
    else:
        run_odoo(conf, copy, "-u", "sale_order_lifecycle")
    with environment(conf, copy) as env:
        for label, model, domain, fields in (
            (
                "lifecycle report by month and salesperson",
                "sale.order.lifecycle.report",
                [],
                ["hours_to_confirm:avg", "days_to_last_delivery:avg", "late_count:sum"],
            ),
            (
                "lifecycle report, late orders only",
                "sale.order.lifecycle.report",
                [("is_late", "=", True)],
                ["days_late:avg"],
            ),
            (
                "Odoo's Sales Analysis (sale.report), same grouping",
                "sale.report",
                [],
                ["price_subtotal:sum", "product_uom_qty:sum"],
            ),
        ):
            for run in ("first", "second"):
                with measure(env, f"{label} ({run})", count):
                    groups = env[model].read_group(
                        domain,
                        fields,
                        [
                            "date:month"
                            if model == "sale.report"
                            else "date_created:month",
                            "user_id",
                        ],
                        lazy=False,
                    )
            report(f"  {len(groups)} groups")


if __name__ == "__main__":
    main()
