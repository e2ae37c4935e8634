from odoo import api, models

# Line changes that make an approval worthless; notes and sections do not count.
REVIEW_MATERIAL_LINE_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(lambda line: not line.display_type)._review_changed()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if vals.keys() & REVIEW_MATERIAL_LINE_FIELDS:
            self._review_changed()
        return res

    def unlink(self):
        orders = self.filtered(lambda line: not line.display_type).order_id
        res = super().unlink()
        orders._review_on_material_change_unless_checked()
        return res

    def _review_changed(self):
        self.order_id._review_on_material_change_unless_checked()

    def _get_review_problem(self):
        """What the automatic checks find wrong with this product line, if
        anything."""
        self.ensure_one()
        label = self.product_id.display_name or self.name
        if not self.product_id:
            return self.env._("Line %(line)s has no product.", line=self.name)
        if self.product_uom_qty <= 0:
            return self.env._(
                "%(product)s: the quantity must be positive.", product=label
            )
        currency = self.order_id.currency_id
        if (
            self.product_type != "combo"
            and currency.is_zero(self.price_unit)
            and not currency.is_zero(self._get_pricelist_price())
        ):
            return self.env._(
                "%(product)s has no price: set one, or a pricelist that makes it free.",
                product=label,
            )
        return None
