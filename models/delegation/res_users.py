from odoo import api, fields, models
from odoo.exceptions import ValidationError

DELEGATION_FIELDS = [
    "approval_substitute_id",
    "approval_away_from",
    "approval_away_to",
]


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    approval_substitute_id = fields.Many2one(
        comodel_name="res.users",
        index="btree_not_null",
        domain=[("share", "=", False)],
        help="While you are away, your order approvals and cancellation approvals "
        "go to this user, who decides them on your behalf.",
    )
    approval_away_from = fields.Date(
        string="Away From",
        help="First day on which your substitute decides for you.",
    )
    approval_away_to = fields.Date(
        string="Away Until",
        help="Last day on which your substitute decides for you.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + DELEGATION_FIELDS

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + DELEGATION_FIELDS

    @api.constrains(*DELEGATION_FIELDS, "company_id", "company_ids")
    def _check_approval_substitute(self):
        for user in self.filtered("approval_substitute_id"):
            substitute = user.approval_substitute_id
            problem = None
            if substitute == user:
                problem = self.env._("you cannot be your own substitute")
            elif substitute.share or not substitute.active:
                problem = self.env._(
                    "%(substitute)s is not an active internal user",
                    substitute=substitute.name,
                )
            elif user.company_id not in substitute.company_ids:
                problem = self.env._(
                    "%(substitute)s does not work for %(company)s",
                    substitute=substitute.name,
                    company=user.company_id.name,
                )
            elif not (user.approval_away_from and user.approval_away_to):
                problem = self.env._("give the first and the last day of your absence")
            elif user.approval_away_from > user.approval_away_to:
                problem = self.env._("the absence ends before it starts")
            elif substitute.approval_substitute_id == user and (
                substitute._approval_away_overlaps(user)
            ):
                problem = self.env._(
                    "%(substitute)s has named you as their substitute for the "
                    "same days: one of you must stay",
                    substitute=substitute.name,
                )
            if problem:
                raise ValidationError(
                    self.env._(
                        "Approval substitute of %(user)s: %(problem)s.",
                        user=user.name,
                        problem=problem,
                    )
                )

    def _approval_away_overlaps(self, other):
        self.ensure_one()
        return bool(
            self.approval_away_from
            and self.approval_away_to
            and other.approval_away_from
            and other.approval_away_to
            and self.approval_away_from <= other.approval_away_to
            and other.approval_away_from <= self.approval_away_to
        )

    def _is_approval_away(self, date):
        """Whether the user's substitute decides for them on ``date``."""
        self.ensure_one()
        return bool(
            self.approval_substitute_id
            and self.approval_away_from
            and self.approval_away_to
            and self.approval_away_from <= date <= self.approval_away_to
        )

    def _lifecycle_delegate(self, date=None, company=None):
        """``{user: assignee}`` for the users of ``self``: who receives the
        approval work meant for each user on ``date`` (today by default), their
        substitute while they are away, else themselves. One level only: a
        substitute away too is still the assignee (no chains). A substitute
        archived since, or who does not work for ``company`` (the document's,
        when given), cannot do the work: it stays with the user.

        The one helper that every approval flow (order review, cancellation
        approval) calls before it assigns activities."""
        date = date or fields.Date.context_today(self)
        # Everyone's absence is read to route work: not the caller's own data.
        users_sudo = self.sudo()
        delegates = {}
        for user, user_sudo in zip(self, users_sudo, strict=True):
            substitute = user_sudo.approval_substitute_id
            if (
                not user_sudo._is_approval_away(date)
                or not substitute.active
                or (company and company not in substitute.company_ids)
            ):
                delegates[user] = user
            else:
                delegates[user] = substitute.with_env(self.env)
        return delegates

    def _lifecycle_delegators(self, date=None):
        """The users for whom ``self`` (one user) decides on ``date`` (today by
        default): those away who named them as substitute."""
        self.ensure_one()
        date = date or fields.Date.context_today(self)
        # Who named the user as substitute is not the user's own data.
        delegators_sudo = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("approval_substitute_id", "=", self.id),
                    ("approval_away_from", "<=", date),
                    ("approval_away_to", ">=", date),
                ]
            )
        )
        return delegators_sudo.with_env(self.env)
