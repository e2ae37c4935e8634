from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    is_low_stock = fields.Boolean(
        string="Low Stock",
        compute="_compute_is_low_stock",
        help="A low-stock rule has an open alert for this product in the order's "
        "warehouse.",
    )

    @api.depends("product_id", "order_id.warehouse_id")
    def _compute_is_low_stock(self):
        # Salespersons do not read stock alerts: only this flag comes out of them.
        alerts_sudo = (
            self.env["stock.low.stock.alert"]
            .sudo()
            .search(
                [
                    ("product_id", "in", self.product_id.ids),
                    ("warehouse_id", "in", self.order_id.warehouse_id.ids),
                    ("state", "!=", "resolved"),
                ]
            )
        )
        low = {(alert.product_id.id, alert.warehouse_id.id) for alert in alerts_sudo}
        for line in self:
            line.is_low_stock = (
                line.product_id.id,
                line.order_id.warehouse_id.id,
            ) in low
