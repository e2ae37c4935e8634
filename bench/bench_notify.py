"""The daily check of stalled orders (notification rules) on N orders.

Generates once N orders (50,000 by default, ``bench/run notify N`` for another
size): 500 quotations of one line through the ORM, then copied in SQL with
their lines, for speed. Each run then sets them, in SQL, to a mix: 40% drafts
ten days old (quotation not sent), 20% confirmed orders ten days past their
commitment date with goods to deliver (late delivery), 10% waiting three days
for an approval (approval pending, with a review line for a reviewer), 30%
fresh drafts; ten salespersons in one team. The rules: the shipped default
(reviewers, approval pending for 2 days), quotations not sent after 3 days
(salesperson and team leader, inbox digest) and late deliveries after 2 days
(salesperson, one activity listing the orders). The reminders already sent are
forgotten, the daily job runs (batches of 2,000, committed), then runs again
(nothing new: no reminder twice). Odoo has no reminders of stalled orders to
compare with (automation rules run one action per record).
"""

import sys

from common import environment, measure, report

from odoo import Command
from odoo.tools import SQL

REF = "BENCH-NOTIFY"
SEED = 500


def generate(env, count):
    product = env["product.product"].create({"name": f"{REF} item", "type": "consu"})
    customer = env["res.partner"].create(
        {"name": f"{REF} customer", "street": "1 Bench Road", "city": "Suzhou"}
    )
    leader = user(env, "bench_notify_leader", "sales_team.group_sale_manager")
    team = env["crm.team"].create({"name": REF, "user_id": leader.id})
    users = [
        user(env, f"bench_notify_{i}", "sales_team.group_sale_salesman")
        for i in range(10)
    ]
    seed = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "client_order_ref": REF,
                "user_id": users[i % 10].id,
                "team_id": team.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                ],
            }
            for i in range(min(SEED, count))
        ]
    )
    env.flush_all()
    copies = -(-count // len(seed)) - 1
    if copies > 0:
        clone(env, seed, copies)
    env.cr.commit()
    report(f"generated {count} orders")


def user(env, login, group):
    return env["res.users"].create(
        {
            "name": login,
            "login": login,
            "email": f"{login}@example.com",
            "groups_id": [Command.set(env.ref(group).ids)],
        }
    )


def columns(env, table):
    env.cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = %s AND column_name != 'id'",
            table,
        )
    )
    return [row[0] for row in env.cr.fetchall()]


def clone(env, seed, copies):
    """Copy the ``seed`` orders ``copies`` times, with their lines."""
    cr = env.cr
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_map AS
            SELECT o.id AS src, nextval('sale_order_id_seq') AS dst
              FROM sale_order o, generate_series(1, %s)
             WHERE o.id IN %s
            """,
            copies,
            tuple(seed.ids),
        )
    )
    order_cols = columns(env, "sale_order")
    cr.execute(
        SQL(
            "INSERT INTO sale_order (id, %s) SELECT m.dst, %s"
            " FROM bench_map m JOIN sale_order o ON o.id = m.src",
            SQL(", ").join(SQL.identifier(c) for c in order_cols),
            SQL(", ").join(SQL.identifier("o", c) for c in order_cols),
        )
    )
    line_cols = [c for c in columns(env, "sale_order_line") if c != "order_id"]
    cr.execute(
        SQL(
            "INSERT INTO sale_order_line (order_id, %s) SELECT m.dst, %s"
            " FROM bench_map m JOIN sale_order_line l ON l.order_id = m.src",
            SQL(", ").join(SQL.identifier(c) for c in line_cols),
            SQL(", ").join(SQL.identifier("l", c) for c in line_cols),
        )
    )
    cr.execute(SQL("DROP TABLE bench_map"))


def prepare(env, orders):
    """The mix of stalled and fresh orders, and no reminder sent yet."""
    reviewer = env["res.users"].search([("login", "=", "bench_notify_leader")])
    ids = tuple(orders.ids)
    env.cr.execute(
        SQL(
            """
            DELETE FROM sale_order_notification_log WHERE order_id IN %(ids)s;
            DELETE FROM mail_activity WHERE res_model = 'sale.order'
               AND res_id IN %(ids)s;
            DELETE FROM sale_order_review WHERE order_id IN %(ids)s;
            UPDATE sale_order SET state = 'draft', review_state = 'none',
                   date_order = now() - interval '10 days',
                   commitment_date = NULL, delivery_status = NULL
             WHERE id IN %(ids)s AND mod(id, 10) < 4;
            UPDATE sale_order SET state = 'sale', review_state = 'none',
                   date_order = now() - interval '20 days',
                   commitment_date = now() - interval '10 days',
                   delivery_status = 'pending'
             WHERE id IN %(ids)s AND mod(id, 10) IN (4, 5);
            UPDATE sale_order SET state = 'draft', review_state = 'pending',
                   date_order = now(), commitment_date = NULL,
                   delivery_status = NULL
             WHERE id IN %(ids)s AND mod(id, 10) = 6;
            UPDATE sale_order SET state = 'draft', review_state = 'none',
                   date_order = now(), commitment_date = NULL,
                   delivery_status = NULL
             WHERE id IN %(ids)s AND mod(id, 10) > 6;
            WITH reviews AS (
                INSERT INTO sale_order_review (order_id, company_id, name, level,
                       approval_mode, state, is_current, create_date, write_date)
                SELECT id, company_id, 'Bench rule', 10, 'any', 'pending', true,
                       now() - interval '3 days', now() - interval '3 days'
                  FROM sale_order WHERE id IN %(ids)s AND mod(id, 10) = 6
             RETURNING id
            )
            INSERT INTO sale_order_review_reviewer_rel (review_id, user_id)
            SELECT id, %(reviewer)s FROM reviews;
            """,
            ids=ids,
            reviewer=reviewer.id,
        )
    )
    env.invalidate_all()


def rules(env):
    Rule = env["sale.order.notification.rule"]
    env.ref("sale_order_lifecycle.notification_rule_approval_pending").active = True
    if not Rule.search([("name", "like", REF)]):
        Rule.create(
            [
                {
                    "name": f"{REF}: quotations not sent",
                    "trigger": "stalled",
                    "stalled_condition": "quotation_not_sent",
                    "days": 3,
                    "notify_salesperson": True,
                    "notify_team_leader": True,
                    "channel": "notice",
                    "domain": f"[('client_order_ref', '=', '{REF}')]",
                },
                {
                    "name": f"{REF}: late deliveries",
                    "trigger": "stalled",
                    "stalled_condition": "late_delivery",
                    "days": 2,
                    "notify_salesperson": True,
                    "channel": "activity",
                    "domain": f"[('client_order_ref', '=', '{REF}')]",
                },
            ]
        )


def main():
    conf, db = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
    with environment(conf, db) as env:
        SaleOrder = env["sale.order"].with_context(active_test=False)
        if not SaleOrder.search_count([("client_order_ref", "=", REF)]):
            generate(env, count)
        orders = SaleOrder.search(
            [("client_order_ref", "=", REF)], order="id", limit=count
        )
        prepare(env, orders)
        rules(env)
        env.cr.commit()
        Rule = env["sale.order.notification.rule"]
        with measure(env, "notify: daily job, first run", len(orders)):
            sent = Rule._cron_notify_stalled()
        report(f"reminders: {sent} orders")
        with measure(env, "notify: daily job, again (nothing new)", len(orders)):
            again = Rule._cron_notify_stalled()
        report(f"reminders on the second run: {again}")


if __name__ == "__main__":
    main()
