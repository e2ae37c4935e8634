"""Mass cancel: this module's wizard next to Odoo's own, on the same data.

Odoo's ``sale.mass.cancel.orders`` is measured in a second database that has
only Odoo's sale_management and sale_stock (``<bench db>_odoo``), since this
module changes that wizard. Both databases get the same confirmed orders (one
storable line, one reserved delivery each), generated once and kept: every
measure is rolled back, after the work a commit does first (the tracking
messages of the cancelled orders and deliveries are written then). In this
module's database, the same orders are also cancelled through approval: one
call approves all the requests. Sizes: 200 and 2,000 by default, or
``bench/run cancel N [N ...]``.
"""

import subprocess
import sys

from common import confirmed_order_batches, environment, measure, report

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
        for _orders in confirmed_order_batches(env, REF, missing):
            env.cr.commit()
        report(f"{env.cr.dbname}: generated {missing} confirmed orders")
    return SaleOrder.search(domain, limit=count, order="id")


def mass_cancel(env, label, orders, values):
    wizard = (
        env["sale.mass.cancel.orders"]
        .with_context(active_ids=orders.ids)
        .create(values)
    )
    with measure(env, label, len(orders), commit=True):
        wizard.action_mass_cancel()
    cancelled = sum(1 for order in orders if order.state == "cancel")
    env.cr.rollback()
    return cancelled


def approve_requests(env, orders):
    """A salesperson asks to cancel ``orders``, a Sales Administrator approves
    them all in one call; the other administrators' activities close too."""
    requester, approver = env["res.users"].create(
        [
            {
                "name": f"{REF} {role}",
                "login": f"{REF.lower()}-{role}",
                "email": f"{REF.lower()}-{role}@example.com",
                "groups_id": [Command.set(env.ref(group).ids)],
            }
            for role, group in (
                ("requester", "sales_team.group_sale_salesman_all_leads"),
                ("approver", "sales_team.group_sale_manager"),
            )
        ]
    )
    reason = env.ref("sale_order_lifecycle.cancel_reason_duplicate")
    reason.requires_approval = True
    orders.with_user(requester).with_context(
        sale_cancel_reason_id=reason.id
    ).action_cancel()
    with measure(
        env, "approve the cancellation requests (one call)", len(orders), commit=True
    ):
        orders.with_user(approver).action_cancel_request_approve()
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
            approved = approve_requests(env, orders)
        report(f"cancelled: Odoo {done}, this module {ours} of {size}")
        report(f"cancellation requests approved: {approved} of {size}")


if __name__ == "__main__":
    main()
