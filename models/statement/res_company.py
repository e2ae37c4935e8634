from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..res_company import BOUNDED_NUMBER_FIELDS


class ResCompany(models.Model):
    _inherit = "res.company"
    _bounded_number_fields = BOUNDED_NUMBER_FIELDS | {
        "statement_monthly_day",
        "statement_reminder_days",
    }

    statement_monthly = fields.Boolean(
        string="Send Monthly Statements",
        help="On the chosen day, a job creates and sends the statements of the "
        "previous month to every customer with open items or movements.",
    )
    statement_monthly_day = fields.Integer(
        string="Statement Day",
        default=1,
        help="Day of the month (1 to 28) on which the previous month's statements "
        "are sent.",
    )
    statement_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Statements Accountant",
        help="Follows the statements sent automatically: disputes and reminders "
        "become their activities. Without one, whoever sent the statement.",
    )
    statement_reminder_days = fields.Integer(
        string="Remind After (Days)",
        help="Statements neither confirmed nor disputed this many days after they "
        "were sent are listed in one activity for their accountant. Zero: no "
        "reminder.",
    )
    statement_resend = fields.Boolean(
        string="Re-send Once With the Reminder",
        help="The statement is mailed to the customer a second time, once, when "
        "the accountant is reminded.",
    )

    @api.constrains("statement_monthly_day", "statement_reminder_days")
    def _check_statement_days(self):
        for company in self:
            if not 1 <= company.statement_monthly_day <= 28:
                raise ValidationError(
                    self.env._(
                        "Choose a statement day between 1 and 28 (every month has it)."
                    )
                )
            if company.statement_reminder_days < 0:
                raise ValidationError(
                    self.env._("The statement reminder delay cannot be negative.")
                )
