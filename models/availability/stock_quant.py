from odoo import api, models


class StockQuant(models.Model):
    _inherit = "stock.quant"  # pylint: disable=consider-merging-classes-inherited

    # Every change of a quantity on hand or reserved goes through these two:
    # its product is queued for the stock verdicts of open orders.

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        res = super()._update_available_quantity(
            product_id, location_id, *args, **kwargs
        )
        self.env["sale.availability.refresh"]._mark_products(product_id)
        return res

    @api.model
    def _update_reserved_quantity(self, product_id, location_id, *args, **kwargs):
        res = super()._update_reserved_quantity(
            product_id, location_id, *args, **kwargs
        )
        self.env["sale.availability.refresh"]._mark_products(product_id)
        return res
