from markupsafe import Markup

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    cancel_on_behalf_of_id = fields.Many2one(
        comodel_name="res.users",
        string="Cancellation Decided On Behalf Of",
        copy=False,
        readonly=True,
        help="The approver, away, for whom their substitute decided the cancellation.",
    )

    @api.model
    def _get_lifecycle_protected_fields(self):
        return {
            **super()._get_lifecycle_protected_fields(),
            "cancel_on_behalf_of_id": self.env._("with the cancellation approval"),
        }

    def _cancel_approval_users(self):
        """The substitutes of approvers away decide in their stead, whatever
        their groups, if they work for the order's company (else the work
        stays with the approver)."""
        users = super()._cancel_approval_users()
        delegates = users._lifecycle_delegate(company=self.company_id)
        substitutes = self.env["res.users"].union(*delegates.values())
        return (users | substitutes) - self.cancel_user_id

    def _cancel_approval_assignees(self):
        """The approval activity of an approver away goes to their substitute."""
        users = super()._cancel_approval_assignees()
        delegates = users._lifecycle_delegate(company=self.company_id)
        return self.env["res.users"].union(*delegates.values()) - self.cancel_user_id

    def _cancel_record_decision(self):
        """A substitute who decides only as such is recorded as deciding on
        behalf of the approvers away who named them."""
        res = super()._cancel_record_decision()
        self.filtered("cancel_on_behalf_of_id")._lifecycle_internal().with_context(
            mail_notrack=True
        ).write({"cancel_on_behalf_of_id": False})
        user = self.env.user
        delegators = user._lifecycle_delegators()
        by_delegator = {}
        for order in self:
            approvers = super(SaleOrder, order)._cancel_approval_users()
            if user in approvers:
                continue
            away = (delegators & approvers)[:1]
            if away:
                by_delegator[away] = by_delegator.get(away, self.browse()) | order
        for away, orders in by_delegator.items():
            orders._lifecycle_internal().with_context(mail_notrack=True).write(
                {"cancel_on_behalf_of_id": away.id}
            )
            orders._message_log_batch(
                bodies=dict.fromkeys(
                    orders.ids,
                    Markup("<p>%s</p>")
                    % self.env._(
                        "%(user)s decided the cancellation on behalf of "
                        "%(approver)s, away.",
                        user=user.name,
                        approver=away.name,
                    ),
                )
            )
        return res
