from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import LifecycleHttpCommon
from .test_review import ReviewCommon

CANCEL_APPROVAL = "sale_order_lifecycle.mail_activity_type_cancel_approval"
AWAY_FROM = date(2026, 12, 7)
AWAY_TO = date(2026, 12, 11)
BEFORE = "2026-12-04 10:00:00"
DURING = "2026-12-08 10:00:00"
AFTER = "2026-12-14 10:00:00"


class DelegationMixin:
    @classmethod
    def setUpDelegation(cls):
        # The reviewer away is a Sales Administrator; the substitute only a
        # salesperson.
        cls.away = new_test_user(
            cls.env,
            login="sol_away",
            name="Alma Away",
            groups="sales_team.group_sale_manager",
        )
        cls.substitute = new_test_user(
            cls.env,
            login="sol_substitute",
            name="Sid Substitute",
            groups="sales_team.group_sale_salesman",
        )
        cls.away_rule = cls.env["sale.review.rule"].create(
            {
                "name": "Away rule",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(cls.away.ids)],
            }
        )
        cls.away.with_user(cls.away).write(
            {
                "approval_substitute_id": cls.substitute.id,
                "approval_away_from": AWAY_FROM,
                "approval_away_to": AWAY_TO,
            }
        )


@tagged("post_install", "-at_install")
class TestDelegation(DelegationMixin, ReviewCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.level1 | cls.level2).active = False
        cls.setUpDelegation()

    def test_own_preferences_only(self):
        self.assertEqual(
            self.away.with_user(self.away).read(["approval_substitute_id"])[0][
                "approval_substitute_id"
            ][0],
            self.substitute.id,
        )
        self.away.with_user(self.away).approval_away_to = date(2026, 12, 12)
        with self.assertRaises(AccessError):
            self.away.with_user(self.salesman).approval_substitute_id = self.salesman

    def test_invalid_substitutes_refused(self):
        portal = new_test_user(
            self.env, login="sol_portal_sub", groups="base.group_portal"
        )
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreigner = new_test_user(
            self.env,
            login="sol_foreign_sub",
            groups="sales_team.group_sale_salesman",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        user = self.away.with_user(self.away)
        valid = {
            "approval_substitute_id": self.substitute.id,
            "approval_away_from": AWAY_FROM,
            "approval_away_to": AWAY_TO,
        }
        for vals, message in (
            ({"approval_substitute_id": self.away.id}, "your own substitute"),
            ({"approval_substitute_id": portal.id}, "not an active internal user"),
            ({"approval_substitute_id": foreigner.id}, "does not work for"),
            ({"approval_away_to": False}, "first and the last day"),
            ({"approval_away_to": date(2026, 12, 1)}, "ends before it starts"),
        ):
            with (
                self.subTest(message=message),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                user.write({**valid, **vals})
        self.env.invalidate_all()
        self.assertEqual(self.away.approval_away_to, AWAY_TO)
        # A loop: the substitute names the away user for overlapping days.
        with self.assertRaisesRegex(ValidationError, "same days"):
            self.substitute.with_user(self.substitute).write(
                {
                    "approval_substitute_id": self.away.id,
                    "approval_away_from": AWAY_TO,
                    "approval_away_to": date(2026, 12, 20),
                }
            )
        # Not overlapping: allowed.
        self.substitute.with_user(self.substitute).write(
            {
                "approval_substitute_id": self.away.id,
                "approval_away_from": date(2026, 12, 12),
                "approval_away_to": date(2026, 12, 20),
            }
        )

    def test_delegate_helper(self):
        users = self.away | self.sale_manager
        self.assertEqual(
            users._lifecycle_delegate(AWAY_FROM),
            {self.away: self.substitute, self.sale_manager: self.sale_manager},
        )
        self.assertEqual(
            users._lifecycle_delegate(date(2026, 12, 12))[self.away], self.away
        )
        self.assertEqual(self.substitute._lifecycle_delegators(AWAY_TO), self.away)
        self.assertFalse(self.substitute._lifecycle_delegators(date(2026, 12, 6)))

    @freeze_time(DURING)
    def test_substitute_gets_activity_and_decides(self):
        order = self.create_orders(qty=20)
        self.request(order)
        activity = self.activities(order)
        self.assertEqual(activity.user_id, self.substitute)
        self.assertTrue(order.with_user(self.substitute).review_can_decide)
        self.assertIn(
            order,
            self.env["sale.order"]
            .with_user(self.substitute)
            .search([("review_can_decide", "=", True)]),
        )
        # A salesperson who is nobody's substitute still cannot decide.
        with self.assertRaises(AccessError):
            self.approve(order, self.salesman_other)
        self.approve(order, self.substitute)
        review = order.review_ids
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.decided_by_id, self.substitute)
        self.assertEqual(review.on_behalf_of_id, self.away)
        self.assertEqual(order.review_state, "approved")
        self.assertFalse(self.activities(order))
        self.assertIn(
            "Sid Substitute approved Away rule on behalf of Alma Away",
            "".join(order.message_ids.mapped("body")),
        )

    def test_activity_given_before_then_decided_during(self):
        with freeze_time(BEFORE):
            order = self.create_orders(qty=20)
            self.request(order)
            self.assertEqual(self.activities(order).user_id, self.away)
            with self.assertRaises(AccessError):
                self.approve(order, self.substitute)
        with freeze_time(DURING):
            self.reject(order, self.substitute, reason="Too cheap")
            self.assertEqual(order.review_state, "rejected")
            self.assertEqual(order.review_ids.on_behalf_of_id, self.away)
            self.assertEqual(order.review_ids.decided_by_id, self.substitute)
            self.assertFalse(self.activities(order))

    def test_expired_delegation_no_longer_allows(self):
        with freeze_time(DURING):
            order = self.create_orders(qty=20)
            self.request(order)
        with freeze_time(AFTER):
            self.assertFalse(order.with_user(self.substitute).review_can_decide)
            with self.assertRaises(AccessError):
                self.approve(order, self.substitute)
            # The reviewer, back, decides in their own name.
            self.approve(order, self.away)
            self.assertFalse(order.review_ids.on_behalf_of_id)
            self.assertEqual(order.review_ids.decided_by_id, self.away)

    @freeze_time(DURING)
    def test_substitute_salesperson_cannot_approve(self):
        order = self.create_orders(qty=20, user=self.substitute)
        self.request(order, user=self.substitute)
        self.assertFalse(order.with_user(self.substitute).review_can_decide)
        with self.assertRaisesRegex(AccessError, "salesperson"):
            self.approve(order, self.substitute)
        self.assertEqual(order.review_state, "pending")

    @freeze_time(DURING)
    def test_all_reviewers_mode(self):
        self.away_rule.write(
            {
                "approval_mode": "all",
                "reviewer_user_ids": [Command.set((self.away | self.reviewer).ids)],
            }
        )
        order = self.create_orders(qty=20)
        self.request(order)
        self.assertEqual(
            self.activities(order).user_id, self.substitute | self.reviewer
        )
        self.approve(order, self.substitute)
        review = order.review_ids
        self.assertEqual(review.approved_user_ids, self.away)
        self.assertEqual(review.state, "pending")
        self.assertEqual(self.activities(order).user_id, self.reviewer)
        # The substitute decided the part of the reviewer away only.
        self.assertFalse(order.with_user(self.substitute).review_can_decide)
        self.approve(order, self.reviewer)
        self.assertEqual(order.review_state, "approved")

    def cancel_activities(self, order):
        return order.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref(CANCEL_APPROVAL)
        )

    def request_cancel(self):
        reason = self.env["sale.order.cancel.reason"].create(
            {"name": "Needs approval", "requires_approval": True}
        )
        order = self.create_orders()
        order.action_confirm()
        order.with_user(self.salesman).with_context(
            sale_cancel_reason_id=reason.id
        ).action_cancel()
        self.assertEqual(order.cancel_request_state, "pending")
        return order

    @freeze_time(DURING)
    def test_cancellation_approval_goes_to_manager_substitute(self):
        deputy = new_test_user(
            self.env,
            login="sol_deputy",
            name="Dina Deputy",
            groups="sales_team.group_sale_manager",
        )
        self.away.with_user(self.away).approval_substitute_id = deputy
        order = self.request_cancel()
        assignees = self.cancel_activities(order).user_id
        self.assertIn(deputy, assignees)
        self.assertNotIn(self.away, assignees)
        self.assertIn(self.sale_manager, assignees)
        self.assertEqual(len(self.cancel_activities(order)), len(assignees))
        order.with_user(deputy).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(self.cancel_activities(order))

    @freeze_time(DURING)
    def test_cancellation_decided_on_behalf_of_the_approver_away(self):
        # A cancellation rule names the manager away as its only approver;
        # their substitute, a Sales Administrator, decides in their stead.
        deputy = new_test_user(
            self.env,
            login="sol_deputy_rule",
            name="Dora Deputy",
            groups="sales_team.group_sale_manager",
        )
        self.away.with_user(self.away).approval_substitute_id = deputy
        self.env["sale.review.rule"].create(
            {
                "name": "Cancellations by Alma",
                "applies_to": "cancel",
                "reviewer_user_ids": [Command.set(self.away.ids)],
            }
        )
        order = self.request_cancel()
        self.assertEqual(self.cancel_activities(order).user_id, deputy)
        self.assertTrue(order.with_user(deputy).cancel_can_approve)
        with self.assertRaises(AccessError):
            order.with_user(self.sale_manager).action_cancel_request_approve()
        order.with_user(deputy).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_approver_id, deputy)
        self.assertEqual(order.cancel_on_behalf_of_id, self.away)
        self.assertTrue(
            any(
                "on behalf of Alma Away" in body
                for body in order.message_ids.mapped("body")
            )
        )

    @freeze_time(DURING)
    def test_cancellation_approval_goes_to_salesperson_substitute(self):
        # The substitute is only a salesperson: the cancellation approvals of
        # the manager away are theirs all the same, for orders of others too.
        order = self.request_cancel()
        assignees = self.cancel_activities(order).user_id
        self.assertIn(self.substitute, assignees)
        self.assertNotIn(self.away, assignees)
        self.assertTrue(order.with_user(self.substitute).cancel_can_approve)
        self.assertFalse(order.with_user(self.salesman_other).cancel_can_approve)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman_other).action_cancel_request_approve()
        order.with_user(self.substitute).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_approver_id, self.substitute)
        self.assertEqual(order.cancel_on_behalf_of_id, self.away)


@tagged("post_install", "-at_install")
class TestDelegationDataLayer(DelegationMixin, LifecycleHttpCommon):
    """The substitute's right holds through JSON-RPC only while it lasts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpDelegation()

    def call_approve(self, order, login):
        self.authenticate(login, login)
        _result, error = self.call_kw("sale.order", "action_review_approve", order.ids)
        self.env.invalidate_all()
        return error

    def test_rpc_delegated_decision(self):
        with freeze_time(DURING):
            order = self.create_orders(qty=20)
            order.with_user(self.salesman).action_request_review()
            error = self.call_approve(order, self.salesman_other.login)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            self.assertEqual(order.review_state, "pending")
        with freeze_time(AFTER):
            error = self.call_approve(order, self.substitute.login)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            self.assertEqual(order.review_state, "pending")
        with freeze_time(DURING):
            self.assertFalse(self.call_approve(order, self.substitute.login))
            self.assertEqual(order.review_state, "approved")
            self.assertEqual(order.review_ids.on_behalf_of_id, self.away)

    def test_substitute_approves_from_activity_tour(self):
        self.customer.name = "Delegation Tour Customer"
        order = self.create_orders(qty=20)
        today = date.today()
        self.away.write({"approval_away_from": today, "approval_away_to": today})
        order.with_user(self.salesman).action_request_review()
        self.start_tour(
            "/odoo",
            "sale_order_lifecycle_delegation_approve",
            login=self.substitute.login,
        )
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(order.review_ids.decided_by_id, self.substitute)
        self.assertEqual(order.review_ids.on_behalf_of_id, self.away)
