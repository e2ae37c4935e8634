"""Cancellation approval by the review rules that apply to cancellation."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LifecycleCommon

APPROVAL = "sale_order_lifecycle.mail_activity_type_cancel_approval"


@tagged("post_install", "-at_install")
class TestCancelApproval(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["sale.order.cancel.reason"].create({"name": "Changed"})
        cls.reason_other = cls.env["sale.order.cancel.reason"].create(
            {"name": "Duplicate"}
        )
        cls.team_lead = new_test_user(
            cls.env,
            login="sol_team_lead",
            name="Tina Lead",
            groups="sales_team.group_sale_salesman_all_leads",
        )

    def rule(self, **values):
        return self.env["sale.review.rule"].create(
            {
                "name": "Cancel rule",
                "applies_to": "cancel",
                "reviewer_user_ids": [Command.set(self.sale_manager.ids)],
                **values,
            }
        )

    def request(self, order, user=None, reason=None):
        return (
            order.with_user(user or self.salesman)
            .with_context(sale_cancel_reason_id=(reason or self.reason).id)
            .action_cancel()
        )

    def approvers(self, order):
        return order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(APPROVAL)
        ).user_id

    def test_levels_decide_in_turn_and_the_decision_is_recorded(self):
        first = self.rule(
            name="Lead first",
            sequence=10,
            min_amount=100,
            reviewer_user_ids=[Command.set(self.team_lead.ids)],
        )
        second = self.rule(name="Then the manager", sequence=20, min_amount=100)
        order = self.create_orders()
        order.action_confirm()
        self.request(order)
        self.assertEqual(order.cancel_request_state, "pending")
        self.assertEqual(order.cancel_approval_rule_ids, first | second)
        self.assertEqual(self.approvers(order), self.team_lead)
        self.assertFalse(order.with_user(self.sale_manager).cancel_can_approve)
        with self.assertRaisesRegex(AccessError, "waits for its approvers"):
            order.with_user(self.sale_manager).action_cancel_request_approve()
        self.assertTrue(order.with_user(self.team_lead).cancel_can_approve)
        order.with_user(self.team_lead).action_cancel_request_approve()
        self.assertEqual(order.state, "sale", "the next level decides")
        self.assertEqual(order.cancel_approval_level, 20)
        self.assertEqual(self.approvers(order), self.sale_manager)
        order.with_user(self.sale_manager).action_cancel_request_approve()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.cancel_approver_id, self.sale_manager)
        self.assertTrue(order.cancel_decision_date)
        self.assertFalse(self.approvers(order))

    def test_rules_apply_to_sales_administrators_and_by_reason(self):
        self.rule(cancel_reason_ids=[Command.set(self.reason.ids)])
        other_manager = new_test_user(
            self.env,
            login="sol_other_mgr",
            groups="sales_team.group_sale_manager",
        )
        order, quick = self.create_orders(2, user=self.sale_manager)
        (order | quick).action_confirm()
        self.rule(
            name="Other manager decides",
            reviewer_user_ids=[Command.set(other_manager.ids)],
            cancel_reason_ids=[Command.set(self.reason.ids)],
        )
        self.request(order, user=self.sale_manager)
        self.assertEqual(order.cancel_request_state, "pending")
        # The salesperson of the order cannot approve: the other manager does.
        self.assertEqual(self.approvers(order), other_manager)
        # Another reason: no rule applies, the Sales Administrator cancels.
        self.request(quick, user=self.sale_manager, reason=self.reason_other)
        self.assertEqual(quick.state, "cancel")

    def test_rejection_is_recorded(self):
        self.rule()
        order = self.create_orders()
        order.action_confirm()
        self.request(order)
        order.with_user(self.sale_manager)._reject_cancel_request("Keep it")
        self.assertEqual(order.cancel_request_state, "rejected")
        self.assertEqual(order.cancel_approver_id, self.sale_manager)
        self.assertTrue(order.cancel_decision_date)

    def test_order_review_ignores_cancellation_rules(self):
        self.rule()
        order = self.create_orders()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertNotEqual(order.review_state, "pending")

    def test_reversal_only_rule(self):
        self.rule(cancel_reversal_only=True)
        plain = self.create_orders()
        plain.action_confirm()
        delivered = self.create_finished_orders()
        self.request(plain, user=self.sale_manager)
        self.assertEqual(plain.state, "cancel", "nothing to reverse: no approval")
        delivered.with_user(self.sale_manager)._cancel_with_reversal(self.reason)
        self.assertEqual(delivered.cancel_request_state, "pending")
        self.assertTrue(delivered.cancel_reverse)
        self.assertFalse(delivered.cancel_return_ids)
        other_manager = new_test_user(
            self.env, login="sol_mgr_rev", groups="sales_team.group_sale_manager"
        )
        # The manager asked: another Sales Administrator decides.
        delivered.cancel_approval_rule_ids.reviewer_user_ids = other_manager
        delivered.with_user(other_manager).action_cancel_request_approve()
        self.assertEqual(delivered.state, "cancel")
        self.assertTrue(delivered.cancel_return_ids)
        self.assertTrue(delivered.cancel_credit_note_ids)
