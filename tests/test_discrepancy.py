from odoo.tests import Form, tagged

from .common import AccountingCommon


@tagged("post_install", "-at_install")
class TestDiscrepancy(AccountingCommon):
    """Each kind of discrepancy appears, explains itself, and goes once fixed."""

    def draft_invoice(self, order, quantity=None, partner=None):
        invoice = order._create_invoices()
        if quantity is not None or partner is not None:
            with Form(invoice) as form:
                if partner is not None:
                    form.partner_id = partner
                if quantity is not None:
                    with form.invoice_line_ids.edit(0) as line:
                        line.quantity = quantity
        return invoice

    def assert_discrepancy(self, order, text):
        self.assertTrue(order.has_discrepancy)
        self.assertIn(text, order.discrepancy_note)

    def test_no_discrepancy_when_everything_agrees(self):
        order = self.order()
        invoice = self.invoice(order)
        self.pay(invoice)
        self.assertFalse(order.has_discrepancy)
        self.assertFalse(order.discrepancy_note)

    def test_cancelled_order_with_posted_invoice(self):
        order = self.order()
        invoice = self.invoice(order)
        # Cancelled by Odoo before this module's rules (legacy data).
        order.sudo().write({"state": "cancel"})
        self.assert_discrepancy(order, "Cancelled, but posted invoices of")
        invoice._reverse_moves(cancel=True)
        self.assertFalse(order.has_discrepancy)

    def test_delivered_but_invoiced_short(self):
        self.product.invoice_policy = "delivery"
        order = self.order()
        self.deliver(order)
        invoice = self.draft_invoice(order, quantity=1)
        invoice.action_post()
        self.assert_discrepancy(order, "only $\xa0115.00 is invoiced")
        # Within the company's tolerance it is not reported.
        self.company.sale_discrepancy_tolerance = 200
        self.assertFalse(order.has_discrepancy)
        self.company.sale_discrepancy_tolerance = 0
        self.assertTrue(order.has_discrepancy)
        self.invoice(order)
        self.assertFalse(order.has_discrepancy)

    def test_invoiced_more_than_ordered(self):
        order = self.order()
        invoice = self.draft_invoice(order, quantity=3)
        invoice.action_post()
        self.assert_discrepancy(order, "more than the order's")
        self.refund(invoice, quantity=1)
        self.assertFalse(order.has_discrepancy)

    def test_paid_more_than_invoiced(self):
        order = self.paid_then_half_refunded()
        self.assert_discrepancy(order, "more than the $\xa0115.00 invoiced")

    def test_invoice_for_another_customer(self):
        order = self.order()
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self.draft_invoice(order, partner=other).action_post()
        self.assert_discrepancy(order, "is addressed to Someone Else")

    def test_daily_digest_for_the_accountant(self):
        # The discrepancies already in the database (the demo data has one)
        # were reported before.
        self.env["sale.order"]._lifecycle_internal().with_context(
            active_test=False
        ).search([("has_discrepancy", "=", True)]).write({"discrepancy_notified": True})
        self.company.sale_discrepancy_user_id = self.accountant
        orders = self.create_orders(3)
        orders.action_confirm()
        for order in orders:
            self.draft_invoice(order, quantity=3).action_post()
        self.env["sale.order"]._cron_notify_discrepancies()
        digest = self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("user_id", "=", self.accountant.id)]
        )
        self.assertEqual(len(digest), 1)
        self.assertEqual(digest.summary, "3 new order discrepancies")
        for order in orders:
            self.assertIn(order.name, digest.note)
        self.env["sale.order"]._cron_notify_discrepancies()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "sale.order"), ("user_id", "=", self.accountant.id)]
            ),
            1,
            "nothing new, no new activity",
        )
        self.assertTrue(all(orders.mapped("discrepancy_notified")))
        self.assertTrue(orders[0].with_user(self.salesman).has_discrepancy)

    def test_invoice_in_another_currency(self):
        euro = self.env.ref("base.EUR")
        euro.active = True
        order = self.order()
        invoice = order._create_invoices()
        invoice.currency_id = euro
        invoice.action_post()
        self.assert_discrepancy(order, f"{invoice.name} is in EUR, the order in USD.")
