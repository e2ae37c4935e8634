from odoo import fields, models


class SaleOrderNotificationLog(models.Model):
    """One reminder sent by a stalled-order rule for one order: the daily check
    never sends the same reminder twice for the same order and rule."""

    _name = "sale.order.notification.log"
    _description = "Sales Order Reminder Sent"
    _order = "id desc"
    _rec_name = "rule_id"

    rule_id = fields.Many2one(
        comodel_name="sale.order.notification.rule",
        required=True,
        ondelete="cascade",
    )
    order_id = fields.Many2one(
        comodel_name="sale.order",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="order_id.company_id",
        store=True,
    )
    sent_on = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
    )

    # The unique index serves the searches by rule too.
    _sql_constraints = [
        (
            "rule_order_unique",
            "UNIQUE(rule_id, order_id)",
            "A reminder is sent only once for an order and a rule.",
        ),
    ]
