"""Upgrade to 18.0.1.5.0.

- The internal users' read rules on orders, lines and reviews now also cover
  cancellation approvers, their substitutes and the substitutes of escalation
  users. The rules are ``noupdate``, which an upgrade does not reload: their
  domains are taken again from security/ir_rules.xml.
- The orders whose cancellation waits for approval record who was asked to
  decide (``cancel_approval_user_ids``), so that these approvers and their
  substitutes, Sales users or not, may read them.
"""

from collections import defaultdict

from lxml import etree

from odoo import SUPERUSER_ID, Command, api
from odoo.tools import file_path

RULES = (
    "sale_order_internal_reviewer_read_rule",
    "sale_order_line_internal_reviewer_read_rule",
    "sale_order_review_internal_reviewer_read_rule",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    tree = etree.parse(file_path("sale_order_lifecycle/security/ir_rules.xml"))
    for name in RULES:
        rule = env.ref(f"sale_order_lifecycle.{name}", raise_if_not_found=False)
        (domain,) = tree.xpath(
            f"//record[@id='{name}']/field[@name='domain_force']/text()"
        )
        if rule:
            rule.domain_force = domain.strip()
    orders = env["sale.order"].search([("cancel_request_state", "=", "pending")])
    by_users = defaultdict(lambda: orders.browse())
    for order in orders:
        by_users[order._cancel_approval_users()] |= order
    for users, user_orders in by_users.items():
        user_orders._lifecycle_internal().with_context(mail_notrack=True).write(
            {"cancel_approval_user_ids": [Command.set(users.ids)]}
        )
