from odoo import api, models

from .report_customer_statement import StatementFormatter


class ReportCustomerStatementRegister(models.AbstractModel):
    _name = "report.sale_order_lifecycle.report_customer_statement_register"
    _description = "Customer Statement of the Register"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The figures of each statement as they were stored: a statement
        printed again after it was sent shows what the customer received."""
        statements = self.env["customer.statement"].browse(docids)
        statements.line_ids.fetch(
            ["date", "kind", "reference", "label", "orders", "debit", "credit"]
        )
        return {
            "doc_ids": statements.ids,
            "doc_model": "customer.statement",
            "docs": statements,
            "statements": {
                statement.id: statement._report_figures() for statement in statements
            },
            "formatters": {
                statement.id: StatementFormatter(
                    self.env, statement.currency_id, statement.partner_id.lang
                )
                for statement in statements
            },
        }
