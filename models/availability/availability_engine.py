"""The stock verdict of order lines, a plain class rather than a model so that
one batch of lines shares its figures: the free quantities and incoming
receipts of the low-stock engine and what confirmed orders still need, each
read in one query whatever the number of lines.

How lines competing for the same product in the same warehouse are counted:

- What is free (on hand less reserved) already excludes what deliveries have
  reserved, so a confirmed line counts its own reservation as served.
- Confirmed orders come first: the part of their open quantity that is not
  reserved yet claims free stock and receipts in the order of their dates
  (commitment date, or the date expected from the lead time), then by line.
- Quotations are judged against what is left once every confirmed order is
  served, whatever its date, and do not compete with one another: each
  answers "could this be served if it were confirmed now?". Inside one
  quotation, lines of the same product are served in their order.
- Incoming receipts count when they are scheduled no later than the line's
  date.
"""

from collections import defaultdict

from odoo.tools import SQL, float_compare, float_round

# Orders whose lines get a verdict.
OPEN_STATES = ("draft", "sent", "sale")
QUOTATION_STATES = ("draft", "sent")
# What the query of confirmed orders' needs reads of their lines.
COMMITMENT_LINE_FIELDS = [
    "order_id",
    "product_id",
    "product_uom",
    "product_uom_qty",
    "qty_delivered",
    "customer_lead",
    "display_type",
]


class AvailabilityEngine:
    """Verdicts of a batch of ``sale.order.line``."""

    def __init__(self, lines):
        self.lines = lines
        self.env = lines.env

    # Which lines are judged -------------------------------------------------

    def _kit_products(self, products):
        """Kits (Manufacturing's phantom bills of materials), when that module
        is installed: their components are what is stocked, not judged here."""
        if "mrp.bom" not in self.env or not products:
            return set()
        # Salespersons do not read bills of materials: only which products are
        # kits comes out.
        boms_sudo = self.env["mrp.bom"].sudo()
        found = boms_sudo._bom_find(products, bom_type="phantom")
        return {product.id for product, bom in found.items() if bom}

    def judged_lines(self):
        lines = self.lines.filtered(
            lambda line: (
                not line.display_type
                and line.product_id.is_storable
                and line.order_id.state in OPEN_STATES
                and line.order_id.warehouse_id
            )
        )
        kits = self._kit_products(lines.product_id)
        if kits:
            lines = lines.filtered(lambda line: line.product_id.id not in kits)
        return lines

    # Figures ------------------------------------------------------------------

    def _query_commitments(self, products, warehouses):
        """Rows ``(line_id, product_id, warehouse_id, date, open, reserved)`` of
        the confirmed lines not fully delivered of ``products`` in
        ``warehouses``, quantities in the product's unit. One query."""
        self.env["stock.low.stock.rule"]._flush_stock_figures()
        self.env["sale.order"].flush_model(
            ["state", "warehouse_id", "commitment_date", "date_order"]
        )
        self.env["sale.order.line"].flush_model(COMMITMENT_LINE_FIELDS)
        self.env.cr.execute(
            SQL(
                """
                SELECT sol.id, sol.product_id, so.warehouse_id,
                       COALESCE(so.commitment_date,
                                so.date_order
                                + COALESCE(sol.customer_lead, 0) * interval '1 day'),
                       ((sol.product_uom_qty - COALESCE(sol.qty_delivered, 0))
                        / lu.factor * pu.factor)::float8,
                       COALESCE((
                           SELECT SUM(m.quantity / mu.factor * pu.factor)
                             FROM stock_move m
                             JOIN uom_uom mu ON mu.id = m.product_uom
                             JOIN stock_location src ON src.id = m.location_id
                            WHERE m.sale_line_id = sol.id
                              AND m.state NOT IN ('draft', 'done', 'cancel')
                              AND src.usage = 'internal'
                              AND src.warehouse_id = so.warehouse_id
                       ), 0)::float8
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom lu ON lu.id = sol.product_uom
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE so.state = 'sale'
                   AND sol.display_type IS NULL
                   AND sol.product_id IN %s
                   AND so.warehouse_id IN %s
                   AND sol.product_uom_qty > COALESCE(sol.qty_delivered, 0)
                 ORDER BY 4, sol.id
                """,
                tuple(products.ids),
                tuple(warehouses.ids),
            )
        )
        return self.env.cr.fetchall()

    @staticmethod
    def _incoming_until(schedule, date):
        return sum(qty for when, qty in schedule if when <= date)

    # Verdicts -----------------------------------------------------------------

    def compute(self):
        """Return ``{line: (state, free, incoming, short)}`` for every line of
        the batch, quantities in the line's unit; ``(False, 0, 0, 0)`` for the
        lines not judged (services, kits, notes, closed orders, delivered)."""
        results = {line: (False, 0.0, 0.0, 0.0) for line in self.lines}
        judged = self.judged_lines()
        if not judged:
            return results
        products = judged.product_id
        warehouses = judged.order_id.warehouse_id
        Rule = self.env["stock.low.stock.rule"]
        free = Rule._get_free_quantities(products, warehouses)
        schedules = Rule._get_incoming_schedule(products, warehouses)
        # In the product's unit: {line id: (date, open, reserved)}, and what
        # confirmed orders claim per product and warehouse.
        confirmed = {}
        claims = defaultdict(list)
        for (
            line_id,
            product_id,
            warehouse_id,
            date,
            open_qty,
            reserved,
        ) in self._query_commitments(products, warehouses):
            confirmed[line_id] = (date, open_qty, reserved)
            claims[product_id, warehouse_id].append(
                (line_id, date, max(open_qty - reserved, 0.0))
            )
        # Short quantity of each confirmed line, from its claim's place in line.
        confirmed_short = {}
        claimed = {}
        for key, rows in claims.items():
            cumulated = 0.0
            for line_id, date, unreserved in rows:
                cumulated += unreserved
                supply = free.get(key, 0.0) + self._incoming_until(
                    schedules.get(key, ()), date
                )
                confirmed_short[line_id] = min(max(cumulated - supply, 0.0), unreserved)
            claimed[key] = cumulated
        asked = defaultdict(float)  # (order, product): already asked by its lines
        for line in judged.sorted(lambda line: (line.order_id.id, line.sequence)):
            order = line.order_id
            product = line.product_id
            key = (product.id, order.warehouse_id.id)
            schedule = schedules.get(key, ())
            origin_id = line._origin.id
            if order.state == "sale":
                if origin_id not in confirmed:
                    continue  # delivered: nothing left to judge
                date, need, _reserved = confirmed[origin_id]
                incoming = self._incoming_until(schedule, date)
                short = confirmed_short.get(origin_id, 0.0)
            else:
                date = order.commitment_date or line._expected_date()
                need = line.product_uom._compute_quantity(
                    line.product_uom_qty, product.uom_id, rounding_method="HALF-UP"
                )
                incoming = self._incoming_until(schedule, date)
                supply = free.get(key, 0.0) + incoming - claimed.get(key, 0.0)
                asked[order, product] += need
                short = min(max(asked[order, product] - supply, 0.0), need)
            results[line] = self._verdict(
                line, need, free.get(key, 0.0), incoming, short
            )
        return results

    @staticmethod
    def _verdict(line, need, free, incoming, short):
        product_uom = line.product_id.uom_id
        rounding = product_uom.rounding
        if float_compare(short, 0.0, precision_rounding=rounding) <= 0:
            state = "available"
        elif float_compare(short, need, precision_rounding=rounding) >= 0:
            state = "replenish"
        else:
            state = "partial"

        def to_line_unit(qty):
            if line.product_uom == product_uom:
                return float_round(qty, precision_rounding=rounding)
            return product_uom._compute_quantity(
                qty, line.product_uom, rounding_method="HALF-UP"
            )

        return (
            state,
            to_line_unit(free),
            to_line_unit(incoming),
            to_line_unit(short) if state != "available" else 0.0,
        )
