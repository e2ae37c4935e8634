from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrderReviewRejectWizard(models.TransientModel):
    _name = "sale.order.review.reject.wizard"
    _description = "Reject the Approval of Sales Orders"

    order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Orders",
    )
    reason = fields.Text(
        help="The salesperson gets it as an activity; it stays in the review history.",
    )

    def action_reject(self):
        self.ensure_one()
        if not self.order_ids:
            raise UserError(
                self.env._("The orders to decide on no longer exist: nothing to do.")
            )
        if not (self.reason or "").strip():
            raise UserError(
                self.env._("Explain why the order is rejected: the reason is required.")
            )
        self.order_ids._review_reject(self.reason.strip())
        return {"type": "ir.actions.act_window_close"}
