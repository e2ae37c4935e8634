"""Low-stock evaluation on a large catalogue, next to Odoo's Replenishment report.

Generates once N storable products (20,000 by default, ``bench/run low_stock
N``) by the ORM in batches of 2,000, about 4 minutes for 100,000, stocked in
two warehouses, with 90 days of done sales moves to customers (three per
product and warehouse) and, for a third of them, pending demand that exceeds
the stock, written straight in SQL. Each run measures, on the same data and
rolled back: one evaluation of a days-of-cover rule over all of them (creating
the alerts), a second one (updating them), and opening Odoo's Replenishment
report (``stock.warehouse.orderpoint.action_open_orderpoints``), which
computes forecasts and creates manual reordering rules. Queries are also shown
for a tenth of the catalogue, to show they do not grow with it.

Odoo's report costs about a millisecond and more than one query per product: it
is only measured up to 20,000 products (``ODOO_REPORT_MAX``). For 100,000, keep
the 20,000 database for it and build the larger one under another name:
``SOL_BENCH_DB=sale_order_lifecycle_bench_100k bench/run low_stock 100000``.
"""

import sys

from common import environment, measure, report

from odoo import Command
from odoo.tools import SQL

REF = "BENCH-LOW"
ODOO_REPORT_MAX = 20_000


def generate(env, count):
    category = env["product.category"].search([("name", "=", REF)], limit=1)
    if not category:
        category = env["product.category"].create({"name": REF})
    existing = env["product.product"].search_count([("categ_id", "=", category.id)])
    warehouses = env["stock.warehouse"].search([("company_id", "=", env.company.id)])
    if len(warehouses) < 2:
        warehouses |= env["stock.warehouse"].create(
            {"name": "Bench South", "code": "BSTH"}
        )
    for start in range(existing, count, 2000):
        products = env["product.product"].create(
            [
                {
                    "name": f"Bench item {i}",
                    "is_storable": True,
                    "categ_id": category.id,
                }
                for i in range(start, min(start + 2000, count))
            ]
        )
        locations = tuple(warehouses[:2].lot_stock_id.ids)
        customer = env.ref("stock.stock_location_customers").id
        env.cr.execute(
            SQL(
                """
                INSERT INTO stock_quant (product_id, location_id, company_id,
                                         quantity, reserved_quantity, in_date,
                                         create_date, write_date)
                SELECT p.id, l.id, %(company)s, mod(p.id, 97), 0, now(), now(), now()
                  FROM product_product p, stock_location l
                 WHERE p.id IN %(products)s AND l.id IN %(locations)s;
                INSERT INTO stock_move (name, company_id, product_id, product_uom,
                                        product_uom_qty, product_qty, quantity,
                                        location_id, location_dest_id, procure_method,
                                        state, date, create_date, write_date)
                SELECT 'bench sale', %(company)s, p.id, t.uom_id, 1 + mod(p.id + d, 7),
                       1 + mod(p.id + d, 7), 1 + mod(p.id + d, 7), l.id, %(customer)s,
                       'make_to_stock', 'done', now() - make_interval(days => d),
                       now(), now()
                  FROM product_product p
                  JOIN product_template t ON t.id = p.product_tmpl_id,
                       stock_location l, (VALUES (5), (35), (80)) AS days(d)
                 WHERE p.id IN %(products)s AND l.id IN %(locations)s;
                INSERT INTO stock_move (name, company_id, product_id, product_uom,
                                        product_uom_qty, product_qty, quantity,
                                        location_id, location_dest_id, procure_method,
                                        state, date, create_date, write_date)
                SELECT 'bench demand', %(company)s, p.id, t.uom_id, 120, 120, 0, l.id,
                       %(customer)s, 'make_to_stock', 'confirmed', now(), now(), now()
                  FROM product_product p
                  JOIN product_template t ON t.id = p.product_tmpl_id,
                       stock_location l
                 WHERE p.id IN %(products)s AND l.id IN %(locations)s
                   AND mod(p.id, 3) = 0
                """,
                company=env.company.id,
                products=tuple(products.ids),
                locations=locations,
                customer=customer,
            )
        )
        env.cr.commit()
        report(f"generated {start + len(products)}/{count} products")
    return category, warehouses[:2]


def main():
    conf, db = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20_000
    with environment(conf, db) as env:
        category, warehouses = generate(env, count)
        products = env["product.product"].search(
            [("categ_id", "=", category.id)], order="id"
        )
        tenth = products[: len(products) // 10]
        rule_values = {
            "name": "Bench",
            "warehouse_ids": [Command.set(warehouses.ids)],
            "trigger": "days_of_cover",
            "min_days": 30,
            "window_days": 90,
            "target_days": 60,
        }
        # Warm Odoo's caches (rights, defaults, activity types) first, so that
        # the measured evaluations compare like for like.
        env["stock.low.stock.rule"].create(
            {
                **rule_values,
                "scope": "product",
                "product_ids": [Command.set(tenth[:1].ids)],
            }
        )._evaluate()
        small = env["stock.low.stock.rule"].create(
            {**rule_values, "scope": "product", "product_ids": [Command.set(tenth.ids)]}
        )
        with measure(
            env, "low-stock rule: first evaluation, 1/10 of catalogue", len(tenth)
        ):
            small._evaluate()
        rule = env["stock.low.stock.rule"].create(
            {
                **rule_values,
                "scope": "category",
                "categ_ids": [Command.set(category.ids)],
            }
        )
        with measure(
            env, "low-stock rule: first evaluation (creates alerts)", len(products)
        ):
            rule._evaluate()
        report(
            f"alerts: {len(rule.alert_ids)} for {len(products)} products x 2 warehouses"
        )
        with measure(
            env, "low-stock rule: re-evaluation (updates alerts)", len(products)
        ):
            rule._evaluate()
        env.cr.rollback()

    if count > ODOO_REPORT_MAX:
        report(
            f"Odoo: Replenishment report skipped above {ODOO_REPORT_MAX} products"
            " (measure it on a database of that size)"
        )
        return
    with environment(conf, db) as env:
        with measure(
            env, "Odoo: Replenishment report (action_open_orderpoints)", count
        ):
            env["stock.warehouse.orderpoint"].action_open_orderpoints()
        env.cr.rollback()


if __name__ == "__main__":
    main()
