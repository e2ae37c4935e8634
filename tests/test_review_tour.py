from odoo import Command
from odoo.tests import tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestReviewTour(LifecycleHttpCommon):
    def test_request_and_approve_from_the_activity(self):
        self.env["sale.review.rule"].create(
            {
                "name": "Large order",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(self.sale_manager.ids)],
            }
        )
        self.company.sale_review_auto_confirm = True
        self.customer.name = "Review Tour Customer"
        order = self.create_orders(qty=20)

        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sale_order_lifecycle_review_request",
            login=self.salesman.login,
        )
        self.assertEqual(order.review_state, "pending")
        self.assertEqual(
            order.activity_ids.filtered("sale_review_id").user_id, self.sale_manager
        )

        self.start_tour(
            "/odoo",
            "sale_order_lifecycle_review_approve",
            login=self.sale_manager.login,
        )
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(order.review_ids.decided_by_id, self.sale_manager)
        self.assertEqual(order.state, "sale")
