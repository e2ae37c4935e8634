"""Stock verdicts of open order lines, as the refresh job computes them after
stock moves, next to Odoo's own stock figures of the same lines (the forecast
widget's ``sale_stock`` compute, ``_compute_qty_at_date``).

Generates once 1,000 stocked products in two warehouses, receipts pending for
a tenth of them, 100 confirmed orders (they compete for the stock) and
quotations of five lines up to N open lines (10,000 by default, ``bench/run
verdict N``). Each run judges again the first 1,000 and then all N open lines
in one call (queries should not grow), rolled back.
"""

import sys

from common import environment, measure, report

from odoo import Command, fields

REF = "BENCH-VERDICT"
PRODUCTS = 1000
LINES_PER_ORDER = 5


def products(env):
    found = env["product.product"].search([("default_code", "=like", f"{REF}-%")])
    if found:
        return found
    created = env["product.product"].create(
        [
            {
                "name": f"{REF} item {i}",
                "default_code": f"{REF}-{i}",
                "is_storable": True,
                "list_price": 10.0,
            }
            for i in range(PRODUCTS)
        ]
    )
    warehouses = env["stock.warehouse"].search([("company_id", "=", env.company.id)])
    if len(warehouses) < 2:
        warehouses |= env["stock.warehouse"].create(
            {"name": "Bench Verdict South", "code": "BVS"}
        )
    Quant = env["stock.quant"]
    for index, product in enumerate(created):
        if not index % 40:
            continue  # none in stock
        for warehouse in warehouses[:2]:
            Quant._update_available_quantity(
                product, warehouse.lot_stock_id, index % 40
            )
    warehouse = warehouses[0]
    supplier = env.ref("stock.stock_location_suppliers")
    receipt = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": supplier.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "scheduled_date": fields.Datetime.add(fields.Datetime.now(), days=3),
            "move_ids": [
                Command.create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": 20,
                        "location_id": supplier.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                    }
                )
                for product in created[::10]
            ],
        }
    )
    receipt.action_confirm()
    return created


def orders(env, items, lines):
    customer = env["res.partner"].search([("name", "=", f"{REF} customer")], limit=1)
    if not customer:
        customer = env["res.partner"].create(
            {"name": f"{REF} customer", "street": "1 Bench Road", "city": "Suzhou"}
        )
        confirmed = env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": items[i * 7 % PRODUCTS].id,
                                "product_uom_qty": 15,
                            }
                        )
                    ],
                }
                for i in range(100)
            ]
        )
        confirmed.action_confirm()
    Line = env["sale.order.line"]
    domain = [
        ("order_id.partner_id", "=", customer.id),
        ("state", "in", ("draft", "sent", "sale")),
    ]
    missing = lines - Line.search_count(domain)
    position = Line.search_count([("order_id.partner_id", "=", customer.id)])
    while missing > 0:
        count = min(missing, 2500)
        env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": items[(position + j) % PRODUCTS].id,
                                "product_uom_qty": 1 + (position + j) % 30,
                            }
                        )
                        for j in range(
                            order * LINES_PER_ORDER, (order + 1) * LINES_PER_ORDER
                        )
                    ],
                }
                for order in range(count // LINES_PER_ORDER)
            ]
        )
        env.cr.commit()
        position += count
        missing -= count
    return Line.search(domain, order="id", limit=lines)


def main():
    conf, db = sys.argv[1:3]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    with environment(conf, db) as env:
        items = products(env)
        env.cr.commit()
        lines = orders(env, items, size)
        env.cr.commit()
        report(
            f"verdicts of open order lines ({len(lines)} lines, {PRODUCTS} products)"
        )
        for part in (lines[:1000], lines):
            part = env["sale.order.line"].browse(part.ids)
            with measure(env, "stock verdicts, one call (this module)", len(part)):
                part._availability_recompute()
            env.cr.rollback()
        states = dict(
            env["sale.order.line"]._read_group(
                [("id", "in", lines.ids)], ["availability_state"], ["__count"]
            )
        )
        report(f"  verdicts: {states}")
        for part in (lines[:1000], lines):
            part = env["sale.order.line"].browse(part.ids)
            with measure(
                env, "Odoo's forecast figures (_compute_qty_at_date)", len(part)
            ):
                part._compute_qty_at_date()
            env.cr.rollback()


if __name__ == "__main__":
    main()
