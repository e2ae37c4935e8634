from odoo import fields, models


class SaleOrderReviewRejectWizard(models.TransientModel):
    _name = "sale.order.review.reject.wizard"
    _inherit = "sale.order.reject.wizard.mixin"
    _description = "Reject the Approval of Sales Orders"

    reason = fields.Text(
        help="The salesperson gets it as an activity; it stays in the review history.",
    )
    skipped_note = fields.Text(
        string="Not Decided",
        readonly=True,
        help="The selected orders this rejection leaves, and why.",
    )

    def _get_missing_reason_message(self):
        return self.env._("Explain why the order is rejected: the reason is required.")

    def _reject(self, orders, reason):
        orders._review_reject(reason)
