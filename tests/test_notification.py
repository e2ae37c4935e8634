from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import AccountingCommon, LifecycleHttpCommon

RULE = "sale.order.notification.rule"
FOLLOW_UP = "sale_order_lifecycle.mail_activity_type_order_notification"


class NotificationCommon(AccountingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.defaults = cls.env[RULE].search([])
        # Each test turns on the default it checks.
        cls.defaults.active = False
        cls.leader = new_test_user(
            cls.env,
            login="sol_team_leader",
            name="Lea Leader",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Export", "user_id": cls.leader.id}
        )
        cls.reason = cls.env["sale.order.cancel.reason"].create({"name": "Changed"})

    def rule(self, **values):
        return self.env[RULE].create({"name": "Rule", **values})

    def follow_ups(self, user, orders=None):
        domain = [
            ("activity_type_id", "=", self.env.ref(FOLLOW_UP).id),
            ("user_id", "=", user.id),
        ]
        if orders is not None:
            domain.append(("res_id", "in", orders.ids))
        return self.env["mail.activity"].search(domain)

    def notices(self, user, subject="Rule", **values):
        """The notices ``user`` got from the rules named ``subject``."""
        domain = [
            ("message_type", "=", "user_notification"),
            ("partner_ids", "in", user.partner_id.ids),
            ("subject", "=like", f"{subject}%"),
        ]
        domain += [(name, "=", value) for name, value in values.items()]
        return self.env["mail.message"].search(domain)

    def mails(self, user):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", user.partner_id.ids)]
        )

    def old_quotations(self, count, days=10, **values):
        return self.create_orders(
            count,
            date_order=fields.Datetime.now() - timedelta(days=days),
            **values,
        )


@tagged("post_install", "-at_install")
class TestNotificationRules(NotificationCommon):
    # ------------------------------------------------------------------
    # Events: each recipient kind and channel
    # ------------------------------------------------------------------

    def test_confirmed_activity_for_the_salesperson(self):
        self.rule(
            event="confirmed",
            notify_salesperson=True,
            channel="activity",
            deadline_days=3,
            digest=False,
        )
        orders = self.create_orders(2)
        orders.with_user(self.sale_manager).action_confirm()
        activities = self.follow_ups(self.salesman, orders)
        self.assertEqual(len(activities), 2, "one activity per order")
        self.assertEqual(
            set(activities.mapped("date_deadline")),
            {fields.Date.context_today(orders) + timedelta(days=3)},
        )
        # The salesperson who confirms does not hear of their own action.
        own = self.create_orders()
        own.with_user(self.salesman).action_confirm()
        self.assertFalse(self.follow_ups(self.salesman, own))

    def test_default_team_leader_hears_of_team_only_moves(self):
        self.env.ref(
            "sale_order_lifecycle.notification_rule_team_reassigned"
        ).active = True
        orders = self.create_orders(2)
        orders.with_user(self.sale_manager).write({"team_id": self.team.id})
        notices = self.notices(self.leader, subject="Team leader")
        self.assertEqual(len(notices), 1, "one digest for the batch")
        for order in orders:
            self.assertIn(order.name, notices.body)
        # A new salesperson is not a team-only move.
        self.create_orders().with_user(self.sale_manager).write(
            {"user_id": self.salesman_other.id}
        )
        self.assertEqual(len(self.notices(self.leader, subject="Team leader")), 1)

    def test_cancelled_email_to_followers(self):
        self.rule(
            event="cancelled",
            notify_followers=True,
            channel="email",
            digest=False,
        )
        orders = self.create_orders(2)
        orders.message_subscribe(partner_ids=self.salesman_other.partner_id.ids)
        orders.with_user(self.sale_manager)._cancel_with_reason(self.reason)
        mails = self.mails(self.salesman_other)
        self.assertEqual(len(mails), 2, "one e-mail per order")
        self.assertEqual(set(mails.mapped("res_id")), set(orders.ids))

    def test_archived_notice_to_users_per_order(self):
        self.rule(
            event="archived",
            user_ids=[Command.set(self.accountant.ids)],
            channel="notice",
            digest=False,
        )
        orders = self.create_orders(2)
        orders.with_user(self.sale_manager)._cancel_with_reason(self.reason)
        orders.with_user(self.sale_manager).write({"active": False})
        notices = self.notices(self.accountant, model="sale.order")
        self.assertEqual(set(notices.mapped("res_id")), set(orders.ids))

    def test_default_billing_hears_of_discrepancies_without_accountant(self):
        self.env.ref(
            "sale_order_lifecycle.notification_rule_discrepancy_billing"
        ).active = True
        self.company.sale_discrepancy_user_id = False
        order = self.paid_then_half_refunded()
        self.env["sale.order"]._cron_notify_discrepancies()
        activities = self.follow_ups(self.accountant)
        self.assertEqual(len(activities), 1)
        self.assertIn(order.name, activities.note)
        # With an accountant set, only the accountant is told.
        self.company.sale_discrepancy_user_id = self.sale_manager
        self.paid_then_half_refunded()
        self.env["sale.order"]._cron_notify_discrepancies()
        self.assertEqual(len(self.follow_ups(self.accountant)), 1)

    def test_delivered_mail_to_the_customer(self):
        self.rule(
            event="delivered",
            mail_template_id=self.env.ref("sale.mail_template_sale_confirmation").id,
        )
        order = self.create_orders()
        order.action_confirm()
        before = order.message_ids
        self.deliver(order)
        comment = self.env.ref("mail.mt_comment")
        mails = (order.message_ids - before).filtered(
            lambda message: message.subtype_id == comment
        )
        self.assertEqual(len(mails), 1)
        self.assertIn(self.customer, mails.partner_ids)

    def test_approval_requested_email_digest_to_reviewers(self):
        self.env["sale.review.rule"].create(
            {"name": "All", "reviewer_user_ids": [Command.set(self.sale_manager.ids)]}
        )
        self.rule(event="approval_requested", notify_reviewers=True, channel="email")
        orders = self.create_orders(3)
        orders.with_user(self.salesman).action_request_review()
        mails = self.mails(self.sale_manager).filtered(
            lambda mail: mail.subject.startswith("Rule")
        )
        self.assertEqual(len(mails), 1, "one digest e-mail for three orders")
        for order in orders:
            self.assertIn(order.name, mails.body_html)

    def test_paid_notice_to_salesperson(self):
        self.rule(event="paid", notify_salesperson=True)
        order = self.order()
        invoice = self.invoice(order)
        self.pay(invoice, amount=100)
        self.assertFalse(self.notices(self.salesman))
        self.pay(invoice)
        self.assertEqual(order.payment_status, "paid")
        self.assertEqual(len(self.notices(self.salesman)), 1)

    def test_filter_and_company(self):
        company_b = self.env["res.company"].create({"name": "Other Company"})
        self.rule(
            event="confirmed",
            notify_salesperson=True,
            domain="[('amount_total', '>', 300)]",
        )
        self.rule(event="confirmed", notify_team_leader=True, company_id=company_b.id)
        small = self.create_orders(qty=1)
        large = self.create_orders(qty=10, team_id=self.team.id)
        (small | large).action_confirm()
        notices = self.notices(self.salesman)
        self.assertEqual(len(notices), 1)
        self.assertIn(large.name, notices.body)
        self.assertNotIn(small.name, notices.body)
        self.assertFalse(self.notices(self.leader), "the other company's rule")

    def test_bad_rules_refused(self):
        with self.assertRaisesRegex(ValidationError, "choose who is notified"):
            self.rule(event="confirmed")
        with self.assertRaisesRegex(ValidationError, "filter is not valid"):
            self.rule(event="confirmed", notify_salesperson=True, domain="[('x', '=')")
        with self.assertRaisesRegex(ValidationError, "filter is not valid"):
            self.rule(
                event="confirmed", notify_salesperson=True, domain="[('nope', '=', 1)]"
            )
        with self.assertRaisesRegex(ValidationError, "stalled condition"):
            self.rule(trigger="stalled", notify_salesperson=True)

    # ------------------------------------------------------------------
    # Stalled orders: the daily check
    # ------------------------------------------------------------------

    def test_stalled_quotation_reminded_once(self):
        rule = self.rule(
            trigger="stalled",
            stalled_condition="quotation_not_sent",
            days=3,
            notify_salesperson=True,
            channel="activity",
            digest=False,
        )
        cron = self.env[RULE]
        start = fields.Datetime.now()
        with freeze_time(start):
            orders = self.create_orders(2)
        with freeze_time(start + timedelta(days=2)):
            cron._cron_notify_stalled()
            self.assertFalse(self.follow_ups(self.salesman, orders), "not stalled yet")
        with freeze_time(start + timedelta(days=4)):
            cron._cron_notify_stalled()
            self.assertEqual(len(self.follow_ups(self.salesman, orders)), 2)
            cron._cron_notify_stalled()
        with freeze_time(start + timedelta(days=5)):
            cron._cron_notify_stalled()
        self.assertEqual(len(self.follow_ups(self.salesman, orders)), 2, "no duplicate")
        self.assertEqual(rule.log_ids.order_id & orders, orders)
        self.assertEqual(len(rule.log_ids), rule.log_count)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.env["sale.order.notification.log"].create(
                {"rule_id": rule.id, "order_id": orders[0].id}
            )

    def test_default_approval_pending_reminds_reviewers(self):
        rule = self.env.ref("sale_order_lifecycle.notification_rule_approval_pending")
        rule.active = True
        self.env["sale.review.rule"].create(
            {"name": "All", "reviewer_user_ids": [Command.set(self.sale_manager.ids)]}
        )
        start = fields.Datetime.now()
        with freeze_time(start):
            orders = self.create_orders(2)
            orders.with_user(self.salesman).action_request_review()
            self.env.flush_all()
        subject = rule.name
        with freeze_time(start + timedelta(days=1)):
            self.env[RULE]._cron_notify_stalled()
            self.assertFalse(self.notices(self.sale_manager, subject=subject))
        with freeze_time(start + timedelta(days=3)):
            self.env[RULE]._cron_notify_stalled()
            self.env[RULE]._cron_notify_stalled()
        notices = self.notices(self.sale_manager, subject=subject)
        self.assertEqual(len(notices), 1, "one digest, sent once")
        for order in orders:
            self.assertIn(order.name, notices.body)
        self.assertFalse(self.notices(self.salesman, subject=subject))

    def test_stalled_conditions(self):
        """Each condition finds its stalled orders and not the others."""
        self.env["sale.review.rule"].create(
            {
                "name": "Large",
                "min_amount": 1000,
                "reviewer_user_ids": [Command.set(self.sale_manager.ids)],
            }
        )
        start = fields.Datetime.now()
        with freeze_time(start):
            draft = self.create_orders()
            approved = self.create_orders(qty=20)
            approved.action_request_review()
            approved.with_user(self.sale_manager).action_review_approve()
            late = self.create_orders(commitment_date=start + timedelta(days=1))
            late.action_confirm()
            delivered = self.create_orders()
            delivered.action_confirm()
            self.deliver(delivered)
            overdue = self.create_orders()
            overdue.action_confirm()
            invoice = self.invoice(overdue, post=False)
            invoice.invoice_date_due = fields.Date.context_today(invoice)
            invoice.action_post()
            self.env.flush_all()
        expected = {
            "quotation_not_sent": draft,
            "approved_not_confirmed": approved,
            "late_delivery": late,
            "not_invoiced": delivered,
            "invoice_overdue": overdue,
        }
        everything = draft | approved | late | delivered | overdue
        with freeze_time(start + timedelta(days=10)):
            for condition, orders in expected.items():
                rule = self.rule(
                    trigger="stalled",
                    stalled_condition=condition,
                    days=5,
                    notify_salesperson=True,
                )
                found = self.env["sale.order"].search(rule._get_stalled_domain())
                self.assertEqual(found & everything, orders, condition)
        with freeze_time(start + timedelta(days=3)):
            for condition in expected:
                rule = self.rule(
                    trigger="stalled",
                    stalled_condition=condition,
                    days=5,
                    notify_salesperson=True,
                )
                found = self.env["sale.order"].search(rule._get_stalled_domain())
                self.assertFalse(found & everything, condition)

    def test_cron_queries_constant_in_orders(self):
        for channel, digest in (("activity", False), ("notice", True)):
            self.rule(
                trigger="stalled",
                stalled_condition="quotation_not_sent",
                days=3,
                notify_salesperson=True,
                notify_team_leader=True,
                channel=channel,
                digest=digest,
            )
        cron = self.env[RULE]
        self.old_quotations(3, team_id=self.team.id)
        queries = self.count_queries(cron._cron_notify_stalled)
        self.old_quotations(30, team_id=self.team.id)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            self.assertEqual(cron._cron_notify_stalled(), 60)
        self.assertEqual(len(self.follow_ups(self.salesman)), 33)
        self.assertEqual(len(self.follow_ups(self.leader)), 33)

    def test_cron_reports_progress(self):
        self.rule(
            trigger="stalled",
            stalled_condition="quotation_not_sent",
            days=3,
            notify_salesperson=True,
        )
        self.old_quotations(5)
        cron = self.env.ref("sale_order_lifecycle.ir_cron_sale_notify_stalled")
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "remaining": 0, "done": 0}
        )
        sent = (
            self.env[RULE]
            .with_context(ir_cron_progress_id=progress.id)
            ._cron_notify_stalled(batch_size=2)
        )
        self.assertGreaterEqual(sent, 5)
        self.assertEqual((progress.done, progress.remaining), (sent, 0))

    def test_cron_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Other Company"})
        self.rule(
            trigger="stalled",
            stalled_condition="quotation_not_sent",
            days=3,
            notify_salesperson=True,
            company_id=company_b.id,
        )
        self.old_quotations(2)
        self.assertEqual(self.env[RULE]._cron_notify_stalled(), 0)

    # ------------------------------------------------------------------
    # Who manages rules
    # ------------------------------------------------------------------

    def test_only_sales_administrators_manage_rules(self):
        values = {"name": "Mine", "event": "confirmed", "notify_salesperson": True}
        with self.assertRaises(AccessError):
            self.env[RULE].with_user(self.salesman).create(values)
        with self.assertRaises(AccessError):
            self.env[RULE].with_user(self.salesman).search([])
        rule = self.env[RULE].with_user(self.sale_manager).create(values)
        self.assertEqual(rule.company_id, self.company)
        company_b = self.env["res.company"].create({"name": "Other Company"})
        other = self.rule(event="confirmed", notify_salesperson=True)
        other.company_id = company_b
        visible = self.env[RULE].with_user(self.sale_manager).search([])
        self.assertIn(rule, visible)
        self.assertNotIn(other, visible)

    # ------------------------------------------------------------------
    # Subtypes: the Follow menu
    # ------------------------------------------------------------------

    def test_followers_of_a_subtype_are_notified(self):
        order = self.create_orders()
        cancelled = self.env.ref("sale_order_lifecycle.mt_order_cancelled")
        order.message_subscribe(
            partner_ids=self.salesman_other.partner_id.ids, subtype_ids=cancelled.ids
        )
        order.message_subscribe(partner_ids=self.accountant.partner_id.ids)
        order.with_user(self.sale_manager)._cancel_with_reason(self.reason)
        message = order.message_ids.filtered(lambda m: m.subtype_id == cancelled)
        self.assertEqual(len(message), 1)
        notified = message.notification_ids.res_partner_id
        self.assertIn(self.salesman_other.partner_id, notified)
        self.assertNotIn(self.accountant.partner_id, notified)

    def test_team_followers_follow_the_team_orders(self):
        requested = self.env.ref("sale_order_lifecycle.mt_order_approval_requested")
        self.team.message_subscribe(
            partner_ids=self.leader.partner_id.ids,
            subtype_ids=self.env.ref(
                "sale_order_lifecycle.mt_team_order_approval_requested"
            ).ids,
        )
        self.env["sale.review.rule"].create(
            {"name": "All", "reviewer_user_ids": [Command.set(self.sale_manager.ids)]}
        )
        order = self.create_orders(team_id=self.team.id)
        order.with_user(self.salesman).action_request_review()
        message = order.message_ids.filtered(lambda m: m.subtype_id == requested)
        self.assertIn(self.leader.partner_id, message.notification_ids.res_partner_id)

    def test_events_post_under_their_subtypes(self):
        order = self.create_orders()
        order.with_user(self.sale_manager)._cancel_with_reason(self.reason)
        order.with_user(self.sale_manager).write({"active": False})
        subtypes = order.message_ids.subtype_id.mapped(
            lambda subtype: subtype.get_external_id()[subtype.id]
        )
        self.assertIn("sale_order_lifecycle.mt_order_cancelled", subtypes)
        self.assertIn("sale_order_lifecycle.mt_order_archived", subtypes)


@tagged("post_install", "-at_install")
class TestNotificationRpc(LifecycleHttpCommon):
    def test_salesman_cannot_create_rules_by_rpc(self):
        values = {"name": "Forged", "event": "confirmed", "notify_salesperson": True}
        self.authenticate(self.salesman.login, self.salesman.login)
        result, error = self.call_kw(RULE, "create", values)
        self.assertFalse(result)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertFalse(self.env[RULE].search([("name", "=", "Forged")]))
        self.authenticate(self.sale_manager.login, self.sale_manager.login)
        result, error = self.call_kw(RULE, "create", values)
        self.assertFalse(error)
        self.assertTrue(self.env[RULE].browse(result).exists())
