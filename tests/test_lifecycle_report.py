import contextlib
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import LifecycleCommon

T0 = datetime(2026, 3, 2, 8, 0)


@tagged("post_install", "-at_install")
class TestLifecycleReport(LifecycleCommon):
    """One order lived through, step by step, and what the report says of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = new_test_user(
            cls.env,
            login="sol_lifecycle_reviewer",
            name="Rita Reviewer",
            groups="sales_team.group_sale_manager",
        )
        cls.env["sale.review.rule"].create(
            [
                {
                    "name": "Large order",
                    "sequence": 10,
                    "min_amount": 1000,
                    "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
                },
                {
                    "name": "Very large order",
                    "sequence": 20,
                    "min_amount": 5000,
                    "reviewer_user_ids": [Command.set(cls.reviewer.ids)],
                },
            ]
        )

    @contextlib.contextmanager
    def at(self, moment):
        """Python's clock and the cursor's (create_date) both at ``moment``."""
        with freeze_time(moment):
            self.env.cr._now = moment
            try:
                yield
            finally:
                self.env.cr._now = None

    def deliver_qty(self, order, qty):
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        picking.move_ids.write({"quantity": qty, "picked": True})
        Form.from_action(self.env, picking.button_validate()).save().process()

    def live_one_order(self):
        with self.at(T0):
            order = self.create_orders(qty=60, commitment_date=T0 + timedelta(days=3))
        with self.at(T0 + timedelta(hours=2)):
            order.with_user(self.salesman).action_request_review()
        with self.at(T0 + timedelta(hours=5)):
            order.with_user(self.sale_manager).action_review_approve()
        with self.at(T0 + timedelta(hours=26)):
            order.with_user(self.reviewer).action_review_approve()
        with self.at(T0 + timedelta(hours=27)):
            order.with_user(self.salesman).action_confirm()
        with self.at(T0 + timedelta(days=2)):
            self.deliver_qty(order, 20)
        with self.at(T0 + timedelta(days=5)):
            self.deliver(order)
        with self.at(T0 + timedelta(days=6)):
            invoice = self.invoice(order)
        with self.at(T0 + timedelta(days=10)):
            self.pay(invoice)
        with self.at(T0 + timedelta(days=12)):
            self.return_delivery(order.picking_ids.sorted("id")[0], 5)
        return order

    def report_of(self, order, user=None):
        Report = self.env["sale.order.lifecycle.report"]
        if user:
            Report = Report.with_user(user)
        return Report.search([("order_id", "=", order.id)])

    def test_every_step_is_dated_and_measured(self):
        order = self.live_one_order()
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(order.payment_status, "paid")
        row = self.report_of(order)
        self.assertRecordValues(
            row,
            [
                {
                    "user_id": self.salesman.id,
                    "partner_id": self.customer.id,
                    "categ_id": self.product.categ_id.id,
                    "state": "sale",
                    "review_state": "approved",
                    "payment_status": "paid",
                    "date_created": T0,
                    "date_review_requested": T0 + timedelta(hours=2),
                    "date_reviewed": T0 + timedelta(hours=26),
                    "date_confirmed": T0 + timedelta(hours=27),
                    "date_deadline": T0 + timedelta(days=3),
                    "date_first_delivery": T0 + timedelta(days=2),
                    "date_last_delivery": T0 + timedelta(days=5),
                    "date_first_invoice": (T0 + timedelta(days=6)).date(),
                    "date_paid": (T0 + timedelta(days=10)).date(),
                    "hours_to_confirm": 27.0,
                    "hours_in_review": 24.0,
                    "days_to_first_delivery": 21 / 24,
                    "days_to_last_delivery": 93 / 24,
                    "days_delivery_to_invoice": 4.0,
                    "days_invoice_to_payment": 4.0,
                    "is_late": True,
                    "days_late": 2.0,
                    "late_count": 1,
                    "qty_ordered": 60.0,
                    "qty_returned": 5.0,
                    "amount_untaxed": 6000.0,
                }
            ],
        )
        self.assertEqual(row.qty_delivered, order.order_line.qty_delivered)

    def test_each_level_waits_from_the_decision_below(self):
        order = self.live_one_order()
        decisions = self.env["sale.review.decision.report"].search(
            [("order_id", "=", order.id)], order="level"
        )
        self.assertRecordValues(
            decisions,
            [
                {
                    "level": 10,
                    "decided_by_id": self.sale_manager.id,
                    "state": "approved",
                    "date_pending": T0 + timedelta(hours=2),
                    "hours_to_decide": 3.0,
                },
                {
                    "level": 20,
                    "decided_by_id": self.reviewer.id,
                    "state": "approved",
                    "date_pending": T0 + timedelta(hours=5),
                    "hours_to_decide": 21.0,
                },
            ],
        )
        # Another salesperson does not see it.
        self.assertEqual(
            self.env["sale.review.decision.report"]
            .with_user(self.salesman_other)
            .search([("order_id", "=", order.id)]),
            self.env["sale.review.decision.report"],
        )

    def test_open_order_past_its_promise_is_late_until_delivered(self):
        with self.at(T0):
            order = self.create_orders(commitment_date=T0 + timedelta(days=1))
            order.action_confirm()
        with self.at(T0 + timedelta(days=3)):
            row = self.report_of(order)
            self.assertTrue(row.is_late)
            self.assertFalse(row.date_last_delivery)
        on_time = self.create_orders(commitment_date=datetime.now() + timedelta(days=5))
        on_time.action_confirm()
        self.deliver(on_time)
        self.assertFalse(self.report_of(on_time).is_late)

    def test_cancellation_and_archive_are_reported(self):
        order = self.create_orders()
        order.action_confirm()
        reason = self.env.ref("sale_order_lifecycle.cancel_reason_duplicate")
        self.env["sale.order.cancel"].create(
            {"order_id": order.id, "reason_id": reason.id}
        ).action_cancel()
        order.action_archive()
        row = self.report_of(order)
        self.assertRecordValues(
            row,
            [
                {
                    "state": "cancel",
                    "cancel_reason_id": reason.id,
                    "is_archived": True,
                    "is_late": False,
                }
            ],
        )
        self.assertTrue(row.date_cancelled)
        self.assertTrue(row.date_archived)

    def test_salesman_sees_his_own_orders_only(self):
        mine = self.create_orders(user=self.salesman)
        theirs = self.create_orders(user=self.salesman_other)
        Report = self.env["sale.order.lifecycle.report"]
        self.assertEqual(
            Report.with_user(self.salesman)
            .search([("order_id", "in", (mine | theirs).ids)])
            .order_id,
            mine,
        )
        self.assertEqual(
            Report.with_user(self.sale_manager)
            .search([("order_id", "in", (mine | theirs).ids)])
            .order_id,
            mine | theirs,
        )
        with self.assertRaises(AccessError):
            Report.with_user(self.stock_user).search([])
        # Grouped as the pivot asks, the figures stay within the user's orders.
        groups = Report.with_user(self.salesman).read_group(
            [("order_id", "in", (mine | theirs).ids)], ["qty_ordered:sum"], ["user_id"]
        )
        self.assertEqual(
            [(group["user_id"][0], group["user_id_count"]) for group in groups],
            [(self.salesman.id, 1)],
        )

    def test_other_company_orders_are_not_reported(self):
        other = self.env["res.company"].create({"name": "Other Lifecycle Co"})
        self.sale_manager.company_ids |= other
        order = self.create_orders(company_id=other.id, user=self.sale_manager)
        Report = self.env["sale.order.lifecycle.report"].with_user(self.sale_manager)
        self.assertFalse(
            Report.with_context(allowed_company_ids=self.company.ids).search(
                [("order_id", "=", order.id)]
            )
        )
        self.assertTrue(
            Report.with_context(allowed_company_ids=[other.id]).search(
                [("order_id", "=", order.id)]
            )
        )
