"""Fill the payment and discrepancy columns of existing orders in SQL.

Installing the addon on a database with a long history would otherwise let the
ORM compute these stored fields order by order. ``fill`` creates the columns
and computes, in a few queries, what ``_compute_payment_status`` computes for
orders whose posted invoices are all in the order's currency (no conversion).
It returns the orders the ORM must still compute: those with an invoice in
another currency, and those that may have a discrepancy (the SQL finds them
with the tolerance at zero, a superset; the ORM writes the exact flag and the
translated, formatted note).
"""

from odoo.tools import SQL
from odoo.tools.sql import create_column

from ..tools import add_filled_column

COLUMNS = {
    "amount_invoiced_total": "numeric",
    "amount_invoice_paid": "numeric",
    "amount_due": "numeric",
    "payment_status": "varchar",
    "has_discrepancy": "bool",
    "discrepancy_note": "text",
}

NOT_INVOICED = {
    "amount_invoiced_total": 0,
    "amount_invoice_paid": 0,
    "amount_due": 0,
    "payment_status": "not_invoiced",
    "has_discrepancy": False,
}
SALE_DOCUMENTS = ("out_invoice", "out_refund")
INVOICE_LINE_TYPES = ("product", "line_section", "line_note")

# Each posted customer invoice or credit note of an order, with the order's
# share of it (its lines linked to the order) rounded like the ORM rounds a
# conversion into the order's currency.
_MOVE_FIGURES = SQL(
    """
    WITH links AS (
        SELECT DISTINCT sol.order_id, rel.invoice_line_id
          FROM sale_order_line_invoice_rel rel
          JOIN sale_order_line sol ON sol.id = rel.order_line_id
    ), shares AS (
        SELECT links.order_id,
               aml.move_id,
               COALESCE(SUM(aml.price_total) FILTER (
                   WHERE aml.display_type IN %(line_types)s), 0) AS share
          FROM links
          JOIN account_move_line aml ON aml.id = links.invoice_line_id
          JOIN account_move am ON am.id = aml.move_id
         WHERE am.state = 'posted' AND am.move_type IN %(documents)s
         GROUP BY links.order_id, aml.move_id
    )
    SELECT shares.order_id,
           am.currency_id,
           CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign,
           shares.share,
           CASE WHEN am.amount_total <> 0
                THEN 1 - am.amount_residual / am.amount_total ELSE 0 END AS ratio
      FROM shares
      JOIN account_move am ON am.id = shares.move_id
    """,
    line_types=INVOICE_LINE_TYPES,
    documents=SALE_DOCUMENTS,
)


def fill(cr):
    """Create and fill the columns; return ``(to_compute, to_check)``: ids of
    the orders whose payment figures need the ORM, and of those whose
    discrepancy does."""
    # Every order starts as not invoiced; only the invoiced ones are updated.
    for name, value in NOT_INVOICED.items():
        add_filled_column(cr, "sale_order", name, COLUMNS[name], value)
    create_column(cr, "sale_order", "discrepancy_note", COLUMNS["discrepancy_note"])
    cr.execute(
        SQL(
            """
            WITH moves AS (%(moves)s),
            figures AS (
                SELECT moves.order_id,
                       SUM(moves.sign * ROUND(moves.share / cur.rounding)
                           * cur.rounding) AS invoiced,
                       SUM(moves.sign * ROUND(moves.share * moves.ratio
                           / cur.rounding) * cur.rounding) AS paid,
                       cur.rounding
                  FROM moves
                  JOIN sale_order so ON so.id = moves.order_id
                  JOIN res_currency cur ON cur.id = so.currency_id
                 GROUP BY moves.order_id, cur.rounding
            )
            UPDATE sale_order so
               SET amount_invoiced_total = f.invoiced,
                   amount_invoice_paid = f.paid,
                   amount_due = f.invoiced - f.paid,
                   payment_status = CASE
                       WHEN ROUND((f.paid - f.invoiced) / f.rounding) > 0
                           THEN 'overpaid'
                       WHEN ROUND((f.invoiced - f.paid) / f.rounding) = 0
                           THEN 'paid'
                       WHEN ROUND(f.paid / f.rounding) = 0 THEN 'unpaid'
                       ELSE 'partial'
                   END
              FROM figures f
             WHERE f.order_id = so.id
            """,
            moves=_MOVE_FIGURES,
        )
    )
    cr.execute(
        SQL(
            """
            SELECT DISTINCT sol.order_id
              FROM sale_order_line_invoice_rel rel
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE am.state = 'posted'
               AND am.move_type IN %(documents)s
               AND am.currency_id <> so.currency_id
            """,
            documents=SALE_DOCUMENTS,
        )
    )
    to_compute = [row[0] for row in cr.fetchall()]
    cr.execute(_DISCREPANCY_CANDIDATES)
    to_check = [row[0] for row in cr.fetchall()]
    return to_compute, to_check


# Orders that may have one of the discrepancies of ``_get_discrepancies``, each
# test taken with a zero tolerance (the tolerance is never negative).
_DISCREPANCY_CANDIDATES = SQL(
    """
    WITH delivered AS (
        SELECT sol.order_id,
               SUM(sol.price_total * sol.qty_delivered / sol.product_uom_qty)
                   AS amount,
               BOOL_AND(pt.type IS DISTINCT FROM 'consu'
                        OR sol.qty_delivered >= sol.product_uom_qty) AS complete
          FROM sale_order_line sol
          LEFT JOIN product_product pp ON pp.id = sol.product_id
          LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE sol.display_type IS NULL AND sol.product_uom_qty <> 0
         GROUP BY sol.order_id
    ), foreign_moves AS (
        SELECT DISTINCT sol.order_id
          FROM sale_order_line_invoice_rel rel
          JOIN sale_order_line sol ON sol.id = rel.order_line_id
          JOIN sale_order so ON so.id = sol.order_id
          JOIN res_partner customer ON customer.id = so.partner_id
          JOIN account_move_line aml ON aml.id = rel.invoice_line_id
          JOIN account_move am ON am.id = aml.move_id
         WHERE am.state = 'posted'
           AND (am.currency_id <> so.currency_id
                OR am.commercial_partner_id
                   IS DISTINCT FROM customer.commercial_partner_id)
    )
    SELECT so.id
      FROM sale_order so
      LEFT JOIN delivered ON delivered.order_id = so.id
     WHERE (so.state = 'cancel' AND so.amount_invoiced_total > 0)
        OR (so.state = 'sale' AND delivered.complete
            AND delivered.amount > so.amount_invoiced_total)
        OR so.amount_invoiced_total > so.amount_total
        OR so.amount_invoice_paid > so.amount_invoiced_total
        OR so.id IN (SELECT order_id FROM foreign_moves)
    """
)
