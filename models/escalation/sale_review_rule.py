from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..review.sale_review_rule import BOUNDED_NUMBER_FIELDS


class SaleReviewRule(models.Model):
    _inherit = "sale.review.rule"  # pylint: disable=consider-merging-classes-inherited
    _bounded_number_fields = BOUNDED_NUMBER_FIELDS | {"escalate_after_days"}

    escalate_after_days = fields.Integer(
        string="Escalate After (Days)",
        help="When a level of this rule waits this many days without a decision, "
        "the escalation user gets an activity and may decide it. Zero: never "
        "escalate.",
    )
    escalation_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Escalate To",
        domain=[("share", "=", False)],
        help="Who decides when the reviewers do not. Empty: the order's sales "
        "team leader.",
    )

    @api.constrains("escalate_after_days")
    def _check_escalate_after_days(self):
        for rule in self:
            if rule.escalate_after_days < 0:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: the days before escalation cannot be "
                        "negative; use zero for no escalation.",
                        rule=rule.name,
                    )
                )

    def _get_escalation_user(self, order):
        """Who decides ``order`` for this rule once it escalates: the rule's
        escalation user, else the order's team leader, if they may work on
        the order's company; an empty record otherwise."""
        self.ensure_one()
        user = self.escalation_user_id or order.team_id.user_id
        if user.share or not user.active or order.company_id not in user.company_ids:
            return user.browse()
        return user
