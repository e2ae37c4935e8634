"""Cancelling a delivered or invoiced order by returning its goods and
crediting its invoices, from the cancel and mass-cancel wizards."""

from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.sale_order_lifecycle.models.cancel_reversal.sale_order import (
    SaleOrder as ReversalOrder,
)

from .common import LifecycleCommon, LifecycleHttpCommon

RETURN_ACTIVITY = "sale_order_lifecycle.mail_activity_type_cancel_return"
REFUND_ACTIVITY = "sale_order_lifecycle.mail_activity_type_cancel_refund"


class ReversalMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["sale.order.cancel.reason"].create(
            {"name": "Goods refused"}
        )
        cls.product.invoice_policy = "delivery"

    def wizard(self, order, user=None, **values):
        """The single cancel wizard as opened from the order's form."""
        user = user or self.sale_manager
        action = order.with_user(user).action_cancel()
        self.assertEqual(action["res_model"], "sale.order.cancel")
        form = Form(
            self.env["sale.order.cancel"]
            .with_user(user)
            .with_context(**action["context"])
        )
        form.reason_id = self.reason
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    def mass_wizard(self, orders, user=None, **values):
        return (
            self.env["sale.mass.cancel.orders"]
            .with_user(user or self.sale_manager)
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({"reason_id": self.reason.id, **values})
        )

    def credit_notes(self, order):
        return order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")


@tagged("post_install", "-at_install")
class TestCancelReversal(ReversalMixin, LifecycleCommon):
    def test_delivered_and_invoiced_order_returned_and_credited(self):
        order = self.create_finished_orders()
        delivery = order.picking_ids
        invoice = order.invoice_ids
        wizard = self.wizard(order)
        self.assertTrue(wizard.can_reverse)
        self.assertIn(delivery.name, wizard.reversal_info)
        self.assertIn(invoice.name, wizard.reversal_info)
        # Without the option, the guard stays.
        with self.assertRaisesRegex(UserError, "Tick Return and Credit"):
            wizard.action_cancel()
        wizard.reverse = True
        wizard.action_cancel()
        self.assertEqual(order.state, "cancel")
        # The return waits for the warehouse, with an activity.
        returned = order.cancel_return_ids
        self.assertEqual(returned.return_id, delivery)
        self.assertEqual(returned.state, "assigned")
        self.assertEqual(returned.move_ids.product_uom_qty, 2)
        self.assertEqual(
            returned.activity_ids.activity_type_id, self.env.ref(RETURN_ACTIVITY)
        )
        # The unpaid invoice is settled by its full credit note.
        credit_note = order.cancel_credit_note_ids
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertFalse(credit_note.activity_ids)
        self.assertEqual(
            (order.cancel_return_count, order.cancel_credit_note_count), (1, 1)
        )
        summary = order.message_ids.filtered(
            lambda m: "Order cancelled" in (m.body or "")
        ).body
        self.assertIn(returned.name, summary)
        self.assertIn(credit_note.name, summary)
        self.assertEqual(
            order.action_view_cancel_returns()["res_id"], returned.id, "smart button"
        )
        # The warehouse receives the goods later: the order stays cancelled.
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(order.order_line.qty_delivered, 0)
        self.assertEqual(order.state, "cancel")

    def test_partial_delivery_returned_at_once(self):
        self.company.sale_cancel_return_validate = True
        order = self.create_orders(qty=5)
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 3
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        backorder = order.picking_ids - picking
        self.assertEqual(backorder.state, "assigned")
        self.invoice(order)
        self.wizard(order, reverse=True).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(order.cancel_return_ids.state, "done")
        self.assertEqual(order.cancel_return_ids.move_ids.quantity, 3)
        self.assertEqual(order.order_line.qty_delivered, 0)
        self.assertEqual(
            self.product.with_context(warehouse_id=self.warehouse.id).free_qty, 100_000
        )

    def test_lots_are_returned(self):
        self.company.sale_cancel_return_validate = True
        product = self.env["product.product"].create(
            {
                "name": "Lot product",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
                "list_price": 50,
            }
        )
        lot = self.env["stock.lot"].create({"name": "LOT-42", "product_id": product.id})
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, 10, lot_id=lot
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 4})
                ],
            }
        )
        order.action_confirm()
        self.deliver(order)
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, lot)
        self.wizard(order, reverse=True).action_cancel()
        returned = order.cancel_return_ids
        self.assertEqual(returned.state, "done")
        self.assertEqual(returned.move_line_ids.lot_id, lot)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                product, self.warehouse.lot_stock_id, lot_id=lot
            ),
            10,
        )

    def test_pick_pack_ship(self):
        self.company.sale_cancel_return_validate = True
        self.warehouse.delivery_steps = "pick_pack_ship"
        order = self.create_orders(qty=3)
        order.action_confirm()
        # Odoo 18 creates each next step when the previous one is done.
        for _step in range(3):
            self.deliver(order)
        self.assertEqual(len(order.picking_ids), 3)
        self.assertEqual(set(order.picking_ids.mapped("state")), {"done"})
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.wizard(order, reverse=True).action_cancel()
        returned = order.cancel_return_ids
        self.assertEqual(len(returned), 1, "only the shipment to the customer")
        self.assertEqual(returned.return_id.picking_type_code, "outgoing")
        self.assertEqual(returned.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 0)
        self.assertEqual(order.state, "cancel")

    def test_partly_paid_invoice_left_to_refund(self):
        order = self.create_finished_orders()
        invoice = order.invoice_ids
        self.pay(invoice, amount=80)
        self.assertEqual(invoice.payment_state, "partial")
        self.company.sale_discrepancy_user_id = self.accountant
        self.wizard(order, reverse=True).action_cancel()
        credit_note = order.cancel_credit_note_ids
        self.assertEqual(credit_note.state, "posted")
        # The open part is settled; what was paid stays on the credit note.
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertAlmostEqual(credit_note.amount_residual, 80)
        activity = credit_note.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref(REFUND_ACTIVITY))
        self.assertEqual(activity.user_id, self.accountant)
        self.assertFalse(
            self.env["account.payment"].search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("payment_type", "=", "outbound"),
                ]
            ),
            "no automatic refund payment",
        )

    def test_foreign_currency(self):
        currency = self.env.ref("base.EUR")
        if currency == self.company.currency_id:
            currency = self.env.ref("base.USD")
        currency.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "rate": 2.0,
                "name": fields.Date.context_today(self.company),
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": currency.id}
        )
        order = self.create_finished_orders(pricelist_id=pricelist.id)
        invoice = order.invoice_ids
        self.assertEqual(invoice.currency_id, currency)
        self.wizard(order, reverse=True).action_cancel()
        credit_note = order.cancel_credit_note_ids
        self.assertEqual(credit_note.currency_id, currency)
        self.assertEqual(credit_note.amount_total, invoice.amount_total)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(order.state, "cancel")

    def test_second_company_follows_its_own_setting(self):
        company_b = self.env["res.company"].create({"name": "Lifecycle B"})
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        self.sale_manager.write({"company_ids": [Command.link(company_b.id)]})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=company_b, install_demo=False
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product, warehouse_b.lot_stock_id, 100
        )
        company_b.sale_cancel_reversal = "none"
        order = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "company_id": company_b.id,
                    "partner_id": self.customer.id,
                    "user_id": self.sale_manager.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        self.deliver(order)
        manager = self.sale_manager.with_context(
            allowed_company_ids=[company_b.id, self.company.id]
        )
        wizard = (
            self.env["sale.order.cancel"]
            .with_user(manager)
            .with_context(allowed_company_ids=[company_b.id, self.company.id])
            .create({"order_id": order.id, "reason_id": self.reason.id})
        )
        self.assertFalse(wizard.can_reverse, "nobody reverses in company B")
        with self.assertRaisesRegex(AccessError, "may not cancel delivered"):
            order.with_user(manager)._cancel_with_reversal(self.reason)
        company_b.sale_cancel_reversal = "manager"
        order.with_user(manager).with_context(
            allowed_company_ids=[company_b.id, self.company.id]
        )._cancel_with_reversal(self.reason)
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_return_ids.company_id, company_b)

    def test_salesperson_needs_the_setting(self):
        order = self.create_finished_orders()
        wizard = (
            self.env["sale.order.cancel"]
            .with_user(self.salesman)
            .create(
                {"order_id": order.id, "reason_id": self.reason.id, "reverse": True}
            )
        )
        self.assertFalse(wizard.can_reverse)
        with self.assertRaisesRegex(AccessError, "may not cancel delivered"):
            wizard.action_cancel()
        self.assertEqual(order.state, "sale")
        self.company.sale_cancel_reversal = "user"
        # The salesperson has no Inventory or Invoicing rights: the workflow
        # creates the documents for them.
        wizard = self.wizard(order, user=self.salesman, reverse=True)
        self.assertTrue(wizard.can_reverse)
        wizard.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertTrue(order.cancel_return_ids and order.cancel_credit_note_ids)

    def test_reversal_can_need_approval(self):
        self.company.write(
            {"sale_cancel_reversal": "user", "sale_cancel_reversal_approval": True}
        )
        order = self.create_finished_orders()
        wizard = self.wizard(order, user=self.salesman, reverse=True)
        self.assertTrue(wizard.needs_approval)
        wizard.action_cancel()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.cancel_request_state, "pending")
        self.assertTrue(order.cancel_reverse)
        self.assertFalse(order.cancel_return_ids)
        order.with_user(self.sale_manager).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(len(order.cancel_return_ids), 1)
        self.assertEqual(order.cancel_credit_note_ids.state, "posted")

    def test_failure_leaves_the_order_untouched_and_others_go_on(self):
        failing, fine = self.create_finished_orders(2)
        pickings_before = self.env["stock.picking"].search_count([])
        moves_before = self.env["account.move"].search_count([])
        original = ReversalOrder._cancel_create_credit_notes

        def credit_or_fail(order):
            if order.id == failing.id:
                raise UserError(order.env._("The journal is locked"))
            return original(order)

        with patch.object(ReversalOrder, "_cancel_create_credit_notes", credit_or_fail):
            wizard = self.mass_wizard(failing | fine, reverse=True)
            self.assertIn(
                "2 of 2 selected orders will be cancelled", wizard.cancel_summary
            )
            action = wizard.action_mass_cancel()
        self.assertEqual(action["res_id"], wizard.id, "the result stays")
        self.assertEqual(wizard.state, "done")
        self.assertIn("1 of 2 selected orders cancelled", wizard.result_info)
        self.assertIn(f"{failing.name}: The journal is locked", wizard.result_info)
        self.assertEqual(fine.state, "cancel")
        # The return of the failing order, created before its credit note
        # failed, is gone with its savepoint.
        self.assertEqual(failing.state, "sale")
        self.assertFalse(failing.cancel_return_ids)
        self.assertEqual(
            self.env["stock.picking"].search_count([]), pickings_before + 1
        )
        self.assertEqual(self.env["account.move"].search_count([]), moves_before + 1)
        self.assertEqual(failing.picking_ids.state, "done")

    def test_mass_cancel_counts_and_refusals_before_confirming(self):
        fine = self.create_orders(2)
        fine.action_confirm()
        locked = self.create_orders()
        locked.action_confirm()
        locked.action_lock()
        delivered = self.create_finished_orders()
        orders = fine | locked | delivered
        wizard = self.mass_wizard(orders)
        self.assertTrue(wizard.can_reverse)
        self.assertEqual(
            wizard.cancel_summary, "2 of 4 selected orders will be cancelled."
        )
        self.assertIn(delivered.name, wizard.blocked_info)
        self.assertEqual(wizard.notify_count, 1)
        wizard.reverse = True
        self.assertEqual(
            wizard.cancel_summary, "3 of 4 selected orders will be cancelled."
        )
        self.assertNotIn(delivered.name, wizard.blocked_info)
        self.assertIn(locked.name, wizard.blocked_info)
        wizard.action_mass_cancel()
        self.assertEqual(set((fine | delivered).mapped("state")), {"cancel"})
        self.assertEqual(locked.state, "sale")
        self.assertIn(f"{locked.name}: it is locked", wizard.result_info)

    def test_reason_note_required_with_reversal(self):
        reason = self.env["sale.order.cancel.reason"].create(
            {"name": "Other", "note_required": True}
        )
        order = self.create_finished_orders()
        with self.assertRaisesRegex(UserError, "needs a note"):
            order.with_user(self.sale_manager)._cancel_with_reversal(reason)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.cancel_return_ids)

    def test_opening_the_wizard_says_why_at_once(self):
        locked = self.create_orders()
        locked.action_confirm()
        locked.action_lock()
        with self.assertRaisesRegex(UserError, "it is locked"):
            locked.with_user(self.sale_manager).action_cancel()
        delivered = self.create_finished_orders()
        self.company.sale_cancel_reversal = "none"
        with self.assertRaisesRegex(UserError, "goods were delivered"):
            delivered.with_user(self.sale_manager).action_cancel()


@tagged("post_install", "-at_install")
class TestCancelReversalRpc(ReversalMixin, LifecycleHttpCommon):
    def test_reversal_refused_through_json_rpc(self):
        order = self.create_finished_orders()
        self.authenticate("sol_salesman", "sol_salesman")
        wizard_id, error = self.call_kw(
            "sale.order.cancel",
            "create",
            {"order_id": order.id, "reason_id": self.reason.id, "reverse": True},
        )
        self.assertFalse(error)
        _result, error = self.call_kw(
            "sale.order.cancel",
            "action_cancel",
            [wizard_id],
            context={"sale_cancel_reversed": True, "sale_cancel_reversal_returns": []},
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        # A forged marker does not lift the guard either.
        _result, error = self.call_kw(
            "sale.order",
            "action_cancel",
            order.ids,
            context={
                "sale_cancel_reason_id": self.reason.id,
                "sale_cancel_reversed": True,
            },
        )
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("goods were delivered", error["message"])
        # The reversal's and the approval's fields are the workflow's.
        for values in (
            {"cancel_reverse": True},
            {"cancel_return_ids": [Command.set(order.picking_ids.ids)]},
            {"cancel_approver_id": self.sale_manager.id},
            {"cancel_approval_level": 99},
        ):
            _result, error = self.call_kw("sale.order", "write", order.ids, values)
            self.assertEqual(error["name"], "odoo.exceptions.UserError", values)
            self.assertIn("workflow", error["message"])
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.cancel_return_ids)
        self.assertFalse(order.cancel_reverse)
