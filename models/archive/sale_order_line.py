from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        order_ids = [vals["order_id"] for vals in vals_list if vals.get("order_id")]
        self.env["sale.order"].browse(order_ids)._check_archived_readonly()
        return super().create(vals_list)

    def write(self, vals):
        self.order_id._check_archived_readonly()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_archived_order(self):
        self.order_id._check_archived_readonly()
