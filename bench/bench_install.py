"""Install on a long history: this module next to Odoo's own ``sale_margin``.

``bench/run install [N]`` (N = 100,000 orders by default):

1. builds once ``<bench db>_history_N``, a database with Odoo's
   sale_management and sale_stock only (no demo data), holding N sale orders of
   three lines: the ORM makes a few hundred (confirmed; most delivered and
   invoiced, some of the invoices paid in full or in part, a few delivered and
   not invoiced; a few cancelled or left as quotations), then SQL copies
   confirmed orders, quotations and cancelled orders (header and lines, no
   deliveries) up to N, over two years;
2. copies it twice and, each in a fresh process, installs this module in one
   copy and ``sale_margin`` (stored computed margins on orders and lines) in
   the other, printing time and queries; then upgrades this module (``-u``);
3. checks the stored payment and discrepancy columns of this module against a
   recompute by the ORM, on every invoiced order and a sample of the others.
"""

import json
import subprocess
import sys
import time

from common import environment, report

import odoo
from odoo import Command, sql_db
from odoo.tools import SQL

REF = "BENCH-INSTALL"
ORM_ORDERS = 400
CUSTOMERS = 200
LINES = 3
CHECKED_FIELDS = (
    "amount_invoiced_total",
    "amount_invoice_paid",
    "amount_due",
    "payment_status",
    "has_discrepancy",
    "discrepancy_note",
)


def psql(db, query):
    return subprocess.run(
        ["psql", "-X", "-tAq", "-d", db, "-c", query],
        check=False,
        capture_output=True,
        text=True,
    ).stdout.strip()


def run_odoo(conf, db, *args):
    subprocess.run(
        [sys.executable, "-m", "odoo", "-c", conf, "-d", db, *args]
        + ["--stop-after-init", "--no-http", "--log-level=warn"],
        check=True,
    )


# ----------------------------------------------------------------------
# The history
# ----------------------------------------------------------------------


def orm_orders(env):
    """The orders made by the ORM; the SQL copies take after them."""
    products = env["product.product"].create(
        [
            {
                "name": f"{REF} item {i}",
                "default_code": f"{REF}-{i}",
                "type": "consu",
                "is_storable": True,
                "list_price": 20 + 7 * i,
                "standard_price": 12 + 5 * i,
                "taxes_id": [Command.clear()],
            }
            for i in range(LINES * 3)
        ]
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 100 * ORM_ORDERS
        )
    customers = env["res.partner"].create(
        [{"name": f"{REF} customer {i}", "ref": REF} for i in range(CUSTOMERS)]
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customers[i % CUSTOMERS].id,
                "client_order_ref": REF,
                "order_line": [
                    Command.create(
                        {
                            "product_id": products[(i + j) % len(products)].id,
                            "product_uom_qty": 1 + (i + j) % 5,
                        }
                    )
                    for j in range(LINES)
                ],
            }
            for i in range(ORM_ORDERS)
        ]
    )
    quotations = orders[:20]
    cancelled = orders[20:40]
    confirmed = orders[40:]
    confirmed.action_confirm()
    cancelled.action_confirm()
    cancelled._action_cancel()
    # The first 80 confirmed orders are copied; the next 20 are delivered and
    # not invoiced (a discrepancy); the others delivered and invoiced.
    delivered = confirmed[80:]
    delivered.picking_ids.move_ids.picked = True
    delivered.picking_ids.with_context(skip_backorder=True).button_validate()
    invoices = delivered[20:]._create_invoices(grouped=True)
    invoices.action_post()
    paid, part_paid = invoices[::2], invoices[1::8]
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=paid.ids
    ).create({"group_payment": False})._create_payments()
    for invoice in part_paid:
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": invoice.amount_total / 2})._create_payments()
    report(
        f"ORM: {len(orders)} orders, {len(invoices)} invoices "
        f"({len(paid)} paid, {len(part_paid)} partly paid)"
    )
    return quotations, cancelled, confirmed[:80]


def copy_orders(env, templates, count):
    """Copy the ``templates`` orders and their lines in SQL, ``count`` in all,
    with customers and dates spread."""
    cr = env.cr
    order_columns = column_list(cr, "sale_order")
    line_columns = column_list(cr, "sale_order_line")
    customers = env["res.partner"].search([("ref", "=", REF)]).ids
    overrides = {
        "name": SQL("src.name || '/' || g"),
        "access_token": SQL("NULL"),
        "partner_id": SQL("(%s::int[])[1 + mod(g, %s)]", customers, len(customers)),
        "partner_invoice_id": SQL(
            "(%s::int[])[1 + mod(g, %s)]", customers, len(customers)
        ),
        "partner_shipping_id": SQL(
            "(%s::int[])[1 + mod(g, %s)]", customers, len(customers)
        ),
        "date_order": SQL("src.date_order - mod(g, 730) * interval '1 day'"),
        "create_date": SQL("src.create_date - mod(g, 730) * interval '1 day'"),
    }
    per_template, extra = divmod(count, len(templates))
    for index, template in enumerate(templates):
        copies = per_template + (1 if index < extra else 0)
        if not copies:
            continue
        cr.execute(
            SQL(
                "INSERT INTO sale_order (%s) SELECT %s FROM sale_order src, "
                "generate_series(1, %s) g WHERE src.id = %s RETURNING id",
                SQL(", ").join(map(SQL.identifier, order_columns)),
                SQL(", ").join(
                    overrides.get(name, SQL.identifier("src", name))
                    for name in order_columns
                ),
                copies,
                template.id,
            )
        )
        new_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                "INSERT INTO sale_order_line (order_id, %s) SELECT new.id, %s "
                "FROM unnest(%s::int[]) new(id), sale_order_line src "
                "WHERE src.order_id = %s",
                SQL(", ").join(
                    SQL.identifier(name) for name in line_columns if name != "order_id"
                ),
                SQL(", ").join(
                    SQL.identifier("src", name)
                    for name in line_columns
                    if name != "order_id"
                ),
                new_ids,
                template.id,
            )
        )
    cr.execute(
        SQL(
            "UPDATE sale_order_line sol SET order_partner_id = so.partner_id, "
            "create_date = so.create_date FROM sale_order so "
            "WHERE so.id = sol.order_id AND so.client_order_ref = %s",
            REF,
        )
    )


def column_list(cr, table):
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name <> 'id' ORDER BY ordinal_position",
            table,
        )
    )
    return [row[0] for row in cr.fetchall()]


def build_history(conf, db, count):
    if psql(db, "select count(*) from sale_order") == str(count):
        report(f"reusing {db}")
        return
    report(f"building {db}: Odoo's sale_management and sale_stock, {count} orders")
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    run_odoo(conf, db, "-i", "sale_management,sale_stock", "--without-demo=all")
    start = time.perf_counter()
    with environment(conf, db) as env:
        quotations, cancelled, confirmed = orm_orders(env)
        missing = count - env["sale.order"].search_count([])
        # Mostly confirmed orders, as in a live history.
        copy_orders(env, quotations, missing * 5 // 100)
        copy_orders(env, cancelled, missing * 5 // 100)
        copy_orders(env, confirmed, missing - 2 * (missing * 5 // 100))
        env.cr.commit()
    sql_db.close_db(db)  # the copies need the database to themselves
    subprocess.run(["vacuumdb", "--analyze", "--quiet", db], check=True)
    orders = psql(db, "select count(*) from sale_order")
    lines = psql(db, "select count(*) from sale_order_line")
    seconds = time.perf_counter() - start
    report(f"{db}: {orders} orders, {lines} lines, built in {seconds:.0f} s")


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------


def timed_update(conf, db, option, module):
    """Install or upgrade ``module`` in a fresh process; its time and queries."""
    output = subprocess.run(
        [sys.executable, __file__, "--update", conf, db, option, module],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def update_in_process(conf, db, option, module):
    # Only this child process loads the registry.
    odoo.tools.config.parse_config(
        ["-c", conf, "-d", db, option, module, "--no-http", "--log-level=warn"]
    )
    queries, start = sql_db.sql_counter, time.perf_counter()
    odoo.service.server.preload_registries([db])
    result = {
        "seconds": time.perf_counter() - start,
        "queries": sql_db.sql_counter - queries,
    }
    sys.stdout.write(json.dumps(result) + "\n")


def check_stored_values(conf, db, sample):
    """Compare the stored columns with what the ORM computes, then roll back."""
    with environment(conf, db) as env:
        orders = env["sale.order"].with_context(active_test=False)
        invoiced = orders.search([("invoice_ids", "!=", False)])
        others = orders.search([("id", "not in", invoiced.ids)], limit=sample)
        checked = invoiced | others
        before = stored(env, checked)
        for name in CHECKED_FIELDS:
            env.add_to_compute(orders._fields[name], checked)
        env.flush_all()
        after = stored(env, checked)
        env.cr.rollback()
    wrong = [order_id for order_id in before if before[order_id] != after[order_id]]
    report(
        f"stored values checked against an ORM recompute: {len(checked)} orders "
        f"({len(invoiced)} invoiced), {len(wrong)} different"
        + (f": {wrong[:10]}" if wrong else "")
    )
    return not wrong


def stored(env, orders):
    env.cr.execute(
        SQL(
            "SELECT id, round(amount_invoiced_total, 2), round(amount_invoice_paid, 2),"
            " round(amount_due, 2), payment_status, has_discrepancy,"
            " discrepancy_note FROM sale_order WHERE id IN %s",
            tuple(orders.ids),
        )
    )
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def main():
    conf, db = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    history = f"{db}_history_{count}"
    build_history(conf, history, count)
    lines = psql(history, "select count(*) from sale_order_line")
    results = []
    for label, module in (
        ("install: Odoo's sale_margin", "sale_margin"),
        ("install: this module", "sale_order_lifecycle"),
    ):
        copy = f"{history}_{module}"
        subprocess.run(["dropdb", "--if-exists", copy], check=True)
        subprocess.run(["createdb", "-T", history, copy], check=True)
        measured = timed_update(conf, copy, "-i", module)
        results.append(measured["seconds"])
        report(
            f"{label:<40} {count:>7} orders, {lines} lines "
            f"{measured['seconds']:>8.1f} s {measured['queries']:>9} queries"
        )
    measured = timed_update(conf, copy, "-u", "sale_order_lifecycle")
    report(
        f"{'upgrade (-u): this module':<40} {count:>7} orders, {lines} lines "
        f"{measured['seconds']:>8.1f} s {measured['queries']:>9} queries"
    )
    report(f"this module / sale_margin: {results[1] / results[0]:.2f}")
    if not check_stored_values(conf, copy, sample=2000):
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "--update":
        update_in_process(*sys.argv[2:6])
    else:
        main()
