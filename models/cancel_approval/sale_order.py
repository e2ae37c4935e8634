"""Cancellation approval by the review rules that apply to cancellation.

A rule "applies to: Cancellation" gives its conditions (amount, discount...,
reasons, returns and credit notes) and its reviewers by level, as order
review does; the matched rules are kept on the order when it asks, each level
decides in turn, and the last decision's author and date are recorded.
Orders matched by no rule keep the Sales Administrators as approvers.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    cancel_approval_rule_ids = fields.Many2many(
        comodel_name="sale.review.rule",
        relation="sale_order_cancel_approval_rule_rel",
        column1="order_id",
        column2="rule_id",
        string="Cancellation Rules",
        copy=False,
        readonly=True,
        help="The cancellation rules that applied when the cancellation was asked.",
    )
    cancel_approval_level = fields.Integer(
        string="Cancellation Approval Level",
        copy=False,
        readonly=True,
    )
    cancel_approver_id = fields.Many2one(
        comodel_name="res.users",
        string="Cancellation Decided By",
        copy=False,
        readonly=True,
    )
    cancel_decision_date = fields.Datetime(
        string="Cancellation Decided On",
        copy=False,
        readonly=True,
    )
    cancel_can_approve = fields.Boolean(
        compute="_compute_cancel_can_approve",
        help="The current user may decide on the pending cancellation.",
    )

    @api.depends_context("uid")
    @api.depends("cancel_request_state", "cancel_approval_level", "cancel_user_id")
    def _compute_cancel_can_approve(self):
        # The very check that refuses the decision (_check_cancel_approver).
        pending = self._filter_cancel_pending()
        own, others = pending._split_cancel_approver_refusals()
        for order in self:
            order.cancel_can_approve = order in pending - own - others

    @api.model
    def _get_lifecycle_protected_fields(self):
        how = self.env._("with the cancellation approval")
        return {
            **super()._get_lifecycle_protected_fields(),
            **dict.fromkeys(
                (
                    "cancel_approval_rule_ids",
                    "cancel_approval_level",
                    "cancel_approver_id",
                    "cancel_decision_date",
                ),
                how,
            ),
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _cancel_needs_approval(self, reason, reverse=False):
        needed = super()._cancel_needs_approval(reason, reverse=reverse)
        orders = self.filtered(lambda order: order.state != "cancel")
        matches = self.env["sale.review.rule"]._match_cancel_orders(
            orders, reason, reverse=reverse
        )
        # The rules hold for everyone, Sales Administrators included.
        return needed | orders.filtered(lambda order: order in matches)

    def _request_cancel_approval(self, reason, note):
        rules_model = self.env["sale.review.rule"]
        reversing = self.filtered("cancel_reverse")
        matches = {
            **rules_model._match_cancel_orders(self - reversing, reason),
            **rules_model._match_cancel_orders(reversing, reason, reverse=True),
        }
        groups = defaultdict(lambda: self.browse())
        for order in self:
            rules = rules_model.union(*(rule for rule, _r in matches.get(order, [])))
            level = min(rules.mapped("sequence"), default=0)
            groups[rules, level] |= order
        for (rules, level), orders in groups.items():
            orders._lifecycle_internal().with_context(mail_notrack=True).write(
                {
                    "cancel_approval_rule_ids": [Command.set(rules.ids)],
                    "cancel_approval_level": level,
                    "cancel_approver_id": False,
                    "cancel_decision_date": False,
                }
            )
        return super()._request_cancel_approval(reason, note)

    def _cancel_approval_users(self):
        """The reviewers of the order's cancellation rules at the current
        level; the Sales Administrators when no rule applies or none of its
        reviewers may decide."""
        self.ensure_one()
        # Approvers from outside Sales may not read the rules naming them.
        rules_sudo = self.sudo().cancel_approval_rule_ids.filtered(
            lambda rule: rule.sequence == self.cancel_approval_level
        )
        users = self.env["res.users"].union(
            *(rule._get_reviewers(self).with_env(self.env) for rule in rules_sudo)
        )
        users -= self.cancel_user_id
        return users or super()._cancel_approval_users()

    def _cancel_record_decision(self):
        self._lifecycle_internal().with_context(mail_notrack=True).write(
            {
                "cancel_approver_id": self.env.uid,
                "cancel_decision_date": fields.Datetime.now(),
            }
        )

    def _action_cancel_approved(self):
        self._cancel_record_decision()
        advancing = self.browse()
        for order in self:
            higher = order.cancel_approval_rule_ids.filtered(
                lambda rule, order=order: rule.sequence > order.cancel_approval_level
            )
            if higher:
                advancing |= order
                order._lifecycle_internal().with_context(mail_notrack=True).write(
                    {"cancel_approval_level": min(higher.mapped("sequence"))}
                )
        if advancing:
            advancing._close_cancel_activities(
                self.env._("Approved; the next level decides.")
            )
            advancing._message_log_batch(
                bodies={
                    order.id: Markup("<p>%s</p>")
                    % self.env._(
                        "Cancellation approved by %(user)s; waiting for the next "
                        "level.",
                        user=self.env.user.name,
                    )
                    for order in advancing
                }
            )
            advancing._schedule_cancel_approval_activities(
                lambda env: (
                    Markup("<p>%s</p>")
                    % env._("Approved at the previous level; your decision is next.")
                )
            )
        return super(SaleOrder, self - advancing)._action_cancel_approved()

    def _reject_cancel_request(self, reason):
        res = super()._reject_cancel_request(reason)
        # The approver was checked: approvers from outside Sales may not write
        # the orders themselves.
        orders_sudo = self.sudo()
        orders_sudo._cancel_record_decision()
        return res
