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
