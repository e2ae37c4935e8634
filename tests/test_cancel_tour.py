from odoo.tests import tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestCancelTour(LifecycleHttpCommon):
    def test_cancel_wizard_tour(self):
        order = self.create_orders()
        order.action_confirm()
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "sale_order_lifecycle_cancel",
            login=self.sale_manager.login,
        )
        self.assertEqual(order.state, "cancel")
        self.assertEqual(
            order.cancel_reason_id,
            self.env.ref("sale_order_lifecycle.cancel_reason_duplicate"),
        )
        self.assertEqual(order.cancel_note, "Entered twice by the customer")
        self.assertEqual(order.cancel_user_id, self.sale_manager)
        self.assertEqual(order.picking_ids.state, "cancel")
