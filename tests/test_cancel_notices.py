"""The warehouse and accounting hear of the deliveries and invoices a
cancellation cancelled: one digest per person and per cancellation."""

from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sale_order_lifecycle.models.cancel.notices import (
    CANCEL_NOTICES_KEY,
    CancelNotices,
)
from odoo.addons.sale_order_lifecycle.models.cancel_reversal.sale_order import (
    SaleOrder as ReversalOrder,
)

from .common import LifecycleCommon

DELIVERIES = "Deliveries cancelled"
INVOICES = "Invoices cancelled"


@tagged("post_install", "-at_install")
class TestCancelNotices(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["sale.order.cancel.reason"].create(
            {"name": "Customer changed mind", "notify_customer": False}
        )
        cls.stock_manager = new_test_user(
            cls.env,
            login="sol_stock_manager",
            name="Wendy Warehouse",
            groups="stock.group_stock_manager",
        )
        company_b = cls.env["res.company"].create({"name": "Other Company"})
        cls.stock_manager_b = new_test_user(
            cls.env,
            login="sol_stock_manager_b",
            name="Bob Elsewhere",
            groups="stock.group_stock_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        cls.billing = new_test_user(
            cls.env,
            login="sol_billing",
            name="Bea Billing",
            groups="account.group_account_invoice",
        )

    def notices(self, user, subject):
        return self.env["mail.message"].search(
            [
                ("subject", "=", subject),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )

    def all_notices(self, subject):
        return self.env["mail.message"].search([("subject", "=", subject)])

    def cancel(self, order, user):
        action = order.with_user(user).action_cancel()
        form = Form(
            self.env["sale.order.cancel"]
            .with_user(user)
            .with_context(**action["context"])
        )
        form.reason_id = self.reason
        form.save().action_cancel()

    def mass_cancel(self, orders, user, **values):
        wizard = (
            self.env["sale.mass.cancel.orders"]
            .with_user(user)
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({"reason_id": self.reason.id, **values})
        )
        wizard.action_mass_cancel()
        return wizard

    def confirmed(self, count=1, responsible=False):
        orders = self.create_orders(count)
        orders.action_confirm()
        orders.picking_ids.user_id = responsible
        return orders

    def test_open_delivery_tells_its_responsible(self):
        self.stock_user.notification_type = "inbox"
        order = self.confirmed(responsible=self.stock_user)
        picking = order.picking_ids
        self.cancel(order, self.salesman)
        self.assertEqual(picking.state, "cancel")
        notice = self.notices(self.stock_user, DELIVERIES)
        self.assertEqual(len(notice), 1)
        self.assertIn(picking.name, notice.body)
        self.assertIn(order.name, notice.body)
        self.assertIn(self.salesman.name, notice.body)
        self.assertEqual(notice.author_id, self.salesman.partner_id)
        # In the responsible's inbox.
        self.assertEqual(
            notice.notification_ids.filtered(
                lambda n: n.res_partner_id == self.stock_user.partner_id
            ).notification_type,
            "inbox",
        )
        self.assertFalse(
            self.notices(self.stock_manager, DELIVERIES),
            "the responsible is told, not the managers",
        )

    def test_mass_cancel_one_digest_per_stock_manager(self):
        orders = self.confirmed(3)
        with_responsible = self.confirmed(responsible=self.stock_user)
        self.mass_cancel(orders | with_responsible, self.sale_manager)
        self.assertEqual(set((orders | with_responsible).mapped("state")), {"cancel"})
        notice = self.notices(self.stock_manager, DELIVERIES)
        self.assertEqual(len(notice), 1, "one digest, not one per order")
        for order in orders:
            self.assertIn(order.picking_ids.name, notice.body)
            self.assertIn(order.name, notice.body)
        self.assertNotIn(with_responsible.name, notice.body)
        own = self.notices(self.stock_user, DELIVERIES)
        self.assertEqual(len(own), 1)
        self.assertIn(with_responsible.picking_ids.name, own.body)
        self.assertNotIn(orders[0].name, own.body)
        self.assertFalse(
            self.notices(self.stock_manager_b, DELIVERIES),
            "managers of another company are not told",
        )

    def test_no_notice_when_nothing_is_cancelled(self):
        quotation = self.create_orders()
        self.cancel(quotation, self.salesman)
        self.assertEqual(quotation.state, "cancel")
        # A delivery already done is not cancelled: nobody is told of it.
        self.company.sale_cancel_reversal = "user"
        self.company.sale_cancel_return_validate = True
        delivered = self.confirmed(responsible=self.stock_user)
        self.deliver(delivered)
        self.mass_cancel(delivered, self.sale_manager, reverse=True)
        self.assertEqual(delivered.state, "cancel")
        self.assertFalse(self.all_notices(DELIVERIES))
        self.assertFalse(self.all_notices(INVOICES))

    def test_no_notice_to_the_canceller(self):
        order = self.confirmed(responsible=self.sale_manager)
        self.cancel(order, self.sale_manager)
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertFalse(self.all_notices(DELIVERIES))

    def test_draft_invoice_tells_its_responsible(self):
        self.product.invoice_policy = "order"
        order = self.confirmed(responsible=self.stock_user)
        invoice = self.invoice(order, post=False)
        invoice.invoice_user_id = self.billing
        self.cancel(order, self.accountant)
        self.assertEqual(invoice.state, "cancel")
        notice = self.notices(self.billing, INVOICES)
        self.assertEqual(len(notice), 1)
        self.assertIn("Draft invoices cancelled", notice.body)
        self.assertIn(order.name, notice.body)
        self.assertIn(
            f'data-oe-model="account.move" data-oe-id="{invoice.id}"', notice.body
        )
        # A draft has a number only once its journal has one to give.
        label = (
            invoice.name
            if invoice.name and invoice.name != "/"
            else f"Draft invoice #{invoice.id}"
        )
        self.assertIn(f">{label}</a>", notice.body)
        self.assertEqual(len(self.notices(self.stock_user, DELIVERIES)), 1)

    def test_responsible_without_invoicing_rights_falls_back_to_accountant(self):
        self.product.invoice_policy = "order"
        self.company.sale_discrepancy_user_id = self.billing
        orders = self.confirmed(2)
        invoices = self.invoice(orders, post=False)
        invoices.invoice_user_id = self.salesman
        self.mass_cancel(orders, self.accountant)
        self.assertEqual(set(invoices.mapped("state")), {"cancel"})
        self.assertFalse(self.notices(self.salesman, INVOICES))
        notice = self.notices(self.billing, INVOICES)
        self.assertEqual(len(notice), 1, "one digest for the batch")
        for order in orders:
            self.assertIn(order.name, notice.body)

    def test_unpaid_invoices_credited_in_mass(self):
        self.company.sale_cancel_reversal = "manager"
        self.company.sale_cancel_return_validate = True
        orders = self.create_finished_orders(2)
        invoices = orders.invoice_ids
        invoices.invoice_user_id = self.billing
        self.mass_cancel(orders, self.sale_manager, reverse=True)
        self.assertEqual(set(orders.mapped("state")), {"cancel"})
        notice = self.notices(self.billing, INVOICES)
        self.assertEqual(len(notice), 1, "one digest for the batch")
        self.assertIn("Unpaid invoices reversed", notice.body)
        for order in orders:
            self.assertIn(order.name, notice.body)
            credit_note = order.cancel_credit_note_ids
            self.assertIn(f'data-oe-id="{credit_note.id}"', notice.body)
        # The deliveries were done, returned: no delivery was cancelled.
        self.assertFalse(self.all_notices(DELIVERIES))

    def test_failed_reversal_is_not_told(self):
        self.company.sale_cancel_return_validate = True
        failing, fine = self.create_finished_orders(2)
        (failing | fine).invoice_ids.invoice_user_id = self.billing
        original = ReversalOrder._cancel_create_credit_notes

        def fail_after_crediting(order):
            credit_notes = original(order)
            if order.id == failing.id:
                raise UserError(order.env._("The journal is locked"))
            return credit_notes

        with patch.object(
            ReversalOrder, "_cancel_create_credit_notes", fail_after_crediting
        ):
            self.mass_cancel(failing | fine, self.sale_manager, reverse=True)
        self.assertEqual(failing.state, "sale")
        self.assertEqual(fine.state, "cancel")
        notice = self.notices(self.billing, INVOICES)
        self.assertEqual(len(notice), 1)
        self.assertIn(fine.name, notice.body)
        self.assertNotIn(failing.name, notice.body)

    def test_approved_cancellations_told_once(self):
        self.reason.requires_approval = True
        orders = self.confirmed(2)
        self.mass_cancel(orders, self.salesman)
        self.assertEqual(set(orders.mapped("cancel_request_state")), {"pending"})
        self.assertFalse(self.all_notices(DELIVERIES), "nothing cancelled yet")
        orders.with_user(self.sale_manager).action_cancel_request_approve()
        self.assertEqual(set(orders.mapped("state")), {"cancel"})
        notice = self.notices(self.stock_manager, DELIVERIES)
        self.assertEqual(len(notice), 1)
        self.assertIn(self.sale_manager.name, notice.body)

    def test_notices_cost_constant_queries(self):
        self.product.invoice_policy = "order"
        counts = []
        # The first round fills the registry's caches (groups, xml ids); then
        # the same number of queries for 2 and 10 orders.
        for rounds, count in enumerate((1, 2, 10), start=1):
            orders = self.confirmed(count)
            invoices = self.invoice(orders, post=False)
            invoices.invoice_user_id = self.billing
            notices = CancelNotices()
            orders.with_user(self.accountant).with_context(
                **{CANCEL_NOTICES_KEY: notices}
            )._cancel_with_reason(self.reason)
            self.assertEqual(len(notices.deliveries), count)
            self.assertEqual(len(notices.invoices), count)
            self.assertFalse(self.all_notices(DELIVERIES), "sent by the batch")
            env = self.env(user=self.accountant)
            self.env.flush_all()
            self.env.invalidate_all()
            if count == 1:
                notices.send(env)
            elif not counts:
                start = self.env.cr.sql_log_count
                notices.send(env)
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - start)
            else:
                # 10 orders cost what 2 did.
                with self.assertQueryCount(counts[0]):
                    notices.send(env)
                    self.env.flush_all()
            self.assertEqual(len(self.notices(self.billing, INVOICES)), rounds)
            self.assertEqual(len(self.notices(self.stock_manager, DELIVERIES)), 1)
            self.all_notices(DELIVERIES).unlink()
        self.assertTrue(counts[0])
