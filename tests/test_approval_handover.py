"""Nobody's absence blocks an approval (#20): the cancellation approvals and
the escalated reviews of a user away go to their substitute, whatever the
substitute's groups, who decides on behalf of them while the absence lasts."""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LifecycleCommon, LifecycleHttpCommon
from .test_accountant_workspace import view_spec

CANCEL_APPROVAL = "sale_order_lifecycle.mail_activity_type_cancel_approval"
ESCALATION = "sale_order_lifecycle.mail_activity_type_order_escalation"
AWAY_FROM = date(2026, 12, 7)
AWAY_TO = date(2026, 12, 11)
BEFORE = "2026-12-04 10:00:00"
DURING = "2026-12-08 10:00:00"
AFTER = "2026-12-14 10:00:00"


class HandoverMixin:
    """A Sales Administrator, the only approver of cancellations, names a
    finance user without any Sales group as substitute; a review rule
    escalates to a boss away, who names the same substitute."""

    @classmethod
    def setUpHandover(cls):
        cls.away = new_test_user(
            cls.env,
            login="sol_handover_away",
            name="Alma Away",
            groups="sales_team.group_sale_manager",
        )
        cls.finance = new_test_user(
            cls.env,
            login="sol_handover_finance",
            name="Fred Finance",
            groups="base.group_user",
        )
        cls.boss = new_test_user(
            cls.env,
            login="sol_handover_boss",
            name="Bea Boss",
            groups="sales_team.group_sale_salesman",
        )
        for user in cls.away | cls.boss:
            user.with_user(user).write(
                {
                    "approval_substitute_id": cls.finance.id,
                    "approval_away_from": AWAY_FROM,
                    "approval_away_to": AWAY_TO,
                }
            )
        cls.reason = cls.env["sale.order.cancel.reason"].create(
            {"name": "Customer changed plans", "requires_approval": True}
        )
        cls.cancel_rule = cls.env["sale.review.rule"].create(
            {
                "name": "Cancellations by Alma",
                "applies_to": "cancel",
                "reviewer_user_ids": [Command.set(cls.away.ids)],
            }
        )
        cls.review_rule = cls.env["sale.review.rule"].create(
            {
                "name": "Large orders",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
                "escalate_after_days": 2,
                "escalation_user_id": cls.boss.id,
            }
        )

    def cancel_activities(self, orders):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("activity_type_id", "=", self.env.ref(CANCEL_APPROVAL).id),
            ]
        )

    def escalations(self, orders):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("activity_type_id", "=", self.env.ref(ESCALATION).id),
            ]
        )

    def request_cancel(self, orders=None, user=None):
        orders = orders or self.create_orders()
        orders.with_user(user or self.salesman).with_context(
            sale_cancel_reason_id=self.reason.id
        ).action_cancel()
        self.assertEqual(set(orders.mapped("cancel_request_state")), {"pending"})
        return orders

    def escalated_order(self):
        """An order under review since 1 December, escalated on the 8th."""
        with freeze_time("2026-12-01 09:00:00"):
            order = self.create_orders(qty=20)
            order.with_user(self.salesman).action_request_review()
        with freeze_time(DURING):
            self.assertEqual(self.env["sale.order.review"]._cron_escalate(), 1)
        return order

    def bodies(self, order):
        return " ".join(order.message_ids.mapped("body"))


@tagged("post_install", "-at_install")
class TestCancellationHandover(HandoverMixin, LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpHandover()

    @freeze_time(DURING)
    def test_substitute_without_sales_group_approves(self):
        order = self.request_cancel()
        other = self.create_orders(user=self.salesman_other)
        self.assertEqual(self.cancel_activities(order).user_id, self.finance)
        # The substitute reads the order to decide and its lines, nothing more.
        Order = self.env["sale.order"].with_user(self.finance)
        self.assertEqual(Order.search([]), order)
        self.assertEqual(
            self.env["sale.order.line"].with_user(self.finance).search([]),
            order.order_line,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.finance).read(["name"])
        with self.assertRaises(AccessError):
            order.with_user(self.finance).write({"note": "mine"})
        self.assertTrue(order.with_user(self.finance).cancel_can_approve)
        self.assertFalse(order.with_user(self.salesman_other).cancel_can_approve)
        # The approver away's colleagues are not their substitutes.
        self.assertFalse(order.with_user(self.sale_manager).cancel_can_approve)
        with self.assertRaises(AccessError):
            order.with_user(self.sale_manager).action_cancel_request_approve()
        order.with_user(self.finance).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_approver_id, self.finance)
        self.assertEqual(order.cancel_on_behalf_of_id, self.away)
        self.assertIn(
            "Fred Finance decided the cancellation on behalf of Alma Away, away.",
            self.bodies(order),
        )
        self.assertFalse(self.cancel_activities(order))
        # The one who decided still reads what they decided.
        self.assertEqual(
            order.with_user(self.finance).read(["state"])[0]["state"], "cancel"
        )

    @freeze_time(DURING)
    def test_substitute_reads_the_form_and_rejects(self):
        order = self.request_cancel()
        Order = self.env["sale.order"].with_user(self.finance)
        result = Order.get_views([(False, "form")])
        arch = etree.fromstring(result["views"]["form"]["arch"])
        self.assertTrue(arch.xpath("//button[@name='action_cancel_request_approve']"))
        self.assertTrue(arch.xpath("//button[@name='action_cancel_request_reject']"))
        spec = view_spec(arch, result["models"], "sale.order")
        self.env.invalidate_all()
        (values,) = order.with_user(self.finance).web_read(spec)
        self.assertTrue(values["cancel_can_approve"])
        self.assertEqual(values["cancel_reason_id"]["display_name"], self.reason.name)
        action = order.with_user(self.finance).action_cancel_request_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
            .create({"reason": "Keep it, the goods are ready"})
        )
        wizard.action_reject()
        self.assertEqual(order.cancel_request_state, "rejected")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.cancel_approver_id, self.finance)
        self.assertEqual(order.cancel_on_behalf_of_id, self.away)

    def test_right_lasts_as_long_as_the_absence(self):
        with freeze_time(BEFORE):
            before = self.request_cancel()
            self.assertEqual(self.cancel_activities(before).user_id, self.away)
            self.assertFalse(before.with_user(self.finance).cancel_can_approve)
            with self.assertRaises(AccessError):
                before.with_user(self.finance).action_cancel_request_approve()
        with freeze_time(DURING):
            self.env.invalidate_all()
            during = self.request_cancel()
            self.assertEqual(self.cancel_activities(during).user_id, self.finance)
            # The request asked before the absence is the substitute's too now.
            self.assertTrue(before.with_user(self.finance).cancel_can_approve)
        with freeze_time(AFTER):
            self.env.invalidate_all()
            self.assertFalse(during.with_user(self.finance).cancel_can_approve)
            with self.assertRaises(AccessError):
                during.with_user(self.finance).action_cancel_request_approve()
            with self.assertRaises(AccessError):
                during.with_user(self.finance).action_cancel_request_reject()
            self.assertEqual(during.cancel_request_state, "pending")
            # Back from their absence, the approver decides themselves.
            self.assertTrue(during.with_user(self.away).cancel_can_approve)
            during.with_user(self.away).action_cancel_request_approve()
            self.assertEqual(during.state, "cancel")
            self.assertFalse(during.cancel_on_behalf_of_id)

    @freeze_time(DURING)
    def test_substitute_of_another_company_keeps_nothing(self):
        # Alma also approves for a second company, where her substitute does
        # not work: there the work stays with her.
        other_company = self.env["res.company"].create({"name": "Second Company"})
        self.away.company_ids = [Command.link(other_company.id)]
        self.salesman.company_ids = [Command.link(other_company.id)]
        self.cancel_rule.copy({"company_id": other_company.id})
        order = self.create_orders(company_id=other_company.id)
        order.with_user(self.salesman).with_context(
            allowed_company_ids=other_company.ids,
            sale_cancel_reason_id=self.reason.id,
        ).action_cancel()
        self.assertEqual(order.cancel_request_state, "pending")
        self.assertEqual(self.cancel_activities(order).user_id, self.away)
        self.assertNotIn(self.finance, order._cancel_approval_users())
        with self.assertRaises(AccessError):
            order.with_user(self.finance).action_cancel_request_approve()

    @freeze_time(DURING)
    def test_substitute_of_a_sales_administrator_without_rule(self):
        # No rule: the Sales Administrators approve; Alma's part goes to her
        # substitute, who has no Sales group.
        self.cancel_rule.active = False
        order = self.request_cancel()
        assignees = self.cancel_activities(order).user_id
        self.assertIn(self.finance, assignees)
        self.assertIn(self.sale_manager, assignees)
        self.assertNotIn(self.away, assignees)
        self.assertEqual(
            order.with_user(self.finance).cancel_approval_user_ids,
            order._cancel_approval_users(),
        )
        self.assertTrue(order.with_user(self.finance).cancel_can_approve)
        order.with_user(self.finance).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_on_behalf_of_id, self.away)

    def test_rule_approver_without_sales_group_decides(self):
        controller = new_test_user(
            self.env,
            login="sol_handover_controller",
            name="Carl Controller",
            groups="base.group_user",
        )
        self.cancel_rule.reviewer_user_ids = controller
        order = self.request_cancel()
        self.assertEqual(self.cancel_activities(order).user_id, controller)
        self.assertEqual(self.env["sale.order"].with_user(controller).search([]), order)
        self.assertTrue(order.with_user(controller).cancel_can_approve)
        order.with_user(controller).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_approver_id, controller)
        self.assertFalse(order.cancel_on_behalf_of_id)


@tagged("post_install", "-at_install")
class TestEscalationHandover(HandoverMixin, LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpHandover()

    def test_escalation_goes_to_the_substitute(self):
        order = self.escalated_order()
        review = order.review_ids
        self.assertEqual(review.escalation_user_id, self.boss)
        self.assertEqual(self.escalations(order).user_id, self.finance)
        self.assertIn(
            "Bea Boss away: Fred Finance decides in their stead.", self.bodies(order)
        )
        with freeze_time(DURING):
            self.assertEqual(
                self.env["sale.order"].with_user(self.finance).search([]), order
            )
            self.assertTrue(order.with_user(self.finance).review_can_decide)
            order.with_user(self.finance).action_review_approve()
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.decided_by_id, self.finance)
        self.assertEqual(review.on_behalf_of_id, self.boss)
        self.assertEqual(order.review_state, "approved")
        self.assertIn(
            "Fred Finance approved Large orders on behalf of Bea Boss, away.",
            self.bodies(order),
        )
        self.assertFalse(self.escalations(order))

    def test_substitute_rejects_escalated_review(self):
        order = self.escalated_order()
        with freeze_time(DURING):
            action = order.with_user(self.finance).action_review_reject()
            self.env[action["res_model"]].with_user(self.finance).with_context(
                **action["context"]
            ).create({"reason": "Too risky"}).action_reject()
        review = order.review_ids
        self.assertEqual(review.state, "rejected")
        self.assertEqual(review.on_behalf_of_id, self.boss)
        self.assertIn(
            "Fred Finance rejected Large orders on behalf of Bea Boss, away.",
            self.bodies(order),
        )

    @freeze_time(DURING)
    def test_review_stays_where_the_substitute_does_not_work(self):
        # Alma reviews for a second company too, where her substitute does
        # not work: there her order approvals stay with her.
        other_company = self.env["res.company"].create({"name": "Review Company"})
        self.away.company_ids = [Command.link(other_company.id)]
        self.salesman.company_ids = [Command.link(other_company.id)]
        Review = self.env["sale.order.review"]
        rules = self.env["sale.review.rule"].create(
            [
                {
                    "name": f"Alma reviews {company.name}",
                    "company_id": company.id,
                    "min_amount": 5000.0,
                    "reviewer_user_ids": [Command.set(self.away.ids)],
                }
                for company in self.company | other_company
            ]
        )
        here, there = (
            self.create_orders(qty=60, company_id=rule.company_id.id) for rule in rules
        )
        for order in here | there:
            order.with_user(self.salesman).with_context(
                allowed_company_ids=order.company_id.ids
            ).action_request_review()
        away_reviews = (here | there).review_ids.filtered(
            lambda review: review.rule_id in rules
        )
        activities = self.env["mail.activity"].search(
            [("sale_review_id", "in", away_reviews.ids)]
        )
        self.assertEqual(
            {(a.res_id, a.user_id) for a in activities},
            {(here.id, self.finance), (there.id, self.away)},
        )
        decidable = away_reviews.filtered_domain(
            Review._get_current_reviewer_domain(self.finance)
        )
        self.assertEqual(decidable.order_id, here)

    def test_escalation_user_present_keeps_it(self):
        with freeze_time("2026-11-25 09:00:00"):
            order = self.create_orders(qty=20)
            order.with_user(self.salesman).action_request_review()
        with freeze_time("2026-11-30 10:00:00"):
            self.env["sale.order.review"]._cron_escalate()
            self.assertEqual(self.escalations(order).user_id, self.boss)
            self.assertFalse(order.with_user(self.finance).review_can_decide)
        with freeze_time(DURING):
            self.env.invalidate_all()
            # Away now: the substitute may decide, on the boss's activity.
            self.assertTrue(order.with_user(self.finance).review_can_decide)
        with freeze_time(AFTER):
            self.env.invalidate_all()
            self.assertFalse(order.with_user(self.finance).review_can_decide)
            self.assertTrue(order.with_user(self.boss).review_can_decide)


@tagged("post_install", "-at_install")
class TestHandoverRefusalsRpc(HandoverMixin, LifecycleHttpCommon):
    """The same refusals through JSON-RPC, as any client would call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpHandover()

    def call(self, login, method, orders):
        self.authenticate(login, login)
        _result, error = self.call_kw("sale.order", method, orders.ids)
        self.env.invalidate_all()
        return error

    def assertRefused(self, error):
        self.assertTrue(error)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

    def test_escalated_review_only_by_its_deciders(self):
        with freeze_time("2026-12-01 09:00:00"):
            order = self.create_orders(qty=20)
            order.with_user(self.salesman).action_request_review()
        with freeze_time("2026-12-02 10:00:00"):
            # Before the escalation the escalation user may not decide.
            self.assertRefused(
                self.call(self.boss.login, "action_review_approve", order)
            )
            self.assertEqual(order.review_state, "pending")
            self.env["sale.order.review"]._cron_escalate()
            self.assertFalse(order.review_ids.escalation_user_id)
        with freeze_time("2026-12-04 10:00:00"):
            self.env["sale.order.review"]._cron_escalate()
            self.assertEqual(order.review_ids.escalation_user_id, self.boss)
            # Someone else, and the boss's substitute while the boss is here,
            # may not.
            for login in (self.salesman_other.login, self.finance.login):
                self.assertRefused(self.call(login, "action_review_approve", order))
                self.assertRefused(self.call(login, "action_review_reject", order))
            self.assertEqual(order.review_state, "pending")
            self.assertFalse(self.call(self.boss.login, "action_review_approve", order))
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(order.review_ids.decided_by_id, self.boss)

    def test_tour_finance_substitute_approves_cancellation(self):
        # The absence covers the real today: the browser's clock is not frozen.
        self.customer.name = "Handover Tour Customer"
        today = date.today()
        self.away.write({"approval_away_from": today, "approval_away_to": today})
        order = self.request_cancel()
        self.start_tour(
            "/odoo",
            "sale_order_lifecycle_delegation_cancel_approve",
            login=self.finance.login,
        )
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_approver_id, self.finance)
        self.assertEqual(order.cancel_on_behalf_of_id, self.away)

    def test_substitute_decides_cancellations_only_while_away(self):
        with freeze_time(BEFORE):
            order = self.request_cancel()
            self.assertRefused(
                self.call(self.finance.login, "action_cancel_request_approve", order)
            )
            self.assertRefused(
                self.call(self.finance.login, "action_cancel_request_reject", order)
            )
        with freeze_time(AFTER):
            self.assertRefused(
                self.call(self.finance.login, "action_cancel_request_approve", order)
            )
            self.assertRefused(
                self.call(self.finance.login, "action_cancel_request_reject", order)
            )
            self.assertEqual(order.cancel_request_state, "pending")
        with freeze_time(DURING):
            self.assertFalse(
                self.call(self.finance.login, "action_cancel_request_approve", order)
            )
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_on_behalf_of_id, self.away)

    @freeze_time(DURING)
    def test_substitute_of_another_companys_user_refused(self):
        # Another company's Sales Administrator, away, names a substitute who
        # also works here: the substitute gains nothing on this company's
        # cancellations, which Alma's rule gives to Alma's substitute only.
        other_company = self.env["res.company"].create({"name": "Other Company"})
        foreign = new_test_user(
            self.env,
            login="sol_handover_foreign",
            name="Fay Foreign",
            groups="sales_team.group_sale_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        deputy = new_test_user(
            self.env,
            login="sol_handover_deputy",
            name="Dan Deputy",
            groups="base.group_user",
            company_ids=[Command.set((self.company | other_company).ids)],
        )
        foreign.with_user(foreign).write(
            {
                "approval_substitute_id": deputy.id,
                "approval_away_from": AWAY_FROM,
                "approval_away_to": AWAY_TO,
            }
        )
        self.cancel_rule.active = False
        order = self.request_cancel()
        self.assertNotIn(foreign, order._cancel_approval_users())
        self.assertNotIn(deputy, self.cancel_activities(order).user_id)
        self.assertRefused(
            self.call(deputy.login, "action_cancel_request_approve", order)
        )
        self.assertEqual(order.cancel_request_state, "pending")
