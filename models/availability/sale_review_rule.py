from odoo import fields, models


class SaleReviewRule(models.Model):
    _inherit = "sale.review.rule"  # pylint: disable=consider-merging-classes-inherited

    stock_verdict = fields.Boolean(
        string="Stock Verdict Short",
        help="Applies when a line's stock verdict is partially available or needs "
        "replenishment (free stock and receipts expected by its date, once "
        "confirmed orders are served), unless it is replenished on order.",
    )

    def _get_conditions(self):
        conditions = super()._get_conditions()
        if self.stock_verdict:
            conditions.append(("stock_verdict", True))
        return conditions
