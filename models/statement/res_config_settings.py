from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

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
