import threading

from odoo import api, fields, models
from odoo.tools import SQL

from .availability_engine import OPEN_STATES

# Key of the products whose stock changed in the current transaction.
DIRTY_KEY = "sale_availability_dirty_products"
REFRESH_BATCH = 5000


class SaleAvailabilityRefresh(models.Model):
    """Products whose stock moved since their open order lines were judged:
    the debounce between stock moves and stock verdicts. A transaction that
    moves stock adds its products once, just before it commits; a frequent
    job then judges again the open lines of those products, in batches."""

    _name = "sale.availability.refresh"
    _description = "Stock Verdict Refresh Queue"
    _log_access = False

    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        ondelete="cascade",
    )

    _sql_constraints = [
        ("product_uniq", "UNIQUE(product_id)", "A product is queued once."),
    ]

    @api.model
    def _mark_products(self, products):
        """Queue ``products`` when the current transaction commits: one insert
        per transaction, whatever the number of moves."""
        if not products:
            return
        data = self.env.cr.precommit.data
        if DIRTY_KEY not in data:
            data[DIRTY_KEY] = set()
            self.env.cr.precommit.add(self._flush_marked)
        data[DIRTY_KEY].update(products.ids)

    @api.model
    def _flush_marked(self):
        product_ids = self.env.cr.precommit.data.pop(DIRTY_KEY, set())
        if not product_ids:
            return
        # A queue row is technical: no user right is involved in writing it.
        self.env.cr.execute(
            SQL(
                """INSERT INTO sale_availability_refresh (product_id)
                   SELECT id FROM product_product WHERE id = ANY(%s)
                   ON CONFLICT (product_id) DO NOTHING""",
                sorted(product_ids),
            )
        )

    @api.model
    def _cron_refresh(self):
        """Judge again the open lines of the queued products, in committed
        batches, with progress. Products queued meanwhile wait for the next
        run."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        self.env.cr.execute(
            SQL(
                """DELETE FROM sale_availability_refresh
                   WHERE id IN (SELECT id FROM sale_availability_refresh
                                FOR UPDATE SKIP LOCKED)
                   RETURNING product_id"""
            )
        )
        product_ids = [row[0] for row in self.env.cr.fetchall()]
        if not product_ids:
            return
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("product_id", "in", product_ids),
                    ("state", "in", OPEN_STATES),
                    ("display_type", "=", False),
                ],
                order="id",
            )
        )
        total = len(lines)
        for start in range(0, total, REFRESH_BATCH):
            lines[start : start + REFRESH_BATCH]._availability_recompute()
            self.env["ir.cron"]._notify_progress(
                done=min(start + REFRESH_BATCH, total),
                remaining=max(total - start - REFRESH_BATCH, 0),
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
