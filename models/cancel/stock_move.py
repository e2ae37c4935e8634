from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _account_analytic_entry_move(self):
        # stock_account calls it on the moves of the move lines it has just
        # deleted (reservations released by a cancellation): their prefetch set
        # went with the lines, and each move would read its analytic lines
        # alone.
        return super(StockMove, self.with_prefetch())._account_analytic_entry_move()
