from odoo.tests import tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestCustomerStatementTour(LifecycleHttpCommon):
    def test_customer_statement_tour(self):
        order = self.create_finished_orders()
        self.assertEqual(order.invoice_ids.state, "posted")
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type",
            "sale_order_lifecycle_customer_statement",
            login=self.accountant.login,
        )
