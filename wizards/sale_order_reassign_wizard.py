from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.tools import check_note, notification_action


class SaleOrderReassignWizard(models.TransientModel):
    _name = "sale.order.reassign.wizard"
    _description = "Reassign Sales Orders"

    from_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Open Orders Of",
        help="Fill the orders with every open order of this salesperson, e.g. when "
        "someone leaves.",
    )
    order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Orders",
        context={"active_test": False},
        compute="_compute_order_ids",
        store=True,
        readonly=False,
    )
    team_filter_id = fields.Many2one(
        comodel_name="crm.team",
        string="Choose Among Team",
        help="Only propose the members of this team as new salesperson.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="New Salesperson",
        domain="[('id', 'in', candidate_user_ids)]",
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="New Sales Team",
    )
    reason = fields.Text(
        help="Why the orders change hands; kept in their history and sent to the "
        "new salesperson.",
    )
    notify = fields.Boolean(
        default=True,
        help="Tell the new and former salespersons, in one message each.",
    )
    candidate_user_ids = fields.Many2many(
        comodel_name="res.users",
        compute="_compute_candidate_user_ids",
    )

    @api.depends("from_user_id")
    def _compute_order_ids(self):
        for wizard in self.filtered("from_user_id"):
            wizard.order_ids = self.env["sale.order"].search(
                [("user_id", "=", wizard.from_user_id.id)]
                + self.env["sale.order"]._get_open_orders_domain()
            )

    @api.depends("order_ids", "team_filter_id")
    def _compute_candidate_user_ids(self):
        """Internal users of the orders' companies, members of the team if one
        is chosen."""
        for wizard in self:
            companies = wizard.order_ids.company_id or self.env.company
            domain = [("share", "=", False), ("company_ids", "in", companies.ids)]
            if wizard.team_filter_id:
                domain.append(("id", "in", wizard.team_filter_id.member_ids.ids))
            wizard.candidate_user_ids = self.env["res.users"].search(domain)

    @api.onchange("team_filter_id")
    def _onchange_team_filter_id(self):
        if self.team_filter_id:
            self.team_id = self.team_filter_id
            if self.user_id and self.user_id not in self.team_filter_id.member_ids:
                self.user_id = False

    def action_reassign(self):
        self.ensure_one()
        if not self.order_ids:
            raise UserError(self.env._("Select the orders to reassign."))
        if not self.user_id and not self.team_id:
            raise UserError(
                self.env._("Choose a new salesperson, a new sales team, or both.")
            )
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the reassignment."))
        check_note(self.env, self.reason, self.env._("reason"))
        orders = self.order_ids
        orders._check_can_reassign()
        vals = {}
        if self.user_id:
            vals["user_id"] = self.user_id.id
        if self.team_id:
            vals["team_id"] = self.team_id.id
        changed = orders.filtered(
            lambda order: (
                order.user_id != (self.user_id or order.user_id)
                or order.team_id != (self.team_id or order.team_id)
            )
        )
        changed.with_context(
            sale_reassign_reason=self.reason.strip(),
            sale_reassign_notify=self.notify,
        ).write(vals)
        if len(changed) != len(orders):
            message = self.env._(
                "%(count)s of %(total)s orders reassigned; the others already had "
                "this salesperson and team.",
                count=len(changed),
                total=len(orders),
            )
        else:
            message = self.env._("%(count)s orders reassigned.", count=len(changed))
        return notification_action(message)
