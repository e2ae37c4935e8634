from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def button_validate(self):
        # No delivery goes out while the order's cancellation awaits approval.
        self.sale_id._check_no_pending_cancellation()
        return super().button_validate()
