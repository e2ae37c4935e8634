from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sale_auto_archive = fields.Boolean(
        related="company_id.sale_auto_archive",
        readonly=False,
    )
    sale_auto_archive_days = fields.Integer(
        related="company_id.sale_auto_archive_days",
        readonly=False,
    )
    sale_archive_require_paid = fields.Boolean(
        related="company_id.sale_archive_require_paid",
        readonly=False,
    )
    sale_cancel_final = fields.Boolean(
        related="company_id.sale_cancel_final",
        readonly=False,
    )
    sale_cancel_approval_amount = fields.Monetary(
        related="company_id.sale_cancel_approval_amount",
        readonly=False,
        currency_field="currency_id",
    )
    sale_cancel_reversal = fields.Selection(
        related="company_id.sale_cancel_reversal",
        readonly=False,
    )
    sale_cancel_return_validate = fields.Boolean(
        related="company_id.sale_cancel_return_validate",
        readonly=False,
    )
    sale_cancel_reversal_approval = fields.Boolean(
        related="company_id.sale_cancel_reversal_approval",
        readonly=False,
    )
    sale_review_auto_confirm = fields.Boolean(
        related="company_id.sale_review_auto_confirm",
        readonly=False,
    )
    sale_discrepancy_tolerance = fields.Monetary(
        related="company_id.sale_discrepancy_tolerance",
        readonly=False,
        currency_field="currency_id",
    )
    sale_discrepancy_user_id = fields.Many2one(
        related="company_id.sale_discrepancy_user_id",
        readonly=False,
    )
    sale_return_rate_threshold = fields.Float(
        related="company_id.sale_return_rate_threshold",
        readonly=False,
    )
    sale_return_alert_user_id = fields.Many2one(
        related="company_id.sale_return_alert_user_id",
        readonly=False,
    )

    statement_monthly = fields.Boolean(
        related="company_id.statement_monthly",
        readonly=False,
    )
    statement_monthly_day = fields.Integer(
        related="company_id.statement_monthly_day",
        readonly=False,
    )
    statement_user_id = fields.Many2one(
        related="company_id.statement_user_id",
        readonly=False,
    )
    statement_reminder_days = fields.Integer(
        related="company_id.statement_reminder_days",
        readonly=False,
    )
    statement_resend = fields.Boolean(
        related="company_id.statement_resend",
        readonly=False,
    )
