from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    # Each step that changes what is free or incoming queues its products for
    # the stock verdicts of open orders (once per transaction).

    def _action_confirm(self, merge=True, merge_into=False):
        moves = super()._action_confirm(merge=merge, merge_into=merge_into)
        self._availability_mark_dirty()
        return moves

    def _action_assign(self, force_qty=False):
        res = super()._action_assign(force_qty=force_qty)
        self._availability_mark_dirty()
        return res

    def _do_unreserve(self):
        res = super()._do_unreserve()
        self._availability_mark_dirty()
        return res

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        (self | moves)._availability_mark_dirty()
        return moves

    def _action_cancel(self):
        res = super()._action_cancel()
        self._availability_mark_dirty()
        return res

    def _availability_mark_dirty(self):
        self.env["sale.availability.refresh"]._mark_products(
            self.product_id.filtered("is_storable")
        )
