from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    low_stock_alert_count = fields.Integer(
        compute="_compute_low_stock_alert_count",
        groups="stock.group_stock_user",
    )

    def _compute_low_stock_alert_count(self):
        counts = dict(
            self.env["stock.low.stock.alert"]._read_group(
                [
                    ("product_id.product_tmpl_id", "in", self.ids),
                    ("state", "!=", "resolved"),
                ],
                ["product_id"],
                ["__count"],
            )
        )
        for template in self:
            template.low_stock_alert_count = sum(
                counts.get(variant, 0) for variant in template.product_variant_ids
            )

    def action_view_low_stock_alerts(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_lifecycle.stock_low_stock_alert_action"
        )
        action["domain"] = [("product_id.product_tmpl_id", "in", self.ids)]
        return action
