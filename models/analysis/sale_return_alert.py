from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_list

# The window over which delivered and returned quantities are compared.
RETURN_WINDOW_DAYS = 90


class SaleReturnAlert(models.Model):
    _name = "sale.return.alert"
    _description = "Abnormal Return Rate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, rate desc, id desc"
    # Alerts are written by the daily check only: readers follow, discuss and
    # close their activities without a write right.
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name")
    kind = fields.Selection(
        selection=[("customer", "Customer"), ("product", "Product")],
        string="Type",
        required=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True, index=True
    )
    product_id = fields.Many2one(
        comodel_name="product.product", readonly=True, index=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True
    )
    delivered_qty = fields.Float(
        string="Delivered", readonly=True, help="Over the last 90 days."
    )
    returned_qty = fields.Float(
        string="Returned", readonly=True, help="Over the last 90 days."
    )
    rate = fields.Float(
        string="Return Rate (%)",
        readonly=True,
        aggregator="max",
        help="Returned over delivered quantities in the last 90 days, when the "
        "alert was raised or last updated.",
    )
    state = fields.Selection(
        selection=[("open", "Open"), ("closed", "Back to Normal")],
        required=True,
        default="open",
        readonly=True,
        index=True,
        tracking=True,
    )
    date_closed = fields.Date(string="Closed On", readonly=True)

    _sql_constraints = [
        (
            "one_target",
            (
                "CHECK((kind = 'customer' AND partner_id IS NOT NULL AND product_id "
                "IS NULL) OR (kind = 'product' AND product_id IS NOT NULL AND "
                "partner_id IS NULL))"
            ),
            "An alert is about a customer or a product.",
        ),
    ]

    @api.depends("kind", "partner_id", "product_id")
    def _compute_name(self):
        for alert in self:
            alert.name = (alert.partner_id or alert.product_id).display_name

    @api.model
    def _cron_check_return_rates(self):
        """Raise an alert for each customer and product whose return rate over
        the last 90 days is above the company's threshold, close the alerts
        that are back under it, and give the company's returns manager one
        activity listing the new ones. Running it again changes nothing."""
        companies = (
            self.env["res.company"]
            .search([("sale_return_rate_threshold", ">", 0)])
            .filtered("sale_return_alert_user_id")
        )
        for company in companies:
            self._check_company_return_rates(company)

    def _check_company_return_rates(self, company):
        rates = self._get_return_rates(company)
        open_alerts = self.search(
            [("company_id", "=", company.id), ("state", "=", "open")]
        )
        by_target = {
            (alert.kind, (alert.partner_id or alert.product_id).id): alert
            for alert in open_alerts
        }
        threshold = company.sale_return_rate_threshold
        new_vals = []
        for target, (delivered, returned) in rates.items():
            rate = 100.0 * returned / delivered
            if rate <= threshold:
                continue
            values = {
                "delivered_qty": delivered,
                "returned_qty": returned,
                "rate": rate,
            }
            alert = by_target.pop(target, None)
            if alert:
                alert.write(values)
                continue
            kind, target_id = target
            new_vals.append(
                {
                    **values,
                    "kind": kind,
                    "company_id": company.id,
                    "partner_id" if kind == "customer" else "product_id": target_id,
                }
            )
        if by_target:
            self.browse([alert.id for alert in by_target.values()]).write(
                {"state": "closed", "date_closed": fields.Date.context_today(self)}
            )
        new = self.create(new_vals)
        if new:
            new[:1].activity_schedule(
                "sale_order_lifecycle.mail_activity_type_return_alert",
                summary=self.env._("%(count)s abnormal return rates", count=len(new)),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "Return rates above %(threshold)s%% over the last 90 days: "
                    "%(targets)s",
                    threshold=threshold,
                    targets=format_list(
                        self.env,
                        [
                            f"{alert.name} ({alert.rate:.0f}%)"
                            for alert in new.sorted("rate", reverse=True)
                        ],
                    ),
                ),
                user_id=company.sale_return_alert_user_id.id,
            )
        return new

    @api.model
    def _get_return_rates(self, company):
        """``{(kind, id): (delivered, returned)}`` for the customers and the
        products with both deliveries and returns in the window: quantities of
        the done moves to and back from customers, in the products' units."""
        since = fields.Datetime.now() - timedelta(days=RETURN_WINDOW_DAYS)
        self.env["stock.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH moves AS (
                    SELECT sm.product_id,
                           customer.commercial_partner_id AS partner_id,
                           CASE WHEN dest.usage = 'customer'
                                THEN sm.product_qty ELSE 0 END AS delivered,
                           CASE WHEN src.usage = 'customer'
                                 AND sm.origin_returned_move_id IS NOT NULL
                                THEN sm.product_qty ELSE 0 END AS returned
                      FROM stock_move sm
                      JOIN stock_location src ON src.id = sm.location_id
                      JOIN stock_location dest ON dest.id = sm.location_dest_id
                      JOIN stock_picking sp ON sp.id = sm.picking_id
                      JOIN res_partner customer ON customer.id = sp.partner_id
                     WHERE sm.state = 'done' AND sm.company_id = %(company)s
                       AND sm.date >= %(since)s
                       AND (dest.usage = 'customer' OR src.usage = 'customer')
                )
                SELECT 'customer', partner_id, SUM(delivered), SUM(returned)
                  FROM moves GROUP BY partner_id
                UNION ALL
                SELECT 'product', product_id, SUM(delivered), SUM(returned)
                  FROM moves GROUP BY product_id
                """,
                company=company.id,
                since=since,
            )
        )
        return {
            (kind, target_id): (delivered, returned)
            for kind, target_id, delivered, returned in self.env.cr.fetchall()
            if delivered and returned
        }
