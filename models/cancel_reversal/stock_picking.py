from odoo import models
from odoo.exceptions import UserError

from .sale_order import REVERSAL_RETURNS_KEY, ReversalReturns


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def action_cancel(self):
        # Cancelling an order cancels its open deliveries; the returns its
        # cancellation has just created stay, ready for the warehouse. The
        # marker is a Python object: no caller's context can carry it.
        keep = self.env.context.get(REVERSAL_RETURNS_KEY)
        if isinstance(keep, ReversalReturns):
            pickings = self.filtered(lambda picking: picking.id not in keep)
            if not pickings:
                return True
            return super(StockPicking, pickings).action_cancel()
        return super().action_cancel()

    def _cancel_validate_return(self):
        """Validate the returns of a cancellation at once, for the quantities
        Odoo reserved on them (the lots and serials delivered)."""
        self.move_ids.picked = True
        res = self.with_context(
            skip_backorder=True, skip_sms=True, cancel_backorder=True
        ).button_validate()
        if res is not True or set(self.mapped("state")) != {"done"}:
            raise UserError(
                self.env._(
                    "The return %(returns)s could not be validated: validate it "
                    "from Inventory, or leave cancellation returns ready for the "
                    "warehouse in the settings.",
                    returns=", ".join(self.mapped("name")),
                )
            )
