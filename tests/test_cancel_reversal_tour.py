from odoo.tests import tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestCancelReversalTour(LifecycleHttpCommon):
    def test_cancel_with_reversal_then_approve(self):
        self.company.write(
            {"sale_cancel_reversal": "user", "sale_cancel_reversal_approval": True}
        )
        order = self.create_finished_orders()
        invoice = order.invoice_ids
        url = f"/odoo/action-sale.action_orders/{order.id}"
        self.start_tour(
            url,
            "sale_order_lifecycle_cancel_reversal_request",
            login=self.salesman.login,
        )
        self.assertEqual(order.cancel_request_state, "pending")
        self.assertTrue(order.cancel_reverse)
        self.start_tour(
            url,
            "sale_order_lifecycle_cancel_reversal_approve",
            login=self.sale_manager.login,
        )
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_approver_id, self.sale_manager)
        delivery = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        self.assertEqual(order.cancel_return_ids.return_id, delivery)
        self.assertEqual(order.cancel_credit_note_ids.reversed_entry_id, invoice)
        self.assertEqual(invoice.payment_state, "reversed")
