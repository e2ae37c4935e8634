from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo data loads and shows every situation later features build on.

    Skipped on a database installed without demo data (scripts/test runs them
    on its demo database, and Odoo's runner on one without demo data).
    """

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("sale_order_lifecycle").demo:
            self.skipTest(
                "the demo data of sale_order_lifecycle is not loaded "
                "(database installed without demo data)"
            )

    def demo(self, name):
        return self.env.ref(f"sale_order_lifecycle.{name}")

    def test_orders_in_each_state(self):
        states = {
            name: self.demo(name).state
            for name in (
                "sale_order_maple_draft_demo",
                "sale_order_formosa_sent_demo",
                "sale_order_lotus_confirmed_demo",
                "sale_order_harbor_overdue_demo",
                "sale_order_harbor_done_demo",
                "sale_order_lotus_cancelled_demo",
            )
        }
        self.assertEqual(
            states,
            {
                "sale_order_maple_draft_demo": "draft",
                "sale_order_formosa_sent_demo": "sent",
                "sale_order_lotus_confirmed_demo": "sale",
                "sale_order_harbor_overdue_demo": "sale",
                "sale_order_harbor_done_demo": "sale",
                "sale_order_lotus_cancelled_demo": "cancel",
            },
        )
        cancelled = self.demo("sale_order_lotus_cancelled_demo")
        self.assertFalse(cancelled.active)
        self.assertEqual(
            cancelled.cancel_reason_id,
            self.env.ref("sale_order_lifecycle.cancel_reason_customer_request"),
        )
        reassigned = self.demo("sale_order_formosa_sent_demo")
        self.assertEqual(reassigned.previous_user_ids, self.env.ref("base.user_demo"))
        self.assertEqual(
            reassigned.assignment_ids.reason, "Key account moved to the export desk"
        )
        done = self.demo("sale_order_harbor_done_demo")
        self.assertTrue(done.locked)
        self.assertEqual(done.picking_ids.mapped("state"), ["done"])
        self.assertEqual(done.invoice_status, "invoiced")
        self.assertEqual(done.invoice_ids.mapped("state"), ["posted"])

    def test_customers(self):
        new_customer = self.demo("res_partner_maple_demo")
        confirmed = self.env["sale.order"].search_count(
            [("partner_id", "=", new_customer.id), ("state", "=", "sale")]
        )
        self.assertEqual(confirmed, 0, "the new customer has no confirmed order")

        overdue = self.demo("sale_order_harbor_overdue_demo").invoice_ids
        self.assertEqual(len(overdue), 1)
        self.assertEqual(overdue.state, "posted")
        self.assertEqual(overdue.payment_state, "not_paid")
        self.assertLess(overdue.invoice_date_due, fields.Date.context_today(overdue))

        abroad = self.demo("res_partner_formosa_demo")
        self.assertNotEqual(abroad.country_id, self.env.company.country_id)

    def test_stock_in_two_warehouses(self):
        tea_set = self.demo("product_tea_set_demo")
        self.assertTrue(tea_set.is_storable)
        main = self.env.ref("stock.warehouse0")
        south = self.demo("stock_warehouse_south_demo")
        # Opening stock minus what the demo orders delivered or reserved (2 to
        # the order to cancel with reversal).
        self.assertEqual(tea_set.with_context(warehouse_id=main.id).qty_available, 42)
        self.assertEqual(tea_set.with_context(warehouse_id=south.id).qty_available, 20)
        self.assertEqual(tea_set.with_context(warehouse_id=south.id).free_qty, 15)

    def test_quotation_waiting_for_approval(self):
        order = self.demo("sale_order_harbor_review_demo")
        self.assertEqual(order.review_state, "pending")
        levels = {review.name: review.state for review in order.review_ids}
        self.assertEqual(
            levels, {"Large order": "pending", "Very large order": "waiting"}
        )
        admin = self.env.ref("base.user_admin")
        self.assertIn(admin, order.review_ids[0].reviewer_user_ids)
        self.assertEqual(
            order.activity_ids.filtered("sale_review_id").user_id,
            order.review_ids.filtered(lambda r: r.state == "pending").reviewer_user_ids,
        )
        self.assertTrue(self.demo("sale_order_maple_draft_demo").review_required)

    def test_stock_verdicts(self):
        self.assertEqual(
            {
                name: self.demo(name).availability_state
                for name in (
                    "sale_order_maple_draft_demo",
                    "sale_order_lotus_partial_demo",
                    "sale_order_harbor_replenish_demo",
                )
            },
            {
                "sale_order_maple_draft_demo": "available",
                "sale_order_lotus_partial_demo": "partial",
                "sale_order_harbor_replenish_demo": "replenish",
            },
        )

    def test_escalated_and_delegated_approvals(self):
        admin = self.env.ref("base.user_admin")
        lin = self.demo("user_lin_demo")
        escalated = self.demo("sale_order_lotus_escalated_demo").review_ids
        self.assertEqual(escalated.state, "pending")
        self.assertEqual(escalated.escalation_user_id, admin)
        self.assertTrue(escalated.escalated_on)
        delegated = self.demo("sale_order_lotus_delegated_demo")
        self.assertEqual(delegated.review_state, "pending")
        self.assertEqual(lin.approval_substitute_id, admin)
        self.assertEqual(
            delegated.activity_ids.filtered("sale_review_id").user_id, admin
        )
        self.assertTrue(delegated.with_user(admin).review_can_decide)

    def test_order_to_cancel_with_reversal(self):
        order = self.demo("sale_order_lotus_reversal_demo")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.picking_ids.mapped("state"), ["done"])
        self.assertEqual(order.invoice_ids.mapped("state"), ["posted"])
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(order.order_line.qty_invoiced, 2)

    def test_late_deliveries(self):
        shipped_late = self.demo("sale_order_harbor_shipped_late_demo")
        self.assertEqual(shipped_late.shipping_status, "late")
        self.assertEqual(shipped_late.delivery_tracking_refs, "SF1402026113")
        self.assertFalse(shipped_late.has_discrepancy, "delivered and invoiced")
        waiting = self.demo("sale_order_lotus_late_demo")
        self.assertEqual(waiting.shipping_status, "not_shipped")
        self.assertEqual(waiting.shipping_carrier_id.name, "ZTO Express")
        picking = waiting.picking_ids
        self.assertLess(
            picking.scheduled_date.date(), fields.Date.context_today(picking)
        )
        self.env["stock.picking"]._cron_report_late_deliveries()
        activity = self.env["mail.activity"].search(
            [
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "sale_order_lifecycle.mail_activity_type_late_delivery"
                    ).id,
                ),
                ("user_id", "=", self.env.ref("base.user_admin").id),
            ]
        )
        self.assertEqual(len(activity), 1)
        self.assertIn(picking.name, activity.note)
        # The lifecycle report (and the dashboard) says the same; an order
        # confirmed today ships within the products' lead time.
        report = self.env["sale.order.lifecycle.report"]
        on_time = self.demo("sale_order_lotus_confirmed_demo")
        self.assertEqual(on_time.state, "sale")
        self.assertEqual(
            report.search([("order_id", "in", (waiting | on_time).ids)])
            .filtered("is_late")
            .order_id,
            waiting,
        )

    def test_statements_sent_and_confirmed(self):
        harbor = self.demo("res_partner_harbor_demo")
        statements = self.env["customer.statement"].search(
            [("partner_id", "=", harbor.id)], order="date_to"
        )
        self.assertEqual(statements.mapped("state"), ["confirmed", "sent"])
        confirmed, sent = statements
        self.assertEqual(confirmed.answer_name, "Grace Lin")
        self.assertTrue(confirmed.line_ids, "the overdue invoice")
        self.assertTrue(sent.attachment_id)

    def test_story(self):
        """Cancellations by several salespeople for several reasons, one
        waiting for approval, and a handful of low-stock alerts on the products
        that sell."""
        cancelled = (
            self.env["sale.order"]
            .with_context(active_test=False)
            .search([("state", "=", "cancel"), ("cancel_reason_id", "!=", False)])
        )
        self.assertGreaterEqual(len(cancelled.cancel_reason_id), 5)
        self.assertGreaterEqual(len(cancelled.user_id), 3)
        today = fields.Date.context_today(cancelled[0])
        months = {
            (today.year - date.year) * 12 + today.month - date.month
            for date in cancelled.mapped("cancel_date")
        }
        self.assertGreaterEqual(len(months), 4, "spread over the last six months")
        self.assertIn(0, months, "one cancellation this month")
        self.assertLessEqual(max(months), 5, "all in the dashboard's six months")
        request = self.demo("sale_order_lotus_cancel_request_demo")
        self.assertEqual(request.state, "sale")
        self.assertEqual(request.cancel_request_state, "pending")
        self.assertEqual(
            request.cancel_reason_id,
            self.env.ref("sale_order_lifecycle.cancel_reason_payment_problem"),
        )
        rule = self.demo("stock_low_stock_rule_best_sellers_demo")
        alerts = rule.alert_ids.filtered(lambda alert: alert.state != "resolved")
        self.assertTrue(1 <= len(alerts) <= 6, len(alerts))
        self.assertEqual(
            set(alerts.product_id.mapped("name"))
            - {"Jade Bracelet", "Porcelain Tea Set"},
            set(),
        )

    def test_rejection_discrepancy_reassignment(self):
        """A rejected approval decided by its reviewer, a delivered order
        nobody invoiced, and an order moved between salespeople."""
        admin = self.env.ref("base.user_admin")
        rejected = self.demo("sale_order_maple_rejected_demo")
        self.assertEqual(rejected.state, "draft")
        self.assertEqual(rejected.review_state, "rejected")
        decided = rejected.review_ids.filtered(lambda r: r.state == "rejected")
        self.assertEqual(decided.decided_by_id, admin)
        self.assertIn("prepayment", decided.comment)
        self.assertIn(admin.name, " ".join(rejected.message_ids.mapped("body")))

        uninvoiced = self.demo("sale_order_lotus_uninvoiced_demo")
        self.assertEqual(uninvoiced.order_line.qty_delivered, 10)
        self.assertFalse(uninvoiced.invoice_ids)
        self.assertTrue(uninvoiced.has_discrepancy)
        self.assertIn("invoiced", uninvoiced.discrepancy_note)

        reassigned = self.demo("sale_order_formosa_sent_demo")
        self.assertNotEqual(reassigned.user_id, self.env.ref("base.user_demo"))
        self.assertEqual(
            reassigned.assignment_ids.from_user_id, self.env.ref("base.user_demo")
        )
