"""Review: request approval for N quotations in one call, then two levels of
reviewers approve them in one call each; Odoo's own confirmation of the same
quotations is measured alongside as the reference (Odoo CE has no approval).

The quotations (one line, total 500) and two rules (level 10 from 100, level 20
from 400) are generated once and kept; every measure is rolled back. Sizes: 100
and 1,000 by default, or ``bench/run review N [N ...]``.
"""

import sys

from common import environment, measure, report

from odoo import Command

REF = "BENCH-REVIEW"


def users(env):
    found = env["res.users"].search([("login", "like", "bench_review_")])
    by_login = {user.login: user for user in found}
    groups = {
        "bench_review_salesman": "sales_team.group_sale_salesman",
        "bench_review_manager": "sales_team.group_sale_manager",
        "bench_review_director": "sales_team.group_sale_manager",
    }
    for login, group in groups.items():
        if login not in by_login:
            by_login[login] = env["res.users"].create(
                {
                    "name": login,
                    "login": login,
                    "groups_id": [Command.set(env.ref(group).ids)],
                }
            )
    return (
        by_login["bench_review_salesman"],
        by_login["bench_review_manager"],
        by_login["bench_review_director"],
    )


def rules(env, manager, director):
    Rule = env["sale.review.rule"]
    if not Rule.search([("name", "like", REF)]):
        Rule.create(
            [
                {
                    "name": f"{REF} level 10",
                    "sequence": 10,
                    "min_amount": 100.0,
                    "reviewer_user_ids": [Command.set(manager.ids)],
                },
                {
                    "name": f"{REF} level 20",
                    "sequence": 20,
                    "min_amount": 400.0,
                    "reviewer_user_ids": [Command.set(director.ids)],
                },
            ]
        )


def quotations(env, salesman, count):
    SaleOrder = env["sale.order"]
    domain = [
        ("client_order_ref", "=", REF),
        ("state", "=", "draft"),
        ("review_state", "=", "none"),
    ]
    missing = count - SaleOrder.search_count(domain)
    if missing > 0:
        product = env["product.product"].create(
            {"name": f"{REF} item", "list_price": 100.0, "taxes_id": False}
        )
        customer = env["res.partner"].create(
            {"name": f"{REF} customer", "street": "1 Bench Road", "city": "Suzhou"}
        )
        for start in range(0, missing, 500):
            SaleOrder.create(
                [
                    {
                        "partner_id": customer.id,
                        "user_id": salesman.id,
                        "client_order_ref": REF,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 5}
                            )
                        ],
                    }
                    for _i in range(min(500, missing - start))
                ]
            )
        env.cr.commit()
        report(f"generated {missing} quotations")
    return SaleOrder.search(domain, limit=count, order="id")


def main():
    conf, db = sys.argv[1:3]
    sizes = [int(size) for size in sys.argv[3:]] or [100, 1000]
    with environment(conf, db) as env:
        salesman, manager, director = users(env)
        rules(env, manager, director)
        env.cr.commit()
        for size in sizes:
            orders = quotations(env, salesman, size)
            # Reference: Odoo's confirmation of the same quotations, no rule
            # active (it then passes this module's checks only).
            env["sale.review.rule"].search([("name", "like", REF)]).active = False
            with measure(env, "confirm, no rule active (reference)", size):
                orders.with_user(salesman).action_confirm()
            env.cr.rollback()
            with measure(env, "request approval (one call)", size):
                orders.with_user(salesman).action_request_review()
            with measure(env, "level 10 approves (one call)", size):
                orders.with_user(manager).action_review_approve()
            with measure(env, "level 20 approves (one call)", size):
                orders.with_user(director).action_review_approve()
            approved = sum(1 for order in orders if order.review_state == "approved")
            report(f"approved: {approved} of {size}")
            env.cr.rollback()
            orders.with_user(salesman).action_request_review()
            with measure(env, "level 10 rejects (one call)", size):
                orders.with_user(manager)._review_reject("Bench rejection")
            rejected = sum(1 for order in orders if order.review_state == "rejected")
            report(f"rejected: {rejected} of {size}")
            env.cr.rollback()
            # Every review line's Why is worded in each active language: the
            # same request with Simplified Chinese active too.
            env["res.lang"]._activate_lang("zh_CN")
            env["ir.module.module"]._load_module_terms(
                ["sale_order_lifecycle"], ["zh_CN"]
            )
            with measure(env, "request approval, zh_CN active too (one call)", size):
                orders.with_user(salesman).action_request_review()
            env.cr.rollback()
            env.registry.clear_all_caches()


if __name__ == "__main__":
    main()
