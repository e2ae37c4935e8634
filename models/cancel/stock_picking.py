from odoo import models

from .sale_order import CANCEL_LOGGED, CANCEL_LOGGED_KEY


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def action_cancel(self):
        if self.env.context.get(CANCEL_LOGGED_KEY) is not CANCEL_LOGGED:
            return super().action_cancel()
        # Cancelled with their orders, which log a note on each delivery
        # instead of the tracking of its state. The state is computed from the
        # moves: compute it here too, untracked.
        pickings = self.with_context(mail_notrack=True)
        res = super(StockPicking, pickings).action_cancel()
        pickings.flush_recordset(["state"])
        return res

    def button_validate(self):
        # No delivery goes out while the order's cancellation awaits approval.
        self.sale_id._check_no_pending_cancellation()
        return super().button_validate()
