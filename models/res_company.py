from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

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
        "a Sales Administrator's approval. Zero: no threshold.",
    )

    @api.constrains("sale_cancel_approval_amount")
    def _check_sale_cancel_approval_amount(self):
        for company in self:
            if company.sale_cancel_approval_amount < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the cancellation approval threshold cannot be "
                        "negative; set 0 for no threshold.",
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
