from odoo import api, fields, models

# Line changes that make an approval worthless; notes and sections do not count.
REVIEW_MATERIAL_LINE_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

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

    @api.model_create_multi
    def create(self, vals_list):
        order_ids = [vals["order_id"] for vals in vals_list if vals.get("order_id")]
        self.env["sale.order"].browse(order_ids)._check_archived_readonly()
        lines = super().create(vals_list)
        lines.filtered(lambda line: not line.display_type)._review_changed()
        return lines

    def write(self, vals):
        self.order_id._check_archived_readonly()
        res = super().write(vals)
        if vals.keys() & REVIEW_MATERIAL_LINE_FIELDS:
            self._review_changed()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_archived_order(self):
        self.order_id._check_archived_readonly()

    def unlink(self):
        orders = self.filtered(lambda line: not line.display_type).order_id
        res = super().unlink()
        orders._review_on_material_change_unless_checked()
        return res

    def _review_changed(self):
        self.order_id._review_on_material_change_unless_checked()
