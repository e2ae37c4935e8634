from markupsafe import Markup

from odoo import api, fields, models


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    on_behalf_of_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        help="The reviewer, away, for whom their substitute decided.",
    )

    @api.model
    def _get_decider_domains(self, user):
        """A substitute decides, while the delegation lasts, what waits for the
        reviewers who named them, in the companies the substitute works for."""
        domains = super()._get_decider_domains(user)
        for delegator in user._lifecycle_delegators():
            domains.append(
                [
                    ("reviewer_user_ids", "in", delegator.id),
                    ("approved_user_ids", "not in", delegator.id),
                    ("company_id", "in", user.company_ids.ids),
                ]
            )
        return domains

    def _get_acting_reviewers(self, user):
        """A substitute approves in the name of the reviewers away who named
        them (and in their own if they are a reviewer too)."""
        acting = super()._get_acting_reviewers(user)
        delegators = user._lifecycle_delegators() & (
            self.reviewer_user_ids - self.approved_user_ids
        )
        if not delegators:
            return acting
        return (acting & self.reviewer_user_ids) | delegators

    def _get_on_behalf(self, user):
        """``{review: delegators}``: the reviews of ``self`` that ``user``
        decides only as a substitute, and for whom."""
        delegators = user._lifecycle_delegators()
        if not delegators:
            return {}
        return {
            review: delegators & review.reviewer_user_ids
            for review in self
            if user not in review.reviewer_user_ids
            and delegators & review.reviewer_user_ids
        }

    def _record_approval(self):
        on_behalf = self._get_on_behalf(self.env.user)
        res = super()._record_approval()
        self._log_on_behalf(on_behalf, approved=True)
        return res

    def _record_rejection(self, reason, feedback):
        on_behalf = self._get_on_behalf(self.env.user)
        res = super()._record_rejection(reason, feedback)
        self._log_on_behalf(on_behalf, approved=False)
        return res

    def _log_on_behalf(self, on_behalf, approved):
        """Record on the review lines and in the orders' chatter that the
        current user decided as a substitute."""
        if not on_behalf:
            return
        user = self.env.user
        by_delegator = {}
        for review, delegators in on_behalf.items():
            by_delegator.setdefault(delegators[:1], self.browse())
            by_delegator[delegators[:1]] |= review
        for delegator, reviews in by_delegator.items():
            reviews.write({"on_behalf_of_id": delegator.id})
        reviews = self.union(*on_behalf)
        bodies = {}
        for order in reviews.order_id:
            order_reviews = reviews.filtered(
                lambda review, order=order: review.order_id == order
            )
            values = {
                "user": user.name,
                "rules": ", ".join(order_reviews.mapped("name")),
                "delegators": ", ".join(
                    self.env["res.users"]
                    .union(*(on_behalf[review] for review in order_reviews))
                    .mapped("name")
                ),
            }
            message = (
                self.env._(
                    "%(user)s approved %(rules)s on behalf of %(delegators)s, away.",
                    **values,
                )
                if approved
                else self.env._(
                    "%(user)s rejected %(rules)s on behalf of %(delegators)s, away.",
                    **values,
                )
            )
            bodies[order.id] = Markup("<p>%s</p>") % message
        reviews.order_id._message_log_batch(bodies=bodies)
