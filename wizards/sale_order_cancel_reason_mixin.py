from odoo import fields, models
from odoo.exceptions import UserError


class SaleOrderCancelReasonMixin(models.AbstractModel):
    """The reason and note that the cancellation wizards ask for."""

    _name = "sale.order.cancel.reason.mixin"
    _description = "Cancellation Reason and Note"

    reason_id = fields.Many2one(
        comodel_name="sale.order.cancel.reason",
    )
    note = fields.Text()
    note_required = fields.Boolean(
        related="reason_id.note_required",
    )

    def _check_reason(self):
        """The reason is mandatory; its note rule is enforced by the orders."""
        self.ensure_one()
        if not self.reason_id:
            raise UserError(self.env._("Choose the reason of the cancellation."))
