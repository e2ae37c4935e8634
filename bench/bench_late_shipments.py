"""Late deliveries: the daily job on N outgoing deliveries past their scheduled
date, spread over 8 responsibles (a fifth left to the stock managers) and 5
salespersons. Measured: the first run (every delivery reported: one activity
per person, one notice per salesperson), a second run the same day (nothing
new), and, as a reference, Odoo's own *Late* filter of the transfers list
counting the same deliveries (Odoo reports nothing by itself).

The orders are generated once (customer reference BENCH-LATE) and kept; every
measure is rolled back. Size: 2,000 by default, or ``bench/run late_shipments N``.
"""

import sys
from datetime import timedelta

from common import confirmed_order_batches, environment, measure, report

from odoo import Command, fields
from odoo.tools import SQL

REF = "BENCH-LATE"


def users(env, prefix, group, count):
    found = env["res.users"].search([("login", "like", f"{prefix}%")], order="id")
    for index in range(len(found), count):
        found |= env["res.users"].create(
            {
                "name": f"{prefix}{index}",
                "login": f"{prefix}{index}",
                "groups_id": [Command.set(env.ref(group).ids)],
            }
        )
    return found[:count]


def late_deliveries(env, count):
    Picking = env["stock.picking"]
    domain = [("sale_id.client_order_ref", "=", REF), ("state", "=", "assigned")]
    missing = count - Picking.search_count(domain)
    if missing > 0:
        salespersons = users(
            env, "bench_late_sales_", "sales_team.group_sale_salesman", 5
        )
        responsibles = users(env, "bench_late_stock_", "stock.group_stock_user", 10)
        for batch, orders in enumerate(
            confirmed_order_batches(env, REF, missing), start=1
        ):
            orders.user_id = salespersons[batch % len(salespersons)]
            for index, picking in enumerate(orders.picking_ids):
                # One in five has no responsible: the stock managers get it.
                if index % 5:
                    picking.user_id = responsibles[index % len(responsibles)]
            env.cr.commit()
        # Scheduled three days ago, in one statement.
        env.cr.execute(
            SQL(
                """UPDATE stock_move sm SET date = %(date)s
                     FROM stock_picking sp
                    WHERE sp.id = sm.picking_id AND sp.origin IN (
                        SELECT name FROM sale_order WHERE client_order_ref = %(ref)s);
                   UPDATE stock_picking sp SET scheduled_date = %(date)s,
                          date_deadline = NULL
                    WHERE sp.sale_id IN (
                        SELECT id FROM sale_order WHERE client_order_ref = %(ref)s)""",
                date=fields.Datetime.now() - timedelta(days=3),
                ref=REF,
            )
        )
        env.cr.commit()
        report(f"generated {missing} late deliveries")
    return Picking.search(domain, limit=count, order="id")


def main():
    conf, db = sys.argv[1:3]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    with environment(conf, db) as env:
        pickings = late_deliveries(env, size)
        env.invalidate_all()
        # Other late deliveries of the database are reported too: count them.
        late = env["stock.picking"].search_count(
            [
                ("picking_type_code", "=", "outgoing"),
                ("state", "in", ("waiting", "confirmed", "assigned")),
                ("scheduled_date", "<", fields.Datetime.now()),
            ]
        )
        report(f"late outgoing deliveries in the database: {late}")
        Activity = env["mail.activity"]
        late_type = env.ref("sale_order_lifecycle.mail_activity_type_late_delivery")
        with measure(env, "Odoo's Late filter, count (reference)", len(pickings)):
            env["stock.picking"].search_count(
                [
                    ("picking_type_code", "=", "outgoing"),
                    ("state", "in", ("assigned", "waiting", "confirmed")),
                    "|",
                    ("scheduled_date", "<", fields.Datetime.now()),
                    ("date_deadline", "<", fields.Datetime.now()),
                ]
            )
        env["stock.picking"].sudo().search([]).write({"late_reported_date": False})
        with measure(env, "late-delivery job, first run", len(pickings)):
            env["stock.picking"]._cron_report_late_deliveries()
        created = Activity.search_count([("activity_type_id", "=", late_type.id)])
        report(f"activities: {created}")
        with measure(env, "late-delivery job, same day again", len(pickings)):
            env["stock.picking"]._cron_report_late_deliveries()
        again = Activity.search_count([("activity_type_id", "=", late_type.id)])
        report(f"activities after the second run: {again}")
        env.cr.rollback()


if __name__ == "__main__":
    main()
