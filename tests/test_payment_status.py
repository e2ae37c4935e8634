from odoo import fields
from odoo.tests import tagged

from .common import AccountingCommon


@tagged("post_install", "-at_install")
class TestPaymentStatus(AccountingCommon):
    """Order amounts follow invoices, credit notes and payments."""

    def assert_status(self, order, status, invoiced, paid):
        self.assertRecordValues(
            order,
            [
                {
                    "payment_status": status,
                    "amount_invoiced_total": invoiced,
                    "amount_invoice_paid": paid,
                    "amount_due": invoiced - paid,
                }
            ],
        )

    def test_partial_then_full_payment(self):
        order = self.order()
        self.assert_status(order, "not_invoiced", 0, 0)
        invoice = self.invoice(order)
        self.assert_status(order, "unpaid", 230, 0)
        self.pay(invoice, 30)
        self.assert_status(order, "partial", 230, 30)
        self.pay(invoice, 200)
        self.assert_status(order, "paid", 230, 230)

    def test_draft_invoices_do_not_count(self):
        order = self.order()
        self.invoice(order, post=False)
        self.assert_status(order, "not_invoiced", 0, 0)

    def test_credit_note_after_payment_is_overpaid(self):
        order = self.paid_then_half_refunded()
        self.assert_status(order, "overpaid", 115, 230)
        # Unreconciling the payment puts the invoice back to unpaid.
        invoice = order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
        invoice.line_ids.remove_move_reconcile()
        self.assert_status(order, "unpaid", 115, 0)

    def test_several_invoices_and_down_payment(self):
        order = self.order(qty=4)
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create(
            {"advance_payment_method": "fixed", "fixed_amount": 100}
        ).create_invoices()
        down_payment = order.invoice_ids
        down_payment.action_post()
        self.pay(down_payment)
        self.assertEqual(order.payment_status, "paid")
        self.assertEqual(order.amount_invoiced_total, 100)
        final = order._create_invoices(final=True)
        final.action_post()
        self.assertEqual(final.amount_total, 360, "the down payment is deducted")
        self.assert_status(order, "partial", 460, 100)
        self.pay(final)
        self.assert_status(order, "paid", 460, 460)

    def test_invoice_shared_by_two_orders(self):
        first, second = self.order(), self.order(qty=1)
        invoice = (first | second)._create_invoices()
        invoice.action_post()
        self.pay(invoice, 115)
        # A third of the shared invoice is paid: each order carries its share.
        self.assert_status(first, "partial", 230, 76.67)
        self.assert_status(second, "partial", 115, 38.33)

    def test_foreign_currency(self):
        euro = self.env.ref("base.EUR")
        euro.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": euro.id,
                "rate": 0.5,
                "name": fields.Date.today(),
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": euro.id}
        )
        order = self.order(pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, euro)
        self.assertEqual(order.amount_total, 115)
        invoice = self.invoice(order)
        self.assertEqual(invoice.currency_id, euro)
        self.pay(invoice)
        self.assert_status(order, "paid", 115, 115)

    def test_salesperson_reads_status(self):
        order = self.order()
        self.invoice(order)
        self.assertEqual(order.with_user(self.salesman).payment_status, "unpaid")
        self.assertIn(
            order,
            self.env["sale.order"]
            .with_user(self.salesman)
            .search([("payment_status", "=", "unpaid")]),
        )

    def test_recompute_query_count_does_not_grow(self):
        five = self.create_orders(5)
        fifty = self.create_orders(50)
        (five | fifty).action_confirm()
        self.invoice(five | fifty)
        field = self.env["sale.order"]._fields["payment_status"]

        def recompute(orders):
            self.env.add_to_compute(field, orders)
            return lambda: orders._recompute_recordset(["payment_status"])

        queries_5 = self.count_queries(recompute(five))
        run = recompute(fifty)
        self.env.invalidate_all()
        with self.assertQueryCount(queries_5 + 3):
            run()
        self.assertEqual(set(fifty.mapped("payment_status")), {"unpaid"})
