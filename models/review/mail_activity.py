from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    sale_review_id = fields.Many2one(
        comodel_name="sale.order.review",
        string="Order Review",
        index="btree_not_null",
        ondelete="cascade",
        help="The review this approval activity asks to decide.",
    )
