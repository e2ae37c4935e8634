from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import check_note


class SaleOrderAssignment(models.Model):
    _name = "sale.order.assignment"
    _description = "Sales Order Reassignment"
    _order = "date desc, id desc"
    _rec_name = "order_id"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="order_id.company_id",
        store=True,
        index=True,
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id",
        string="Customer",
    )
    from_user_id = fields.Many2one(
        comodel_name="res.users",
        string="From Salesperson",
        readonly=True,
        index="btree_not_null",
    )
    to_user_id = fields.Many2one(
        comodel_name="res.users",
        string="To Salesperson",
        readonly=True,
        index="btree_not_null",
    )
    from_team_id = fields.Many2one(
        comodel_name="crm.team",
        string="From Sales Team",
        readonly=True,
    )
    to_team_id = fields.Many2one(
        comodel_name="crm.team",
        string="To Sales Team",
        readonly=True,
    )
    reason = fields.Text(
        readonly=True,
    )
    assigned_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        default=lambda self: self.env.user,
    )
    date = fields.Datetime(
        readonly=True,
        default=fields.Datetime.now,
        index=True,
    )

    @api.constrains("reason")
    def _check_reason(self):
        for row in self:
            check_note(
                self.env, row.reason, self.env._("reason"), error=ValidationError
            )

    def _get_summary_html(self):
        """One line for the order's chatter: who, from whom to whom, and why."""
        self.ensure_one()
        nobody = self.env._("nobody")
        if self.from_user_id != self.to_user_id:
            summary = self.env._(
                "Reassigned from %(old)s to %(new)s.",
                old=self.from_user_id.name or nobody,
                new=self.to_user_id.name or nobody,
            )
        else:
            summary = self.env._(
                "Moved from team %(old)s to team %(new)s.",
                old=self.from_team_id.name or nobody,
                new=self.to_team_id.name or nobody,
            )
        if self.reason:
            summary = self.env._(
                "%(summary)s Reason: %(reason)s", summary=summary, reason=self.reason
            )
        return Markup("<p>%s</p>") % summary
