from odoo import fields, models

KINDS = [
    ("invoice", "Invoice"),
    ("credit_note", "Credit Note"),
    ("payment", "Payment"),
    ("entry", "Entry"),
]


class CustomerStatementLine(models.Model):
    """A movement of the receivable ledger as the statement showed it. Written
    only by the statement's own methods, and never again once it is sent: a
    later payment or reconciliation does not change what the customer got."""

    _name = "customer.statement.line"
    _description = "Customer Statement Line"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one(
        comodel_name="customer.statement",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    sequence = fields.Integer()
    date = fields.Date(required=True)
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Journal Entry",
        ondelete="set null",
    )
    kind = fields.Selection(selection=KINDS, required=True)
    reference = fields.Char()
    label = fields.Char()
    orders = fields.Char(string="Sales Orders")
    debit = fields.Monetary()
    credit = fields.Monetary()
    balance = fields.Monetary(help="Running balance after this line.")
