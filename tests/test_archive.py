import ast
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestArchive(LifecycleCommon):
    def archived_orders(self, count=1):
        orders = self.create_finished_orders(count)
        orders.action_archive()
        return orders

    def test_archive_finished_and_cancelled_orders(self):
        finished = self.create_finished_orders()
        cancelled = self.create_orders()
        cancelled._action_cancel()
        orders = finished | cancelled
        orders.with_user(self.salesman).action_archive()
        self.assertEqual(orders.mapped("active"), [False, False])
        self.assertEqual(orders.archived_by_id, self.salesman)
        self.assertTrue(all(orders.mapped("archived_date")))
        # Out of the working lists, in the history, and in the chatter.
        SaleOrder = self.env["sale.order"]
        self.assertFalse(SaleOrder.search([("id", "in", orders.ids)]))
        history = self.env.ref("sale_order_lifecycle.sale_order_history_action")
        domain = [*ast.literal_eval(history.domain), ("id", "in", orders.ids)]
        self.assertEqual(SaleOrder.search(domain), orders)
        self.assertIn("Order archived", finished.message_ids[0].body)

    def test_archive_refuses_unfinished_orders_and_lists_them(self):
        quotation = self.create_orders()
        confirmed = self.create_orders()
        confirmed.action_confirm()
        delivered = self.create_orders()
        delivered.action_confirm()
        self.deliver(delivered)
        draft_invoiced = self.create_orders()
        draft_invoiced.action_confirm()
        self.deliver(draft_invoiced)
        draft_invoice = self.invoice(draft_invoiced, post=False)
        finished = self.create_finished_orders()
        orders = quotation | confirmed | delivered | draft_invoiced | finished

        with self.assertRaises(UserError) as error:
            orders.action_archive()
        message = str(error.exception)
        self.assertIn(f"{quotation.name}: it is a quotation", message)
        self.assertIn(
            f"{confirmed.name}: deliveries not done: {confirmed.picking_ids.name}",
            message,
        )
        self.assertIn(f"{delivered.name}: not fully invoiced", message)
        self.assertIn(
            f"{draft_invoiced.name}: draft invoices: {draft_invoice.display_name}",
            message,
        )
        self.assertNotIn(finished.name, message)
        self.assertTrue(all(orders.mapped("active")), "nothing is archived")

    def test_archive_refused_through_rpc_write(self):
        quotation = self.create_orders()
        with self.assertRaises(UserError):
            quotation.with_user(self.salesman).write({"active": False})
        self.assertTrue(quotation.active)

    def test_archive_requires_payment_when_company_asks(self):
        self.company.sale_archive_require_paid = True
        order = self.create_finished_orders()
        with self.assertRaisesRegex(
            UserError, f"invoices not paid: {order.invoice_ids.name}"
        ):
            order.action_archive()
        self.pay(order.invoice_ids)
        order.action_archive()
        self.assertFalse(order.active)

    def test_archived_order_is_read_only(self):
        order = self.archived_orders()
        for user in (self.salesman, self.sale_manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "Archived orders are read-only"):
                    order.with_user(user).write({"client_order_ref": "PO-1"})
                with self.assertRaisesRegex(UserError, "Archived orders are read-only"):
                    order.order_line.with_user(user).write({"name": "Changed"})
                with self.assertRaisesRegex(UserError, "Archived orders are read-only"):
                    self.env["sale.order.line"].with_user(user).create(
                        {"order_id": order.id, "product_id": self.product.id}
                    )
        self.assertFalse(order.client_order_ref)
        cancelled = self.create_orders()
        cancelled._action_cancel()
        cancelled.action_archive()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            cancelled.with_user(self.sale_manager).unlink()
        # The chatter stays usable: messages with attachments, activities.
        attachment = self.env["ir.attachment"].create(
            {
                "name": "note.txt",
                "raw": b"late note",
                "res_model": "sale.order",
                "res_id": order.id,
            }
        )
        order.with_user(self.salesman).message_post(
            body="Customer called", attachment_ids=attachment.ids
        )
        order.with_user(self.salesman).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        self.assertEqual(len(order.activity_ids), 1)

    def test_system_updates_reach_archived_orders(self):
        order = self.archived_orders()
        invoice = order.invoice_ids
        # An accountant pays the invoice of the archived order.
        self.pay(invoice.with_user(self.accountant))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # A late return is received and refunded.
        return_picking = self.return_delivery(
            order.picking_ids, 1, user=self.stock_user
        )
        self.assertEqual(return_picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 1)
        self.assertEqual(order.invoice_status, "to invoice")
        self.assertFalse(order.active)

    def test_unarchive_rights(self):
        order = self.archived_orders()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_unarchive()
        self.assertFalse(order.active)
        order.with_user(self.sale_manager).action_unarchive()
        self.assertTrue(order.active)
        self.assertFalse(order.archived_date)
        self.assertFalse(order.archived_by_id)
        order.with_user(self.salesman).write({"client_order_ref": "PO-2"})
        self.assertEqual(order.client_order_ref, "PO-2")

    def test_duplicate_archived_order(self):
        order = self.archived_orders()
        copy = order.with_user(self.salesman).copy()
        self.assertTrue(copy.active)
        self.assertEqual(copy.state, "draft")
        self.assertEqual(copy.origin_order_id, order)
        self.assertFalse(copy.archived_date)
        self.assertEqual(copy.order_line.product_id, self.product)
        self.assertIn(order.name, copy.message_ids[0].body)
        self.assertIn(copy.name, order.message_ids[0].body)

    def test_archived_orders_stay_reachable(self):
        order = self.archived_orders()
        # From the customer's smart button.
        self.customer.invalidate_recordset(["sale_order_count"])
        self.assertEqual(self.customer.with_user(self.salesman).sale_order_count, 1)
        action = self.customer.action_view_sale_order()
        self.assertEqual(
            self.env["sale.order"]
            .with_context(**action["context"])
            .search(action["domain"]),
            order,
        )
        # From the invoice.
        action = order.invoice_ids.action_view_source_sale_orders()
        self.assertEqual(action["res_id"], order.id)
        # From the delivery.
        self.assertEqual(order.picking_ids.sale_id, order)
        # Sales analysis keeps counting it.
        self.env.flush_all()
        report = self.env["sale.report"].search(
            [("order_reference", "=", f"sale.order,{order.id}")]
        )
        self.assertEqual(sum(report.mapped("product_uom_qty")), 2)

    def test_archive_query_count_does_not_grow(self):
        five = self.create_finished_orders(5)
        fifty = self.create_finished_orders(50)
        queries_five = self.count_queries(five.action_archive)
        self.env.invalidate_all()
        with self.assertQueryCount(queries_five + 2):
            fifty.action_archive()
        self.assertFalse(any(fifty.mapped("active")))


@tagged("post_install", "-at_install")
class TestAutoArchive(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"sale_auto_archive": True, "sale_auto_archive_days": 30})
        # Orders already old enough (the demo's past cancellations) are
        # archived first: the counts below are those of this test's orders.
        cls.env["sale.order"]._cron_auto_archive()
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            cls.old_finished = cls.create_finished_orders(3)
            cls.old_cancelled = cls.create_orders()
            cls.old_cancelled._action_cancel()
            cls.old_open = cls.create_orders()
            cls.old_open.action_confirm()
        cls.recent_finished = cls.create_finished_orders()

    def test_cron_archives_old_finished_orders_in_batches(self):
        progress = self.env["ir.cron.progress"].create(
            {
                "cron_id": self.env.ref(
                    "sale_order_lifecycle.ir_cron_sale_auto_archive"
                ).id
            }
        )
        archived = (
            self.env["sale.order"]
            .with_context(ir_cron_progress_id=progress.id)
            ._cron_auto_archive(batch_size=2)
        )
        old = self.old_finished | self.old_cancelled
        self.assertEqual(archived, 4)
        self.assertEqual(old.mapped("active"), [False] * 4)
        self.assertTrue(self.old_open.active, "open orders are never archived")
        self.assertTrue(self.recent_finished.active, "finished too recently")
        self.assertEqual((progress.done, progress.remaining), (4, 0))
        self.assertEqual(old.archived_by_id, self.env.user)

        # Idempotent: a second run finds nothing more.
        self.assertEqual(self.env["sale.order"]._cron_auto_archive(batch_size=2), 0)

    def test_cron_does_nothing_when_disabled(self):
        self.company.sale_auto_archive = False
        self.assertEqual(self.env["sale.order"]._cron_auto_archive(), 0)
        self.assertTrue(all(self.old_finished.mapped("active")))

    def test_days_must_be_positive(self):
        with self.assertRaisesRegex(ValidationError, "at least 1 day"):
            self.company.sale_auto_archive_days = 0
