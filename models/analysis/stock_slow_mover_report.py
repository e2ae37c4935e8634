from odoo import fields, models
from odoo.tools import SQL


class StockSlowMoverReport(models.Model):
    _name = "stock.slow.mover.report"
    _description = "Slow-Moving Stock"
    _auto = False
    _order = "days_without_delivery desc, value desc"
    _rec_name = "product_id"

    product_id = fields.Many2one(comodel_name="product.product", readonly=True)
    product_tmpl_id = fields.Many2one(
        comodel_name="product.template", string="Product Template", readonly=True
    )
    categ_id = fields.Many2one(
        comodel_name="product.category", string="Product Category", readonly=True
    )
    warehouse_id = fields.Many2one(comodel_name="stock.warehouse", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    uom_id = fields.Many2one(
        comodel_name="uom.uom", string="Unit of Measure", readonly=True
    )
    free_qty = fields.Float(
        string="Free Quantity",
        readonly=True,
        digits="Product Unit of Measure",
        help="On hand in the warehouse and not reserved.",
    )
    value = fields.Monetary(
        string="Value at Cost",
        readonly=True,
        help="The free quantity at the product's cost.",
    )
    last_delivery_date = fields.Datetime(
        string="Last Customer Delivery",
        readonly=True,
        help="The last delivery of the product to a customer from this warehouse.",
    )
    days_without_delivery = fields.Integer(
        readonly=True,
        aggregator="max",
        help="Days since the last customer delivery; since the first receipt of "
        "the stock when it was never delivered.",
    )
    never_delivered = fields.Boolean(readonly=True)

    _depends = {
        "stock.quant": ["product_id", "location_id", "quantity", "reserved_quantity"],
        "stock.move": [
            "product_id",
            "location_id",
            "location_dest_id",
            "state",
            "date",
        ],
        "stock.location": ["usage", "warehouse_id"],
        "product.product": ["standard_price", "product_tmpl_id"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            WITH stock AS (
                SELECT MIN(sq.id) AS id, sq.product_id, loc.warehouse_id,
                       SUM(sq.quantity - sq.reserved_quantity) AS free_qty,
                       MIN(sq.in_date) AS first_in
                  FROM stock_quant sq
                  JOIN stock_location loc ON loc.id = sq.location_id
                 WHERE loc.usage = 'internal' AND loc.warehouse_id IS NOT NULL
                 GROUP BY sq.product_id, loc.warehouse_id
                HAVING SUM(sq.quantity - sq.reserved_quantity) > 0
            ), deliveries AS (
                SELECT sm.product_id, src.warehouse_id, MAX(sm.date) AS last_date
                  FROM stock_move sm
                  JOIN stock_location src ON src.id = sm.location_id
                  JOIN stock_location dest ON dest.id = sm.location_dest_id
                 WHERE sm.state = 'done' AND dest.usage = 'customer'
                   AND src.warehouse_id IS NOT NULL
                 GROUP BY sm.product_id, src.warehouse_id
            )
            SELECT stock.id,
                   stock.product_id,
                   pp.product_tmpl_id,
                   pt.categ_id,
                   pt.uom_id,
                   stock.warehouse_id,
                   wh.company_id,
                   company.currency_id,
                   stock.free_qty,
                   stock.free_qty * COALESCE(
                       (pp.standard_price ->> wh.company_id::text)::numeric, 0)
                       AS value,
                   deliveries.last_date AS last_delivery_date,
                   deliveries.last_date IS NULL AS never_delivered,
                   (NOW() AT TIME ZONE 'UTC')::date
                       - COALESCE(deliveries.last_date, stock.first_in)::date
                       AS days_without_delivery
              FROM stock
              JOIN product_product pp ON pp.id = stock.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              JOIN stock_warehouse wh ON wh.id = stock.warehouse_id
              JOIN res_company company ON company.id = wh.company_id
              LEFT JOIN deliveries
                ON deliveries.product_id = stock.product_id
               AND deliveries.warehouse_id = stock.warehouse_id
            """
        )
