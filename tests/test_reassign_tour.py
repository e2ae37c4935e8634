from odoo.tests import tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestReassignTour(LifecycleHttpCommon):
    def test_reassign_tour(self):
        order = self.create_orders(user=self.salesman)
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sale_order_lifecycle_reassign",
            login=self.sale_manager.login,
        )
        self.assertEqual(order.user_id, self.salesman_other)
        self.assertEqual(order.assignment_ids.reason, "Sam is on leave")
