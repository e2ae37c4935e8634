from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(lambda line: not line.display_type)._review_changed()
        return lines

    def write(self, vals):
        res = super().write(vals)
        # The order judges whether what its rules read has changed.
        self.filtered(lambda line: not line.display_type)._review_changed()
        return res

    def unlink(self):
        orders = self.filtered(lambda line: not line.display_type).order_id
        res = super().unlink()
        orders._review_on_material_change_unless_checked()
        return res

    def _review_changed(self):
        self.order_id._review_on_material_change_unless_checked()

    def _get_review_figures(self):
        """What the review rules read of this line, for the order's
        fingerprint: product, quantity in the product's unit, price, discount
        and taxes."""
        self.ensure_one()
        quantity = self.product_uom_qty
        if self.product_id:
            quantity = self.product_uom._compute_quantity(
                quantity, self.product_id.uom_id
            )
        return (
            self.product_id.id,
            quantity,
            self.price_unit,
            self.discount,
            tuple(sorted(self.tax_id.ids)),
        )

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
