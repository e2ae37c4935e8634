from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_column, table_columns

from .availability_engine import OPEN_STATES, QUOTATION_STATES, AvailabilityEngine

AVAILABILITY_STATES = [
    ("available", "Available"),
    ("partial", "Partially Available"),
    ("replenish", "Needs Replenishment"),
]
# The line's stored verdict and its figures, computed together.
AVAILABILITY_FIELDS = (
    "availability_state",
    "availability_free_qty",
    "availability_incoming_qty",
    "availability_short_qty",
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    availability_state = fields.Selection(
        selection=AVAILABILITY_STATES,
        string="Stock Verdict",
        compute="_compute_availability",
        store=True,
        index="btree_not_null",
        help="Whether the warehouse can serve the line by its date: from the free "
        "quantity (on hand less reserved) and the receipts expected by then, once "
        "confirmed orders are served. Empty for services, kits and closed orders.",
    )
    availability_free_qty = fields.Float(
        string="Free Quantity",
        compute="_compute_availability",
        store=True,
        digits="Product Unit of Measure",
        help="On hand less reserved in the order's warehouse, in the line's unit.",
    )
    availability_incoming_qty = fields.Float(
        string="Incoming by Date",
        compute="_compute_availability",
        store=True,
        digits="Product Unit of Measure",
        help="Receipts into the order's warehouse scheduled by the line's "
        "commitment or expected date, in the line's unit.",
    )
    availability_short_qty = fields.Float(
        string="Short By",
        compute="_compute_availability",
        store=True,
        digits="Product Unit of Measure",
        help="What the warehouse cannot serve by the line's date, in the line's "
        "unit, once confirmed orders are served.",
    )
    availability_on_order = fields.Boolean(
        string="Replenished on Order",
        compute="_compute_availability_on_order",
        help="The line follows the Replenish on Order (MTO) route: it is procured "
        "for this order and never counts as overselling.",
    )

    @api.depends(
        "product_id",
        "product_uom_qty",
        "product_uom",
        "qty_delivered",
        "customer_lead",
        "display_type",
        "order_id.state",
        "order_id.warehouse_id",
        "order_id.commitment_date",
        "order_id.date_order",
    )
    def _compute_availability(self):
        verdicts = AvailabilityEngine(self).compute()
        for line in self:
            (
                line.availability_state,
                line.availability_free_qty,
                line.availability_incoming_qty,
                line.availability_short_qty,
            ) = verdicts[line]

    @api.depends("route_id", "product_id")
    def _compute_availability_on_order(self):
        mto = self._get_availability_mto_route(active_only=False)
        for line in self:
            line.availability_on_order = bool(mto) and (
                line.route_id == mto or mto in line.product_id.route_ids
            )

    # ------------------------------------------------------------------
    # Schema
    # ------------------------------------------------------------------

    def _auto_init(self):
        # On a long history the ORM would judge every line ever sold when the
        # columns appear; create them empty and judge the open lines only.
        existing = table_columns(self.env.cr, self._table)
        new = [name for name in AVAILABILITY_FIELDS if name not in existing]
        for name in new:
            field = self._fields[name]
            create_column(
                self.env.cr, self._table, name, field.column_type[1], field.string
            )
        res = super()._auto_init()
        if new:
            self.env.cr.execute(
                SQL(
                    """SELECT sol.id FROM sale_order_line sol
                         JOIN sale_order so ON so.id = sol.order_id
                        WHERE so.state IN %s AND sol.display_type IS NULL""",
                    OPEN_STATES,
                )
            )
            lines = self.browse(row[0] for row in self.env.cr.fetchall())
            for name in AVAILABILITY_FIELDS:
                self.env.add_to_compute(self._fields[name], lines)
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_availability_replenish_on_order(self):
        """Switch these lines of quotations to the Replenish on Order route."""
        self.check_access("write")
        self._availability_replenish_on_order()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_availability_mto_route(self, active_only=True):
        route = self.env.ref("stock.route_warehouse0_mto", raise_if_not_found=False)
        if route and active_only and not route.active:
            return self.env["stock.route"]
        return route or self.env["stock.route"]

    def _availability_replenish_on_order(self):
        """Set the MTO route on the lines; all of them or none."""
        mto = self._get_availability_mto_route()
        if not mto:
            raise UserError(
                self.env._(
                    "There is no active Replenish on Order (MTO) route: an Inventory "
                    "Administrator can unarchive it in Inventory > Configuration > "
                    "Routes."
                )
            )
        refused = self.filtered(
            lambda line: (
                line.order_id.state not in QUOTATION_STATES
                or line.display_type
                or not line.product_id.is_storable
            )
        )
        if refused:
            raise UserError(
                self.env._(
                    "Only stocked products of quotations can be switched to "
                    "Replenish on Order; not these lines:\n%(lines)s",
                    lines="\n".join(
                        f"- {line.order_id.name}: {line.name or ''}" for line in refused
                    ),
                )
            )
        self.write({"route_id": mto.id})

    def _availability_recompute(self):
        """Judge the lines again now, with their orders: one run of the engine
        and one statement per table, whatever the number of lines (the ORM
        would compute and write them by thousands)."""
        if not self:
            return
        for fname in AVAILABILITY_FIELDS:
            self.env.remove_to_compute(self._fields[fname], self)
        self.flush_recordset(AVAILABILITY_FIELDS)
        self.env["sale.order"].flush_model(["availability_state"])
        verdicts = AvailabilityEngine(self).compute_stored()
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order_line sol
                      SET availability_state = v.state,
                          availability_free_qty = v.free,
                          availability_incoming_qty = v.incoming,
                          availability_short_qty = v.short
                     FROM (VALUES %s) AS v(id, state, free, incoming, short)
                    WHERE sol.id = v.id""",
                SQL(", ").join(
                    SQL(
                        "(%s, %s::varchar, %s::numeric, %s::numeric, %s::numeric)",
                        line_id,
                        state or None,
                        free,
                        incoming,
                        short,
                    )
                    for line_id, (state, free, incoming, short) in verdicts.items()
                ),
            )
        )
        # The order's verdict as _compute_availability_state gives it.
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order so SET availability_state = agg.state
                     FROM (SELECT order_id,
                                  CASE WHEN COUNT(availability_state) = 0 THEN NULL
                                       WHEN MIN(availability_state)
                                            = MAX(availability_state)
                                       THEN MIN(availability_state)
                                       ELSE 'partial' END AS state
                             FROM sale_order_line
                            WHERE order_id IN (SELECT order_id FROM sale_order_line
                                                WHERE id = ANY(%s))
                            GROUP BY order_id) AS agg
                    WHERE so.id = agg.order_id
                      AND so.availability_state IS DISTINCT FROM agg.state""",
                list(self.ids),
            )
        )
        self.invalidate_recordset(AVAILABILITY_FIELDS, flush=False)
        # Their orders, without reading them (one query per thousand lines).
        self.env["sale.order"].invalidate_model(["availability_state"], flush=False)

    def _availability_is_short(self):
        """Lines whose verdict says the stock cannot serve them, and that are not
        replenished on order."""
        return self.filtered(
            lambda line: (
                line.availability_state in ("partial", "replenish")
                and not line.availability_on_order
            )
        )

    def _availability_describe(self):
        """One line of text per line: product, quantity asked and the figures."""
        return [
            self.env._(
                "%(order)s: %(product)s, %(qty)s %(unit)s asked, short by %(short)s "
                "(free %(free)s, incoming by the date %(incoming)s)",
                order=line.order_id.name,
                product=line.product_id.display_name,
                qty=line.product_uom_qty,
                unit=line.product_uom.name,
                short=line.availability_short_qty,
                free=line.availability_free_qty,
                incoming=line.availability_incoming_qty,
            )
            for line in self
        ]
