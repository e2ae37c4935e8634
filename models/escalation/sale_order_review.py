import logging
import threading
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import split_every

from ..tools import html_links, notify_user

_logger = logging.getLogger(__name__)

ESCALATION_TYPE = "sale_order_lifecycle.mail_activity_type_order_escalation"


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    asked_on = fields.Datetime(
        readonly=True,
        help="When the reviewers were asked: the days before escalation count "
        "from here.",
    )
    escalation_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Escalated To",
        readonly=True,
        index="btree_not_null",
        help="Who was asked to decide when the reviewers did not; they may "
        "decide the level.",
    )
    escalated_on = fields.Datetime(
        readonly=True,
    )

    @api.model
    def _get_decider_domains(self, user):
        """The escalation user decides the level escalated to them; while
        they are away, their substitute does, for the companies the
        substitute works for."""
        domains = [
            *super()._get_decider_domains(user),
            [("escalation_user_id", "=", user.id)],
        ]
        delegators = user._lifecycle_delegators()
        if delegators:
            domains.append(
                [
                    ("escalation_user_id", "in", delegators.ids),
                    ("company_id", "in", user.company_ids.ids),
                ]
            )
        return domains

    def _get_escalation_deciders(self, user):
        """The reviews of ``self`` that ``user`` settles as the escalation
        user, or as the substitute of the escalation user away."""
        delegators = user._lifecycle_delegators()
        return self.filtered(
            lambda review: (
                review.escalation_user_id
                and (
                    review.escalation_user_id == user
                    or review.escalation_user_id in delegators
                )
            )
        )

    def _get_on_behalf(self, user):
        """A substitute who settles an escalated level decides on behalf of
        the escalation user away."""
        on_behalf = super()._get_on_behalf(user)
        for review in self._get_escalation_deciders(user):
            if review.escalation_user_id != user and review not in on_behalf:
                on_behalf[review] = review.escalation_user_id
        return on_behalf

    def _schedule_activities(self):
        self.filtered(
            lambda review: review.state == "pending"
        ).asked_on = fields.Datetime.now()
        return super()._schedule_activities()

    def _record_approval(self):
        """The escalation user settles the level alone, whatever its mode."""
        user = self.env.user
        escalated = self._get_escalation_deciders(user)
        on_behalf = escalated._get_on_behalf(user)
        res = super(SaleOrderReview, self - escalated)._record_approval()
        if escalated:
            feedback = self.env._(
                "Approved by %(user)s, to whom it was escalated.", user=user.name
            )
            escalated._close_activities(feedback)
            escalated.write(escalated._decision_values("approved"))
            escalated._log_on_behalf(on_behalf, approved=True)
        return res

    @api.model
    def _cron_escalate(self, batch_size=500):
        """Escalate the pending reviews whose rule's days without a decision
        are over: the escalation user gets an activity and may decide. A review
        escalates once; each batch is committed on its own (outside tests)."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        review_ids = self._get_escalation_candidates().ids
        done = escalated = 0
        for batch_ids in split_every(batch_size, review_ids):
            escalated += len(self.browse(batch_ids)._escalate())
            done += len(batch_ids)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(review_ids) - done
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Escalation: %s of %s overdue reviews escalated", escalated, done)
        return escalated

    @api.model
    def _get_escalation_candidates(self):
        """Pending reviews, not escalated yet, waiting for longer than their
        active rule allows."""
        now = fields.Datetime.now()
        # Archiving a rule stops its escalations.
        rules = self.env["sale.review.rule"].search([("escalate_after_days", ">", 0)])
        overdue = []
        for days, day_rules in rules.grouped("escalate_after_days").items():
            limit = now - timedelta(days=days)
            overdue.append(
                [
                    ("rule_id", "in", day_rules.ids),
                    "|",
                    ("asked_on", "<=", limit),
                    "&",
                    ("asked_on", "=", False),
                    ("create_date", "<=", limit),
                ]
            )
        if not overdue:
            return self.browse()
        return self.search(
            expression.AND(
                [
                    [("state", "=", "pending"), ("escalation_user_id", "=", False)],
                    expression.OR(overdue),
                ]
            )
        )

    def _escalate(self):
        """Give each review's escalation user an activity, record it on the
        review and in the order's chatter; one notice per escalation user.
        Reviews nobody may decide (no escalation user, or only the order's
        salesperson while they may not approve) are left. Return the escalated
        reviews."""
        targets = defaultdict(lambda: self.browse())
        for review in self:
            user = review.rule_id._get_escalation_user(review.order_id)
            if not user or (
                review.forbid_self_approval and user == review.order_id.user_id
            ):
                continue
            targets[user] |= review
        if not targets:
            return self.browse()
        now = fields.Datetime.now()
        for user, reviews in targets.items():
            reviews.write({"escalation_user_id": user.id, "escalated_on": now})
        escalated = self.union(*targets.values())
        targets, delegated = self._get_escalation_assignees(targets)
        activity_type = self.env.ref(ESCALATION_TYPE)
        model_id = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": review.order_id.id,
                    "activity_type_id": activity_type.id,
                    # The user escalated to reads it in their own language.
                    "summary": review.with_context(
                        lang=user.lang
                    )._get_escalation_summary(),
                    "note": review._get_activity_note(user),
                    "user_id": user.id,
                    "date_deadline": today,
                    "sale_review_id": review.id,
                }
                for user, reviews in targets.items()
                for review in reviews
            ]
        )
        escalated.order_id._message_log_batch(
            bodies={
                order.id: Markup("<p>%s</p>")
                % self.env._(
                    "No decision on %(rules)s in time: escalated to %(users)s.",
                    rules=", ".join(reviews.mapped("name")),
                    users=", ".join(reviews.escalation_user_id.mapped("name")),
                )
                for order, reviews in escalated.grouped("order_id").items()
            }
        )
        if delegated:
            delegated.order_id._message_log_batch(
                bodies={
                    order.id: Markup("<p>%s</p>")
                    % self.env._(
                        "%(users)s away: %(substitutes)s decides in their stead.",
                        users=", ".join(reviews.escalation_user_id.mapped("name")),
                        substitutes=", ".join(
                            reviews.escalation_user_id.approval_substitute_id.mapped(
                                "name"
                            )
                        ),
                    )
                    for order, reviews in delegated.grouped("order_id").items()
                }
            )
        for user, reviews in targets.items():
            user_env = self.with_context(lang=user.lang).env
            notify_user(
                user_env,
                user,
                user_env._("Approvals escalated to you"),
                user_env._(
                    "Nobody decided these orders in time; you may approve or "
                    "reject them: %(orders)s",
                    orders=html_links(user_env, reviews.order_id),
                ),
            )
        return escalated

    @api.model
    def _get_escalation_assignees(self, targets):
        """``({assignee: reviews}, delegated)`` from ``{escalation user:
        reviews}``: the activity of an escalation user away goes to their
        substitute, if the substitute works for the order's company;
        ``delegated``: the reviews handed over."""
        today = fields.Date.context_today(self)
        assignees = defaultdict(lambda: self.browse())
        delegated = self.browse()
        for user, reviews in targets.items():
            for company, company_reviews in reviews.grouped("company_id").items():
                assignee = user._lifecycle_delegate(today, company=company)[user]
                assignees[assignee] |= company_reviews
                if assignee != user:
                    delegated |= company_reviews
        return assignees, delegated

    def _get_escalation_summary(self):
        self.ensure_one()
        return self.env._(
            "Escalated: %(rule)s (level %(level)s)", rule=self.name, level=self.level
        )
