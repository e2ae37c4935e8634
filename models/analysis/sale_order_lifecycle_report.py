from odoo import fields, models
from odoo.tools import SQL

HOUR = 3600.0
DAY = 86400.0


class SaleOrderLifecycleReport(models.Model):
    _name = "sale.order.lifecycle.report"
    _description = "Order Lifecycle Analysis"
    _auto = False
    _order = "date_created desc"
    _rec_name = "name"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    name = fields.Char(string="Order Reference", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Salesperson", readonly=True
    )
    team_id = fields.Many2one(
        comodel_name="crm.team", string="Sales Team", readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    country_id = fields.Many2one(comodel_name="res.country", readonly=True)
    categ_id = fields.Many2one(
        comodel_name="product.category",
        string="Main Product Category",
        readonly=True,
        help="The category of the order's line of highest amount.",
    )
    state = fields.Selection(
        selection=lambda self: self.env["sale.order"]._fields["state"].selection,
        string="Status",
        readonly=True,
    )
    review_state = fields.Selection(
        selection=lambda self: self.env["sale.order"]._fields["review_state"].selection,
        string="Review",
        readonly=True,
    )
    cancel_reason_id = fields.Many2one(
        comodel_name="sale.order.cancel.reason",
        string="Cancellation Reason",
        readonly=True,
    )
    payment_status = fields.Selection(
        selection=lambda self: (
            self.env["sale.order"]._fields["payment_status"].selection
        ),
        readonly=True,
    )
    is_archived = fields.Boolean(string="Archived", readonly=True)

    date_created = fields.Datetime(string="Created On", readonly=True)
    date_review_requested = fields.Datetime(
        string="Approval Requested On", readonly=True
    )
    date_reviewed = fields.Datetime(
        string="Approval Decided On",
        readonly=True,
        help="When the last level of the current approval request was decided.",
    )
    date_confirmed = fields.Datetime(string="Confirmed On", readonly=True)
    date_deadline = fields.Datetime(
        string="Promised Delivery",
        readonly=True,
        help="The commitment date, or else the date expected from the products' "
        "lead times.",
    )
    date_first_delivery = fields.Datetime(string="First Delivery", readonly=True)
    date_last_delivery = fields.Datetime(string="Last Delivery", readonly=True)
    date_first_invoice = fields.Date(string="First Invoice", readonly=True)
    date_paid = fields.Date(
        string="Fully Paid On",
        readonly=True,
        help="The latest payment reconciled with the invoices of a paid order.",
    )
    date_cancelled = fields.Datetime(string="Cancelled On", readonly=True)
    date_archived = fields.Datetime(string="Archived On", readonly=True)

    hours_to_confirm = fields.Float(
        string="Hours to Confirm",
        readonly=True,
        aggregator="avg",
        help="From creation to confirmation.",
    )
    hours_in_review = fields.Float(
        string="Hours in Review",
        readonly=True,
        aggregator="avg",
        help="From the approval request to the decision of its last level.",
    )
    days_to_first_delivery = fields.Float(
        string="Days to First Delivery",
        readonly=True,
        aggregator="avg",
        help="From confirmation to first delivery.",
    )
    days_to_last_delivery = fields.Float(
        string="Days to Last Delivery",
        readonly=True,
        aggregator="avg",
        help="From confirmation to last delivery.",
    )
    days_delivery_to_invoice = fields.Float(
        string="Days from Delivery to Invoice",
        readonly=True,
        aggregator="avg",
        help="From the first delivery to the first invoice.",
    )
    days_invoice_to_payment = fields.Float(
        string="Days from Invoice to Payment",
        readonly=True,
        aggregator="avg",
        help="From the first invoice to full payment.",
    )
    is_late = fields.Boolean(
        string="Late",
        readonly=True,
        help="Delivered after the promised date, or not delivered and past it.",
    )
    days_late = fields.Float(readonly=True, aggregator="avg")
    late_count = fields.Integer(
        string="Late Orders", readonly=True, help="1 for a late order."
    )
    qty_ordered = fields.Float(string="Ordered Quantity", readonly=True)
    qty_delivered = fields.Float(string="Delivered Quantity", readonly=True)
    qty_returned = fields.Float(string="Returned Quantity", readonly=True)
    amount_untaxed = fields.Float(
        string="Untaxed Amount",
        readonly=True,
        help="In the company's currency, at the order's rate.",
    )

    _depends = {
        "sale.order": [
            "name",
            "company_id",
            "user_id",
            "team_id",
            "partner_id",
            "state",
            "review_state",
            "cancel_reason_id",
            "payment_status",
            "active",
            "create_date",
            "date_order",
            "commitment_date",
            "picking_policy",
            "delivery_status",
            "cancel_date",
            "archived_date",
            "amount_untaxed",
            "currency_rate",
        ],
        "sale.order.line": [
            "order_id",
            "display_type",
            "product_uom_qty",
            "qty_delivered",
            "customer_lead",
            "price_subtotal",
            "product_id",
            "invoice_lines",
        ],
        "sale.order.review": ["order_id", "is_current", "decided_on"],
        "stock.picking": ["sale_id", "state", "date_done", "picking_type_id"],
        "stock.move": [
            "sale_line_id",
            "state",
            "origin_returned_move_id",
            "location_dest_id",
            "product_uom_qty",
        ],
        "account.move": ["state", "move_type", "invoice_date"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            WITH lines AS (
                SELECT sol.order_id,
                       SUM(sol.product_uom_qty) AS qty_ordered,
                       SUM(sol.qty_delivered) AS qty_delivered,
                       MIN(sol.customer_lead) AS lead_min,
                       MAX(sol.customer_lead) AS lead_max
                  FROM sale_order_line sol
                 WHERE sol.display_type IS NULL
                 GROUP BY sol.order_id
            ), main_line AS (
                SELECT DISTINCT ON (sol.order_id) sol.order_id, pt.categ_id
                  FROM sale_order_line sol
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE sol.display_type IS NULL
                 ORDER BY sol.order_id, sol.price_subtotal DESC, sol.id
            ), reviews AS (
                SELECT r.order_id,
                       MIN(r.create_date) AS requested,
                       MAX(r.decided_on) AS decided
                  FROM sale_order_review r
                 WHERE r.is_current
                 GROUP BY r.order_id
            ), deliveries AS (
                SELECT sp.sale_id AS order_id,
                       MIN(sp.date_done) AS first_done,
                       MAX(sp.date_done) AS last_done
                  FROM stock_picking sp
                  JOIN stock_picking_type spt ON spt.id = sp.picking_type_id
                 WHERE sp.state = 'done' AND spt.code = 'outgoing'
                   AND sp.sale_id IS NOT NULL
                 GROUP BY sp.sale_id
            ), returns AS (
                SELECT sol.order_id, SUM(sm.product_uom_qty) AS qty
                  FROM stock_move sm
                  JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                  JOIN stock_location dest ON dest.id = sm.location_dest_id
                 WHERE sm.state = 'done' AND sm.origin_returned_move_id IS NOT NULL
                   AND dest.usage <> 'customer'
                 GROUP BY sol.order_id
            ), invoices AS (
                SELECT sol.order_id,
                       MIN(am.invoice_date) AS first_date,
                       ARRAY_AGG(DISTINCT am.id) AS move_ids
                  FROM sale_order_line_invoice_rel rel
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE am.state = 'posted' AND am.move_type = 'out_invoice'
                 GROUP BY sol.order_id
            ), orders AS (
                SELECT so.*,
                       CASE WHEN so.state = 'sale' THEN so.date_order END
                           AS confirmed,
                       CASE WHEN so.state = 'sale' THEN COALESCE(
                           so.commitment_date,
                           so.date_order + CASE WHEN so.picking_policy = 'one'
                               THEN lines.lead_max ELSE lines.lead_min END
                               * INTERVAL '1 day')
                       END AS deadline,
                       CASE WHEN so.delivery_status = 'full'
                           THEN deliveries.last_done END AS last_done
                  FROM sale_order so
                  LEFT JOIN lines ON lines.order_id = so.id
                  LEFT JOIN deliveries ON deliveries.order_id = so.id
            )
            SELECT so.id,
                   so.id AS order_id,
                   so.name,
                   so.company_id,
                   so.user_id,
                   so.team_id,
                   partner.commercial_partner_id AS partner_id,
                   customer.country_id,
                   main_line.categ_id,
                   so.state,
                   so.review_state,
                   so.cancel_reason_id,
                   so.payment_status,
                   NOT COALESCE(so.active, true) AS is_archived,
                   so.create_date AS date_created,
                   reviews.requested AS date_review_requested,
                   CASE WHEN so.review_state IN ('approved', 'rejected')
                       THEN reviews.decided END AS date_reviewed,
                   so.confirmed AS date_confirmed,
                   so.deadline AS date_deadline,
                   deliveries.first_done AS date_first_delivery,
                   so.last_done AS date_last_delivery,
                   invoices.first_date AS date_first_invoice,
                   paid.date AS date_paid,
                   so.cancel_date AS date_cancelled,
                   so.archived_date AS date_archived,
                   EXTRACT(EPOCH FROM so.confirmed - so.create_date) / %(hour)s
                       AS hours_to_confirm,
                   CASE WHEN so.review_state IN ('approved', 'rejected')
                       THEN EXTRACT(EPOCH FROM reviews.decided - reviews.requested)
                            / %(hour)s END AS hours_in_review,
                   EXTRACT(EPOCH FROM deliveries.first_done - so.confirmed)
                       / %(day)s AS days_to_first_delivery,
                   EXTRACT(EPOCH FROM so.last_done - so.confirmed)
                       / %(day)s AS days_to_last_delivery,
                   invoices.first_date - deliveries.first_done::date
                       AS days_delivery_to_invoice,
                   paid.date - invoices.first_date AS days_invoice_to_payment,
                   COALESCE(so.last_done, NOW() AT TIME ZONE 'UTC') > so.deadline
                       AS is_late,
                   CASE WHEN COALESCE(so.last_done, NOW() AT TIME ZONE 'UTC')
                             > so.deadline
                       THEN EXTRACT(EPOCH FROM COALESCE(
                           so.last_done, NOW() AT TIME ZONE 'UTC') - so.deadline)
                            / %(day)s END AS days_late,
                   CASE WHEN COALESCE(so.last_done, NOW() AT TIME ZONE 'UTC')
                             > so.deadline THEN 1 ELSE 0 END AS late_count,
                   COALESCE(lines.qty_ordered, 0) AS qty_ordered,
                   COALESCE(lines.qty_delivered, 0) AS qty_delivered,
                   COALESCE(returns.qty, 0) AS qty_returned,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)
                       AS amount_untaxed
              FROM orders so
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_partner customer ON customer.id = partner.commercial_partner_id
              LEFT JOIN lines ON lines.order_id = so.id
              LEFT JOIN main_line ON main_line.order_id = so.id
              LEFT JOIN reviews ON reviews.order_id = so.id
              LEFT JOIN deliveries ON deliveries.order_id = so.id
              LEFT JOIN returns ON returns.order_id = so.id
              LEFT JOIN invoices ON invoices.order_id = so.id
              LEFT JOIN LATERAL (
                  SELECT MAX(apr.max_date) AS date
                    FROM account_move_line aml
                    JOIN account_partial_reconcile apr
                      ON apr.debit_move_id = aml.id
                   WHERE aml.move_id = ANY(invoices.move_ids)
                     AND aml.display_type = 'payment_term'
              ) paid ON so.payment_status = 'paid'
            """,
            hour=HOUR,
            day=DAY,
        )
