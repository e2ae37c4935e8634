from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import LifecycleHttpCommon, activate_languages


@tagged("post_install", "-at_install")
class TestPersonaTours(LifecycleHttpCommon):
    """Each persona does their job from the screens with only their groups
    (the reviewer from finance and the warehouse user: test_review_outside_sales
    and test_low_stock_tour)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["sale.review.rule"].create(
            {
                "name": "Large order",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
            }
        )

    def test_salesperson_requests_approval_and_reassigns_own_order(self):
        order = self.create_orders(qty=20)
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sale_order_lifecycle_persona_salesperson",
            login=self.salesman.login,
        )
        self.assertEqual(order.review_state, "pending")
        self.assertEqual(order.user_id, self.salesman_other)
        self.assertEqual(order.assignment_ids.reason, "Customer moved to Olga's region")

    def test_sales_manager_approves_a_selection(self):
        orders = self.create_orders(count=2, qty=20)
        orders.with_user(self.salesman).action_request_review()
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding",
            "sale_order_lifecycle_persona_manager_batch",
            login=self.sale_manager.login,
        )
        self.assertEqual(set(orders.mapped("review_state")), {"approved"})

    def test_salesperson_in_simplified_chinese(self):
        activate_languages(self.env, "zh_CN")
        self.rule.update_field_translations("name", {"zh_CN": "大额订单"})
        user = new_test_user(
            self.env,
            login="sol_salesman_zh",
            name="Wang Salesman",
            groups="sales_team.group_sale_salesman",
            lang="zh_CN",
        )
        order = self.create_orders(qty=20, user=user)
        order.with_user(user).action_request_review()
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sale_order_lifecycle_persona_zh_cn",
            login=user.login,
        )

    def test_former_salesperson_reads_the_reviews(self):
        """A reassigned order under review still opens for its former
        salesperson (regression: its reviews were refused to them)."""
        order = self.create_orders(qty=20)
        order.with_user(self.salesman).action_request_review()
        order.user_id = self.salesman_other
        self.env.invalidate_all()
        reviews = order.with_user(self.salesman).review_ids
        self.assertEqual(reviews.mapped("name"), ["Large order"])
        self.assertFalse(order.with_user(self.salesman).review_can_decide)

    def test_salesperson_reassigns_own_order_under_review(self):
        """Regression: judging the change read the lines as the salesperson
        who had just handed the order away."""
        order = self.create_orders(qty=20)
        order.with_user(self.salesman).action_request_review()
        self.env.invalidate_all()
        order.with_user(self.salesman).write({"user_id": self.salesman_other.id})
        self.assertEqual(order.user_id, self.salesman_other)
        self.assertEqual(order.review_state, "pending")
