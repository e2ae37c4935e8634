from odoo import api, fields, models
from odoo.exceptions import ValidationError

BOUNDED_NUMBER_FIELDS = frozenset(
    {
        "sale_auto_archive_days",
        "sale_cancel_approval_amount",
        "sale_discrepancy_tolerance",
        "sale_return_rate_threshold",
    }
)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "sale.lifecycle.number.bounds.mixin"]
    _bounded_number_fields = BOUNDED_NUMBER_FIELDS

    sale_auto_archive = fields.Boolean(
        string="Archive Finished Orders Automatically",
        help="A daily job archives finished orders some days after their last "
        "invoice, delivery or cancellation.",
    )
    sale_auto_archive_days = fields.Integer(
        string="Archive After (Days)",
        default=365,
    )
    sale_archive_require_paid = fields.Boolean(
        string="Archive Only Paid Orders",
        help="Confirmed orders count as finished only once their invoices are paid.",
    )

    sale_cancel_final = fields.Boolean(
        string="Cancelled Orders Are Final",
        default=True,
        help="A cancelled order cannot be set back to quotation; duplicate it instead.",
    )
    sale_cancel_approval_amount = fields.Monetary(
        string="Cancellation Approval From",
        currency_field="currency_id",
        help="Cancelling an order of this total (in company currency) or more needs "
        "approval. Zero: no threshold.",
    )

    sale_cancel_reversal = fields.Selection(
        selection=[
            ("none", "Nobody"),
            ("manager", "Sales Administrators"),
            ("user", "Every salesperson"),
        ],
        string="Reverse When Cancelling",
        default="manager",
        required=True,
        help="Who may cancel a delivered or invoiced order by returning its goods "
        "and crediting its invoices from the cancellation wizard. Nobody: such "
        "orders are refused until returned and credited by hand.",
    )
    sale_cancel_return_validate = fields.Boolean(
        string="Validate Cancellation Returns",
        help="The returns created when cancelling a delivered order are validated "
        "at once; otherwise they are left ready for the warehouse, with an activity "
        "for the delivery's responsible.",
    )
    sale_cancel_reversal_approval = fields.Boolean(
        string="Reversals Need Approval",
        help="Cancelling a delivered or invoiced order with returns and credit "
        "notes needs approval, whatever the reason.",
    )

    sale_review_auto_confirm = fields.Boolean(
        string="Confirm Orders on Final Approval",
        help="When the last review level approves, the order is confirmed at once; "
        "otherwise the salesperson gets an activity to confirm it.",
    )

    sale_discrepancy_tolerance = fields.Monetary(
        string="Discrepancy Tolerance",
        currency_field="currency_id",
        help="Differences between orders, invoices and payments up to this amount "
        "(company currency) are not reported.",
    )
    sale_discrepancy_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Discrepancy Accountant",
        help="Gets one activity a day listing the new order discrepancies.",
    )

    sale_return_rate_threshold = fields.Float(
        string="Abnormal Return Rate (%)",
        help="A daily check raises an alert for each customer and product whose "
        "returns over the last 90 days exceed this share of their deliveries. "
        "Zero: no check.",
    )
    sale_return_alert_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Returns Manager",
        help="Gets one activity a day listing the new abnormal return rates.",
    )

    @api.constrains("sale_return_rate_threshold")
    def _check_sale_return_rate_threshold(self):
        for company in self:
            if not 0 <= company.sale_return_rate_threshold <= 100:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the abnormal return rate is a percentage "
                        "between 0 and 100 (0: no check).",
                        company=company.name,
                    )
                )

    @api.constrains("sale_cancel_approval_amount", "sale_discrepancy_tolerance")
    def _check_sale_amounts(self):
        for company in self:
            if (
                min(
                    company.sale_cancel_approval_amount,
                    company.sale_discrepancy_tolerance,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(company)s: amounts cannot be negative; set 0 for no "
                        "threshold or no tolerance.",
                        company=company.name,
                    )
                )

    @api.constrains("sale_auto_archive", "sale_auto_archive_days")
    def _check_sale_auto_archive_days(self):
        for company in self:
            if company.sale_auto_archive and company.sale_auto_archive_days < 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s: finished orders can be archived automatically "
                        "one day after their last activity at the earliest; set at "
                        "least 1 day.",
                        company=company.name,
                    )
                )
