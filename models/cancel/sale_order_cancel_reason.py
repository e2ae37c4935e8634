from odoo import fields, models


class SaleOrderCancelReason(models.Model):
    _name = "sale.order.cancel.reason"
    _description = "Sales Order Cancellation Reason"
    _order = "sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    active = fields.Boolean(
        default=True,
    )
    requires_approval = fields.Boolean(
        help="Cancelling for this reason needs an approval: by the approvers of "
        "the cancellation rules that apply, else by a Sales Administrator.",
    )
    notify_customer = fields.Boolean(
        help="Proposed by default in the cancellation wizard: the customer gets the "
        "cancellation e-mail with the reason.",
    )
    note_required = fields.Boolean(
        help="The person who cancels must explain in a note.",
    )
