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

from collections import defaultdict, namedtuple

from odoo import fields
from odoo.tools import SQL, float_compare, float_round

# What the verdicts read of the lines.
LINE_FIELDS = [
    "order_id",
    "product_id",
    "product_uom",
    "product_uom_qty",
    "customer_lead",
    "display_type",
    "sequence",
    "state",
]
# A line to judge: ``key`` is what the result is keyed by (the record, or its
# id); quantities in the product's unit; ``ratio`` converts them to the line's.
LineRow = namedtuple(
    "LineRow",
    "key line_id order_key product_id warehouse_id state date need "
    "product_rounding ratio line_rounding",
)
NOT_JUDGED = (False, 0.0, 0.0, 0.0)
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

    def _prefetch(self):
        """Read what the verdicts need of the lines, their orders, products and
        units in one query per model, whatever the number of lines (the ORM
        would read them by thousands)."""
        lines = self.lines.filtered("id")
        if not lines:
            return
        lines.fetch(LINE_FIELDS)
        lines.order_id.fetch(
            ["state", "warehouse_id", "commitment_date", "date_order", "company_id"]
        )
        lines.product_id.fetch(["product_tmpl_id"])
        templates = lines.product_id.product_tmpl_id
        templates.fetch(["is_storable", "type", "uom_id"])
        (lines.product_uom | templates.uom_id).fetch(["factor", "rounding"])

    def judged_lines(self):
        self._prefetch()
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

    # Lines as rows ----------------------------------------------------------

    def _rows_from_records(self, lines):
        """``LineRow`` of the judged ``lines`` (records, new ones included:
        the form's onchange), in their orders' line order."""
        rows = []
        for line in lines.sorted(lambda line: (line.order_id.id, line.sequence)):
            order = line.order_id
            product_uom = line.product_id.uom_id
            rows.append(
                LineRow(
                    line,
                    line._origin.id,
                    order.id,
                    line.product_id.id,
                    order.warehouse_id.id,
                    order.state,
                    order.commitment_date or line._expected_date(),
                    line.product_uom._compute_quantity(
                        line.product_uom_qty, product_uom, rounding_method="HALF-UP"
                    ),
                    product_uom.rounding,
                    line.product_uom.factor / product_uom.factor,
                    line.product_uom.rounding,
                )
            )
        return rows

    def _rows_from_database(self, line_ids):
        """``LineRow`` of the judged lines among ``line_ids``, read in one
        query: what the job uses for thousands of lines, where reading them
        through the ORM would cost more than judging them."""
        self.env["stock.low.stock.rule"]._flush_stock_figures()
        self.env["sale.order"].flush_model(
            ["state", "warehouse_id", "commitment_date", "date_order"]
        )
        self.env["sale.order.line"].flush_model([*COMMITMENT_LINE_FIELDS, "sequence"])
        self.env.cr.execute(
            SQL(
                """
                SELECT sol.id, sol.order_id, sol.product_id, so.warehouse_id,
                       so.state,
                       COALESCE(so.commitment_date,
                                CASE WHEN so.state = 'sale' THEN so.date_order
                                     ELSE %(now)s END
                                + COALESCE(sol.customer_lead, 0) * interval '1 day'),
                       (sol.product_uom_qty / lu.factor * pu.factor)::float8,
                       pu.rounding::float8, (lu.factor / pu.factor)::float8,
                       lu.rounding::float8
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom lu ON lu.id = sol.product_uom
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE sol.id = ANY(%(ids)s)
                   AND sol.display_type IS NULL
                   AND pt.is_storable
                   AND so.state IN %(states)s
                   AND so.warehouse_id IS NOT NULL
                 ORDER BY sol.order_id, sol.sequence, sol.id
                """,
                now=fields.Datetime.now(),
                ids=list(line_ids),
                states=OPEN_STATES,
            )
        )
        rows = self.env.cr.fetchall()
        kits = self._kit_products(
            self.env["product.product"].browse({row[2] for row in rows})
        )
        return [
            LineRow(
                row[0],
                row[0],
                *row[1:6],
                float_round(
                    row[6], precision_rounding=row[7], rounding_method="HALF-UP"
                ),
                *row[7:],
            )
            for row in rows
            if row[2] not in kits
        ]

    # Verdicts -----------------------------------------------------------------

    def compute(self):
        """Return ``{line: (state, free, incoming, short)}`` for every line of
        the batch, quantities in the line's unit; ``NOT_JUDGED`` for the lines
        not judged (services, kits, notes, closed orders, delivered)."""
        results = dict.fromkeys(self.lines, NOT_JUDGED)
        results.update(self._judge(self._rows_from_records(self.judged_lines())))
        return results

    def compute_stored(self):
        """Return ``{line id: (state, free, incoming, short)}`` for the stored
        lines of the batch, read from the database."""
        results = dict.fromkeys(self.lines.ids, NOT_JUDGED)
        results.update(self._judge(self._rows_from_database(self.lines.ids)))
        return results

    def _judge(self, rows):
        """``{row.key: verdict}`` of ``rows``: the figures are read once for
        all of them, then each row is judged in Python."""
        if not rows:
            return {}
        products = self.env["product.product"].browse({row.product_id for row in rows})
        warehouses = self.env["stock.warehouse"].browse(
            {row.warehouse_id for row in rows}
        )
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
        for key, claim_rows in claims.items():
            cumulated = 0.0
            for line_id, date, unreserved in claim_rows:
                cumulated += unreserved
                supply = free.get(key, 0.0) + self._incoming_until(
                    schedules.get(key, ()), date
                )
                confirmed_short[line_id] = min(max(cumulated - supply, 0.0), unreserved)
            claimed[key] = cumulated
        results = {}
        asked = defaultdict(float)  # (order, product): already asked by its lines
        for row in rows:
            key = (row.product_id, row.warehouse_id)
            schedule = schedules.get(key, ())
            if row.state == "sale":
                if row.line_id not in confirmed:
                    continue  # delivered: nothing left to judge
                date, need, _reserved = confirmed[row.line_id]
                incoming = self._incoming_until(schedule, date)
                short = confirmed_short.get(row.line_id, 0.0)
            else:
                need = row.need
                incoming = self._incoming_until(schedule, row.date)
                supply = free.get(key, 0.0) + incoming - claimed.get(key, 0.0)
                asked[row.order_key, row.product_id] += need
                short = min(
                    max(asked[row.order_key, row.product_id] - supply, 0.0), need
                )
            results[row.key] = self._verdict(
                row, need, free.get(key, 0.0), incoming, short
            )
        return results

    @staticmethod
    def _verdict(row, need, free, incoming, short):
        rounding = row.product_rounding
        if float_compare(short, 0.0, precision_rounding=rounding) <= 0:
            state = "available"
            short = 0.0
        elif float_compare(short, need, precision_rounding=rounding) >= 0:
            state = "replenish"
        else:
            state = "partial"

        def to_line_unit(qty):
            return float_round(
                qty * row.ratio,
                precision_rounding=row.line_rounding,
                rounding_method="HALF-UP",
            )

        return (state, to_line_unit(free), to_line_unit(incoming), to_line_unit(short))
