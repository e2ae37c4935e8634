"""Archive finished orders by the list action and by the scheduled job.

Generates once N finished orders (confirmed, delivered, invoiced and posted;
N=10,000 by default, ``bench/run archive N`` for another size) and keeps them.
Each run archives them in one list-action call, unarchives them, dates them
400 days back and archives them again through the daily job (batches of 1,000,
committed), printing time and queries of both. Odoo has no archive of sales
orders to compare with.
"""

import sys
from datetime import timedelta

from common import confirmed_order_batches, environment, measure, report

from odoo.tools import SQL

REF = "BENCH-ARCHIVE"


def generate(env, count):
    done = 0
    for orders in confirmed_order_batches(env, REF, count):
        orders.picking_ids.move_ids.picked = True
        orders.picking_ids.with_context(skip_backorder=True).button_validate()
        orders._create_invoices(grouped=True).action_post()
        env.cr.commit()
        done += len(orders)
        report(f"generated {done}/{count} finished orders")


def main():
    conf, db = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    with environment(conf, db) as env:
        SaleOrder = env["sale.order"].with_context(active_test=False)
        existing = SaleOrder.search_count([("client_order_ref", "=", REF)])
        if existing < count:
            generate(env, count - existing)
        orders = SaleOrder.search(
            [("client_order_ref", "=", REF)], order="id", limit=count
        )
        unarchive(env, orders)
        env.company.write({"sale_auto_archive": True, "sale_auto_archive_days": 365})
        env.cr.commit()
        env.invalidate_all()

        with measure(env, "archive: list action (one call)", len(orders)):
            orders.action_archive()
        env.cr.commit()

        unarchive(env, orders)
        backdate(env, orders, days=400)
        env.cr.commit()
        with measure(env, "archive: scheduled job (batches of 1,000)", len(orders)):
            archived = env["sale.order"]._cron_auto_archive()
        report(f"scheduled job archived {archived} orders")
        backdate(env, orders, days=-400)
        env.cr.commit()


def unarchive(env, orders):
    env.cr.execute(
        SQL(
            "UPDATE sale_order SET active = true, archived_date = NULL,"
            " archived_by_id = NULL WHERE id IN %s",
            tuple(orders.ids),
        )
    )
    env.invalidate_all()


def backdate(env, orders, days):
    """Move the orders' last activity ``days`` back (forward when negative)."""
    env.cr.execute(
        SQL(
            """
            UPDATE sale_order SET date_order = date_order - %(shift)s
             WHERE id IN %(ids)s;
            UPDATE stock_picking SET date_done = date_done - %(shift)s
             WHERE sale_id IN %(ids)s;
            UPDATE account_move SET invoice_date = invoice_date - %(days)s
             WHERE id IN (
                   SELECT aml.move_id
                     FROM sale_order_line sol
                     JOIN sale_order_line_invoice_rel rel
                       ON rel.order_line_id = sol.id
                     JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                    WHERE sol.order_id IN %(ids)s)
            """,
            ids=tuple(orders.ids),
            days=days,
            shift=timedelta(days=days),
        )
    )
    env.invalidate_all()


if __name__ == "__main__":
    main()
