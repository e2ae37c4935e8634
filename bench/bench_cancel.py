"""Mass cancel: this module's wizard next to Odoo's own, on the same data.

Odoo's ``sale.mass.cancel.orders`` is measured in a second database that has
only Odoo's sale_management and sale_stock (``<bench db>_odoo``), since this
module changes that wizard. Both databases get the same confirmed orders (one
storable line, one reserved delivery each), generated once and kept: every
measure is rolled back. Sizes: 200 and 2,000 by default, or ``bench/run cancel
N [N ...]``.
"""

import subprocess
import sys

from common import environment, measure, report

from odoo import Command

REF = "BENCH-CANCEL"


def ensure_odoo_only_database(conf, db):
    check = subprocess.run(
        ["psql", "-X", "-tAq", "-d", db, "-c", "select 1"],
        check=False,
        capture_output=True,
        text=True,
    )
    if check.stdout.strip() != "1":
        report(f"creating {db} with Odoo's sale_management and sale_stock only")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                "-c",
                conf,
                "-d",
                db,
                "-i",
                "sale_management,sale_stock",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
            ],
            check=True,
        )


def confirmed_orders(env, count):
    """``count`` confirmed orders tagged for the bench, generated when missing."""
    SaleOrder = env["sale.order"]
    domain = [("client_order_ref", "=", REF), ("state", "=", "sale")]
    missing = count - SaleOrder.search_count(domain)
    if missing > 0:
        product = env["product.product"].search([("default_code", "=", REF)], limit=1)
        if not product:
            product = env["product.product"].create(
                {
                    "name": "Bench cancel item",
                    "default_code": REF,
                    "type": "consu",
                    "is_storable": True,
                }
            )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, missing
        )
        customer = env["res.partner"].create({"name": "Bench cancel customer"})
        for start in range(0, missing, 500):
            orders = SaleOrder.create(
                [
                    {
                        "partner_id": customer.id,
                        "client_order_ref": REF,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 1}
                            )
                        ],
                    }
                    for _i in range(min(500, missing - start))
                ]
            )
            orders.action_confirm()
            env.cr.commit()
        report(f"{env.cr.dbname}: generated {missing} confirmed orders")
    return SaleOrder.search(domain, limit=count, order="id")


def mass_cancel(env, label, orders, values):
    wizard = (
        env["sale.mass.cancel.orders"]
        .with_context(active_ids=orders.ids)
        .create(values)
    )
    with measure(env, label, len(orders)):
        wizard.action_mass_cancel()
    cancelled = sum(1 for order in orders if order.state == "cancel")
    env.cr.rollback()
    return cancelled


def main():
    conf, db = sys.argv[1:3]
    sizes = [int(size) for size in sys.argv[3:]] or [200, 2000]
    odoo_db = f"{db}_odoo"
    ensure_odoo_only_database(conf, odoo_db)
    for size in sizes:
        with environment(conf, odoo_db) as env:
            orders = confirmed_orders(env, size)
            done = mass_cancel(
                env, "mass cancel: Odoo's sale.mass.cancel.orders", orders, {}
            )
        with environment(conf, db) as env:
            orders = confirmed_orders(env, size)
            reason = env.ref("sale_order_lifecycle.cancel_reason_duplicate")
            ours = mass_cancel(
                env,
                "mass cancel: this module (reason, checks)",
                orders,
                {"reason_id": reason.id},
            )
        report(f"cancelled: Odoo {done}, this module {ours} of {size}")


if __name__ == "__main__":
    main()
