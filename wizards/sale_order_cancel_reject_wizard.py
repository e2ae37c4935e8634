from odoo import models


class SaleOrderCancelRejectWizard(models.TransientModel):
    _name = "sale.order.cancel.reject.wizard"
    _inherit = "sale.order.reject.wizard.mixin"
    _description = "Reject a Sales Order Cancellation"

    def _get_missing_reason_message(self):
        return self.env._("Explain why the cancellation is rejected.")

    def _reject(self, orders, reason):
        orders._reject_cancel_request(reason)
