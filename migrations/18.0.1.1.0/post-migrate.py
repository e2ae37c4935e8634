"""Upgrade to 18.0.1.1.0.

- Cancellation approvals get an activity type of their own. Before, they
  shared the Order Approval type with the review, told apart by having no
  review line. Open ones move to the new type, so that the approvers'
  activities keep closing when the request is decided.
- An approval now holds only for the order as it was when approval was
  requested. The quotations under review get that record now, so that their
  approvals and pending requests stay valid.
- Review lines tell the latest request from earlier ones. A request creates
  all its lines in one transaction, so they share their creation time: the
  lines of each order's latest creation time are the current ones.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    order_approval = env.ref("sale_order_lifecycle.mail_activity_type_order_approval")
    cancel_approval = env.ref("sale_order_lifecycle.mail_activity_type_cancel_approval")
    activities = env["mail.activity"].search(
        [
            ("res_model", "=", "sale.order"),
            ("activity_type_id", "=", order_approval.id),
            ("sale_review_id", "=", False),
        ]
    )
    activities.with_context(mail_activity_quick_update=True).write(
        {"activity_type_id": cancel_approval.id}
    )
    in_review = (
        env["sale.order"]
        .with_context(active_test=False)
        .search([("state", "in", ("draft", "sent")), ("review_state", "!=", "none")])
    )
    for order, digest in in_review._get_review_fingerprints().items():
        order.review_fingerprint = digest
    env.flush_all()
    cr.execute(
        SQL(
            """
            UPDATE sale_order_review review
               SET is_current = (review.create_date = latest.create_date)
              FROM (SELECT order_id, MAX(create_date) AS create_date
                      FROM sale_order_review
                     GROUP BY order_id) latest
             WHERE review.order_id = latest.order_id
            """
        )
    )
