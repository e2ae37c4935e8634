import json
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import (
    QUOTATION_STATES,
    close_activities,
    format_refusals,
    html_links,
    notification_action,
    notify_user,
    user_lang_env,
)
from .review_conditions import ConditionEvaluator
from .sale_review_rule import APPROVAL_MODES


class SaleOrderReview(models.Model):
    """One rule to be decided on one order: a line of the order's review
    history. Decided and cancelled lines are kept, so the history survives new
    requests, cancellation and archiving."""

    _name = "sale.order.review"
    _description = "Sales Order Review"
    _order = "order_id, id"
    _rec_name = "name"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="order_id.company_id",
        store=True,
        index=True,
    )
    rule_id = fields.Many2one(
        comodel_name="sale.review.rule",
        string="Review Rule",
        index=True,
        ondelete="set null",
    )
    name = fields.Char(
        string="Rule",
        required=True,
        translate=True,
        help="The rule's name when the review was requested, in every language "
        "it had then.",
    )
    level = fields.Integer(
        required=True,
    )
    reason = fields.Text(
        string="Why",
        translate=True,
        help="The conditions of the rule that the order met when the review was "
        "requested, worded in every language active then.",
    )
    approval_mode = fields.Selection(
        selection=APPROVAL_MODES,
        required=True,
        default="any",
    )
    forbid_self_approval = fields.Boolean(
        string="Salesperson Cannot Approve",
    )
    reviewer_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sale_order_review_reviewer_rel",
        column1="review_id",
        column2="user_id",
        string="Reviewers",
    )
    approved_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sale_order_review_approved_rel",
        column1="review_id",
        column2="user_id",
        string="Approved By",
        help="With all reviewers required: those who approved so far.",
    )
    state = fields.Selection(
        selection=[
            ("waiting", "Waiting"),
            ("pending", "To Approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="waiting",
        index=True,
        help="Waiting: a lower level is still to decide. To Approve: the reviewers "
        "have an activity. Cancelled: the order changed or was cancelled first.",
    )
    is_current = fields.Boolean(
        string="Current Request",
        default=True,
        help="Part of the order's latest approval request; earlier requests "
        "are history.",
    )
    decided_by_id = fields.Many2one(
        comodel_name="res.users",
    )
    decided_on = fields.Datetime()
    comment = fields.Text(
        help="The reviewer's reason, for a rejection.",
    )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_current_reviewer_domain(self, user):
        """The reviews that ``user`` may decide now: the one definition behind
        the Approve and Reject buttons, the To Approve list and the decision.
        Who may decide comes from ``_get_decider_domains``; the salesperson
        rule holds for all of them."""
        return expression.AND(
            [
                [
                    ("state", "=", "pending"),
                    "|",
                    ("forbid_self_approval", "=", False),
                    ("order_id.user_id", "!=", user.id),
                ],
                expression.OR(self._get_decider_domains(user)),
            ]
        )

    @api.model
    def _get_decider_domains(self, user):
        """Domains of the pending reviews ``user`` may decide, any of which
        suffices: a reviewer who has not approved yet. Delegation and escalation
        add theirs."""
        return [
            [
                ("reviewer_user_ids", "in", user.id),
                ("approved_user_ids", "not in", user.id),
            ]
        ]

    def _get_acting_reviewers(self, user):
        """The reviewers of this review in whose name ``user`` approves: the
        user; delegation adds those away who named them substitute."""
        self.ensure_one()
        return user

    def _is_current_reviewer(self, user):
        """Whether ``user`` may decide this review now."""
        self.ensure_one()
        return bool(self.filtered_domain(self._get_current_reviewer_domain(user)))

    def _get_summary_html(self, title):
        """A chatter note: ``title``, then one item per review of ``self``."""
        items = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "Level %(level)s, %(rule)s: %(reviewers)s (%(reason)s)",
                level=review.level,
                rule=review.name,
                reviewers=", ".join(review.reviewer_user_ids.mapped("name")),
                reason=review.reason,
            )
            for review in self
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (title, items)

    @api.model
    def _split_to_decide(self, orders):
        """``(reviews, own, others)``: the pending reviews of ``orders`` that the
        current user may decide now; the orders left because the user is their
        salesperson and may not approve them; the orders left because no
        approval waits for the user."""
        user = self.env.user
        pending = orders.review_ids.filtered(lambda review: review.state == "pending")
        # One domain for the batch: who may decide is read once.
        mine = pending.filtered_domain(self._get_current_reviewer_domain(user))
        refused = orders - mine.order_id
        own = refused.filtered(
            lambda order: (
                order.user_id == user
                and order.review_ids.filtered(
                    lambda review: (
                        review.state == "pending" and review.forbid_self_approval
                    )
                )
            )
        )
        return mine, own, refused - own

    @api.model
    def _get_to_decide(self, orders):
        """The pending reviews of ``orders`` that the current user may decide,
        locked; refuse unless the user may decide on every order."""
        orders.review_ids.filtered(lambda review: review.state == "pending")._lock()
        mine, own, others = self._split_to_decide(orders)
        if own:
            raise AccessError(
                self.env._(
                    "You are the salesperson of %(orders)s: another reviewer must "
                    "approve.",
                    orders=", ".join(own.mapped("name")),
                )
            )
        if others:
            raise AccessError(
                self.env._(
                    "You cannot decide on %(orders)s: there is no approval waiting for "
                    "you.",
                    orders=", ".join(others.mapped("name")),
                )
            )
        return mine

    @api.model
    def _get_selection_refusals(self, orders):
        """``(decidable, {order: [why not]})`` for a selection of ``orders``:
        those the current user may decide, and why not the others."""
        mine, own, others = self._split_to_decide(orders)
        own_reason = self.env._(
            "you are its salesperson: another reviewer must approve"
        )
        other_reason = self.env._("no approval waits for you")
        refusals = {order: [own_reason] for order in own}
        refusals.update({order: [other_reason] for order in others})
        return mine.order_id, refusals

    @api.model
    def _action_approve_selection(self, orders):
        """List action: approve the selected orders the user may decide, and
        say which others were left and why (a sticky notice)."""
        decidable, refusals = self._get_selection_refusals(orders)
        if decidable:
            decidable.action_review_approve()
        message = self.env._(
            "%(count)s of %(total)s orders approved.",
            count=len(decidable),
            total=len(orders),
        )
        if not refusals:
            return notification_action(message)
        return notification_action(
            self.env._(
                "%(message)s Not decided: %(orders)s",
                message=message,
                orders=format_refusals(refusals),
            ),
            kind="warning",
            sticky=True,
        )

    @api.model
    def _action_reject_selection(self, orders):
        """List action: the reject dialog for the selected orders the user may
        decide, saying which others it leaves and why."""
        decidable, refusals = self._get_selection_refusals(orders)
        if not decidable:
            raise UserError(
                self.env._(
                    "You cannot decide on any of these orders: %(orders)s",
                    orders=format_refusals(refusals),
                )
            )
        action = decidable.action_review_reject()
        if refusals:
            action["context"]["default_skipped_note"] = self.env._(
                "Not decided: %(orders)s", orders=format_refusals(refusals)
            )
        return action

    @api.model
    def _get_void_approvals(self, orders):
        """``{order: [reason, ...]}`` for the approved quotations of ``orders``
        whose approval no longer holds: the order changed since, a rule now
        applies that nobody approved, or the approver is now its salesperson."""
        approved = orders.filtered(
            lambda order: (
                order.state in QUOTATION_STATES and order.review_state == "approved"
            )
        )
        matches = self.env["sale.review.rule"]._match_orders(approved)
        current = approved._get_review_fingerprints()
        void = {}
        for order in approved:
            reviews = order.review_ids.filtered(
                lambda review: review.is_current and review.state == "approved"
            )
            reasons = []
            if order.review_fingerprint != current[order]:
                reasons.append(self.env._("the order changed since it was approved"))
            rules = self.env["sale.review.rule"].union(
                *(rule for rule, _reasons in matches.get(order, []))
            )
            if rules - reviews.rule_id:
                reasons.append(
                    self.env._(
                        "it now needs %(rules)s too",
                        rules=", ".join((rules - reviews.rule_id).mapped("name")),
                    )
                )
            own = reviews.filtered(
                lambda review, user=order.user_id: (
                    user
                    and review.forbid_self_approval
                    and user in review.approved_user_ids | review.decided_by_id
                )
            )
            if own:
                reasons.append(
                    self.env._(
                        "%(user)s approved %(rules)s and is now its salesperson",
                        user=order.user_id.name,
                        rules=", ".join(own.mapped("name")),
                    )
                )
            if reasons:
                void[order] = reasons
        return void

    def _lock(self):
        """Lock the reviews' rows until the transaction ends, then reread them: of
        two reviewers deciding at once, the second waits and then sees the first
        decision (or retries on a serialization failure)."""
        if self:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM sale_order_review WHERE id IN %s FOR NO KEY UPDATE",
                    tuple(self.ids),
                ),
                # A failure to serialize is expected here and retried: not an error.
                log_exceptions=False,
            )
            self.invalidate_recordset()

    def _schedule_activities(self):
        """One activity of type Order Approval for each reviewer still to decide
        on the pending reviews; one digest notice per reviewer, not one mail per
        order."""
        pending = self.filtered(lambda review: review.state == "pending")
        if not pending:
            return
        activity_type = self.env.ref(
            "sale_order_lifecycle.mail_activity_type_order_approval"
        )
        model_id = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        # Reviewers away hand their activities to their substitute, if the
        # substitute works for the order's company; one activity per review
        # and assignee.
        assignees = {
            company: reviews.reviewer_user_ids._lifecycle_delegate(
                today, company=company
            )
            for company, reviews in pending.grouped("company_id").items()
        }
        targets = list(
            dict.fromkeys(
                (review, assignees[review.company_id][user])
                for review in pending
                for user in review.reviewer_user_ids - review.approved_user_ids
            )
        )
        # Each reviewer reads the summary and the digest in their own language.
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": review.order_id.id,
                "activity_type_id": activity_type.id,
                "summary": review.with_context(lang=user.lang)._get_activity_summary(),
                "note": review._get_activity_note(user),
                "user_id": user.id,
                "date_deadline": today,
                "sale_review_id": review.id,
            }
            for review, user in targets
        ]
        # The reviewers may not write the order (a level opened by another
        # reviewer's decision): the activities are the workflow's, not theirs.
        activities_sudo = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for user in activities_sudo.user_id:
            user_orders = self.union(
                *(review for review, assignee in targets if assignee == user)
            ).order_id
            user_env = self.with_context(lang=user.lang).env
            notify_user(
                user_env,
                user,
                user_env._("Sales orders to approve"),
                user_env._(
                    "These orders wait for your approval: %(orders)s",
                    orders=html_links(user_env, user_orders),
                ),
            )

    @api.model
    def _schedule_salesperson_todo(self, orders, get_summary, get_note=None):
        """A to-do activity for the salesperson of each of ``orders``, created
        in one batch, in the salesperson's language: ``get_summary(order,
        env)`` and ``get_note(env)`` word it in ``env``. Return the orders
        that have a salesperson."""
        todo = orders.filtered("user_id")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(orders._name)
        vals_list = []
        for order in todo:
            env = user_lang_env(orders.env, order.user_id)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": todo_type.id,
                    "summary": get_summary(order, env),
                    "note": get_note(env) if get_note else False,
                    "user_id": order.user_id.id,
                    "date_deadline": today,
                }
            )
        orders.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        ).create(vals_list)
        return todo

    def _get_activity_note(self, user):
        """Why the review applies, in the language of ``user``."""
        self.ensure_one()
        reason = self.with_context(lang=user.lang).reason
        return reason and Markup("<p>%s</p>") % reason

    def _get_activity_summary(self):
        self.ensure_one()
        return self.env._(
            "Approve: %(rule)s (level %(level)s)", rule=self.name, level=self.level
        )

    def _snapshot_languages(self):
        """The snapshot of new reviews in every active language, so that each
        reader sees the rule and why it applies in their own language: the
        names copied from the rules, the reasons worded again."""
        self._copy_rule_names()
        self._word_reasons_in_languages()

    def _word_reasons_in_languages(self):
        """Word the reasons of the reviews, created in the current language,
        in the other active languages (and in English, the fallback). Each
        language words the rules' conditions once for the whole batch, on the
        figures computed once; one statement adds every language to every
        line, as the ORM's flush of a translated field does (``column ||
        {lang: value}``)."""
        current = self.env.lang or "en_US"
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        langs = sorted((installed | {"en_US"}) - {current})
        reviews = self.filtered("rule_id")
        if not langs or not reviews:
            return
        evaluator = ConditionEvaluator(reviews.order_id)
        by_rule = reviews.grouped("rule_id")
        translations = defaultdict(dict)
        for lang in langs:
            lang_evaluator = evaluator.with_lang(lang)
            for rule, rule_reviews in by_rule.items():
                worded = dict(
                    rule._get_match_reasons(
                        lang_evaluator, rule_reviews.order_id, check_domain=False
                    )
                )
                for review in rule_reviews:
                    if review.order_id in worded:
                        translations[review.id][lang] = "; ".join(
                            worded[review.order_id]
                        )
        if not translations:
            return
        self.flush_recordset(["reason"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_order_review review
                   SET reason = COALESCE(review.reason, '{}'::jsonb) || worded.reason
                  FROM (VALUES %s) AS worded(id, reason)
                 WHERE review.id = worded.id
                """,
                SQL(", ").join(
                    SQL("(%s, %s::jsonb)", review_id, json.dumps(values))
                    for review_id, values in translations.items()
                ),
            )
        )
        self.invalidate_recordset(["reason"])

    def _copy_rule_names(self):
        """The name snapshot of each review in every language of its rule's
        name (rule names are translatable): one statement."""
        reviews = self.filtered("rule_id")
        if not reviews:
            return
        reviews.flush_recordset(["name", "rule_id"])
        self.env["sale.review.rule"].flush_model(["name"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE sale_order_review review
                   SET name = rule.name
                  FROM sale_review_rule rule
                 WHERE rule.id = review.rule_id AND review.id = ANY(%s)
                """,
                reviews.ids,
            )
        )
        reviews.invalidate_recordset(["name"])

    def _record_approval(self):
        """The current user approves the reviews of ``self``; those complete
        (any one reviewer, or every listed user) are decided."""
        user = self.env.user
        acting = user
        for review in self.filtered(lambda review: review.approval_mode == "all"):
            review_acting = review._get_acting_reviewers(user)
            review.approved_user_ids = [Command.link(uid) for uid in review_acting.ids]
            acting |= review_acting
        decided = self.filtered(
            lambda review: (
                review.approval_mode == "any"
                or not review.reviewer_user_ids - review.approved_user_ids
            )
        )
        feedback = self.env._("Approved by %(user)s.", user=user.name)
        (self - decided)._close_activities(feedback, users=acting)
        decided._close_activities(feedback)
        decided.write(decided._decision_values("approved"))

    def _record_rejection(self, reason, feedback):
        """The current user rejects the reviews of ``self``: the other open
        reviews of their orders end with them."""
        others = (
            self.order_id.review_ids.filtered(
                lambda review: review.state in ("waiting", "pending")
            )
            - self
        )
        (self | others)._close_activities(feedback)
        self.write(self._decision_values("rejected", reason))
        others.write({"state": "cancelled"})

    def _close_activities(self, feedback, users=None):
        """Mark done the approval activities of the reviews (only those of
        ``users`` if given), with ``feedback``."""
        domain = [("sale_review_id", "in", self.ids)]
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        # Closing the other reviewers' activities of a decided level.
        activities_sudo = self.env["mail.activity"].sudo().search(domain)
        close_activities(activities_sudo, feedback)

    @api.model
    def _decision_values(self, state, comment=False):
        return {
            "state": state,
            "decided_by_id": self.env.uid,
            "decided_on": fields.Datetime.now(),
            "comment": comment or False,
        }
