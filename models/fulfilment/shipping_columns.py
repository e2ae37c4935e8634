"""Fill the shipping columns of existing orders in SQL.

Installing the addon on a long history would otherwise let the ORM compute
``shipping_status`` and ``shipping_carrier_id`` order by order (a read of every
order's deliveries and lines). ``fill`` creates the columns and sets them for
every order with outgoing deliveries in one statement, with the rules of
``sale.order._compute_shipping_status``; the other orders keep NULL, which is
what the ORM stores for them.
"""

from odoo.tools import SQL
from odoo.tools.sql import create_column

COLUMNS = {
    "shipping_status": "varchar",
    "shipping_carrier_id": "int4",
}

# The promised date of an order, as in the Order Lifecycle report: the
# commitment date, else the order date plus the lines' lead time (the longest
# when the order ships at once, the shortest otherwise). Late is by day (UTC):
# a delivery done on the promised day is on time.
PROMISE = SQL(
    """COALESCE(so.commitment_date,
                so.date_order + CASE WHEN so.picking_policy = 'one'
                                     THEN leads.lead_max ELSE leads.lead_min END
                                * INTERVAL '1 day')"""
)


def fill(cr):
    """Create the columns and fill them for the orders that have deliveries."""
    for name, column_type in COLUMNS.items():
        create_column(cr, "sale_order", name, column_type)
    cr.execute(
        SQL(
            """
            WITH deliveries AS (
                SELECT sp.sale_id AS order_id,
                       COUNT(*) AS total,
                       COUNT(*) FILTER (WHERE sp.state = 'done') AS done,
                       MAX(sp.date_done) FILTER (WHERE sp.state = 'done')
                           AS last_done,
                       (ARRAY_AGG(sp.carrier_id ORDER BY sp.id DESC)
                           FILTER (WHERE sp.carrier_id IS NOT NULL))[1]
                           AS carrier_id
                  FROM stock_picking sp
                  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                 WHERE spt.code = 'outgoing' AND sp.state <> 'cancel'
                   AND sp.sale_id IS NOT NULL
                 GROUP BY sp.sale_id
            ), leads AS (
                SELECT sol.order_id,
                       MIN(sol.customer_lead) AS lead_min,
                       MAX(sol.customer_lead) AS lead_max
                  FROM sale_order_line sol
                 WHERE sol.display_type IS NULL
                   AND sol.order_id IN (SELECT order_id FROM deliveries)
                 GROUP BY sol.order_id
            )
            UPDATE sale_order so
               SET shipping_carrier_id = d.carrier_id,
                   shipping_status = CASE
                       WHEN d.done = 0 THEN 'not_shipped'
                       WHEN d.done < d.total THEN 'partial'
                       WHEN d.last_done::date > (%(promise)s)::date THEN 'late'
                       ELSE 'shipped'
                   END
              FROM deliveries d
              LEFT JOIN leads ON leads.order_id = d.order_id
             WHERE so.id = d.order_id
            """,
            promise=PROMISE,
        )
    )
