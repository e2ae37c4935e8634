from odoo.tests import new_test_user, tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestStatementRegisterTour(LifecycleHttpCommon):
    def test_statement_register_tour(self):
        """A user with Billing rights only, no Sales right, runs a statement
        through the register."""
        billing = new_test_user(
            self.env,
            login="sol_tour_billing",
            name="Betty Billing",
            groups="account.group_account_invoice",
            email="betty@example.com",
        )
        self.assertFalse(billing.has_group("sales_team.group_sale_salesman"))
        order = self.create_finished_orders()
        self.assertEqual(order.invoice_ids.state, "posted")
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type",
            "sale_order_lifecycle_statement_register",
            login=billing.login,
        )
        statement = self.env["customer.statement"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(statement.state, "sent")
        self.assertEqual(statement.sent_by_id, billing)
        self.assertAlmostEqual(statement.closing_balance, order.amount_total)
