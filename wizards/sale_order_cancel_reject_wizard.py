from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrderCancelRejectWizard(models.TransientModel):
    _name = "sale.order.cancel.reject.wizard"
    _description = "Reject a Sales Order Cancellation"

    order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Orders",
    )
    reason = fields.Text()

    def action_reject(self):
        self.ensure_one()
        if not self.order_ids:
            raise UserError(
                self.env._("The orders to decide on no longer exist: nothing to do.")
            )
        if not (self.reason or "").strip():
            raise UserError(self.env._("Explain why the cancellation is rejected."))
        self.order_ids._reject_cancel_request(self.reason.strip())
        return {"type": "ir.actions.act_window_close"}
