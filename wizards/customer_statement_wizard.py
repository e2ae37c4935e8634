from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..models.tools import notification_action


class CustomerStatementWizard(models.TransientModel):
    _name = "customer.statement.wizard"
    _description = "Customer Statements"

    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        default=lambda self: self._default_partner_ids(),
    )
    all_customers = fields.Boolean(
        string="Every Customer",
        help="Every customer with movements in the period or items open at its "
        "end, instead of the customers chosen.",
    )
    date_from = fields.Date(
        string="From",
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1) - relativedelta(months=2)
        ),
        help="Movements before this date make the opening balance.",
    )
    date_to = fields.Date(
        string="To",
        default=fields.Date.context_today,
        required=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )

    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env.context.get("active_ids", [])
        return []

    def _check(self):
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot print statements of %(company)s.",
                    company=self.company_id.sudo().name,
                )
            )
        if not self.partner_ids and not self.all_customers:
            raise UserError(self.env._("Choose the customers to print statements for."))
        if self.date_from and self.date_from > self.date_to:
            raise UserError(self.env._("The statement must start before it ends."))

    def _customers(self):
        if self.all_customers:
            return self.env["customer.statement"]._customers_for_period(
                self.company_id,
                self.date_from or fields.Date.to_date("1900-01-01"),
                self.date_to,
            )
        return self.partner_ids.commercial_partner_id

    def _report_data(self):
        return {
            # The web client passes no record ids for reports printed with data.
            "partner_ids": self._customers().ids,
            "date_from": fields.Date.to_string(self.date_from)
            if self.date_from
            else False,
            "date_to": fields.Date.to_string(self.date_to),
            "company_id": self.company_id.id,
        }

    def action_print(self):
        self._check()
        return self.env.ref(
            "sale_order_lifecycle.action_report_customer_statement"
        ).report_action(self._customers(), data=self._report_data())

    def action_preview(self):
        self._check()
        return self.env.ref(
            "sale_order_lifecycle.action_report_customer_statement_html"
        ).report_action(self._customers(), data=self._report_data())

    def action_generate(self):
        """Draft statements in the register, to check before sending."""
        statements = self._generate()
        return statements._get_records_action(name=self.env._("Statements"), context={})

    def action_send(self):
        """One statement per customer in the register, mailed with its PDF
        and the link to confirm it; customers who already have a statement of
        this period keep it (sent again only if it is still a draft)."""
        self._check()
        customers = self._customers()
        if not self.all_customers:
            without_email = customers.filtered(lambda partner: not partner.email)
            if without_email:
                raise UserError(
                    self.env._(
                        "Add an e-mail address to %(customers)s first; nothing was "
                        "sent.",
                        customers=", ".join(without_email.mapped("display_name")),
                    )
                )
        statements = self._generate(customers)
        drafts = statements.filtered(lambda statement: statement.state == "draft")
        refused = drafts._send()
        skipped = [
            self.env._("%(number)s (%(customer)s): already sent", **names)
            for names in (
                {"number": s.name, "customer": s.partner_id.display_name}
                for s in statements - drafts
            )
        ] + [
            self.env._("%(number)s (%(customer)s): %(reason)s", **names)
            for names in (
                {
                    "number": s.name,
                    "customer": s.partner_id.display_name,
                    "reason": reason,
                }
                for s, reason in refused.items()
            )
        ]
        message = self.env._(
            "%(count)s statements sent.", count=len(drafts) - len(refused)
        )
        if skipped:
            message = self.env._(
                "%(message)s Not sent: %(skipped)s",
                message=message,
                skipped="; ".join(skipped),
            )
        return notification_action(
            message, kind="warning" if skipped else "success", sticky=bool(skipped)
        )

    def _generate(self, customers=None):
        self._check()
        if not self.date_from:
            raise UserError(
                self.env._(
                    "Choose the start of the period: statements of the register "
                    "cover a period."
                )
            )
        Statement = self.env["customer.statement"]
        Statement._check_accountant()
        if customers is None:
            customers = self._customers()
        if not customers:
            raise UserError(
                self.env._("No customer has movements or open items in this period.")
            )
        return Statement.with_company(self.company_id)._generate(
            customers, self.company_id, self.date_from, self.date_to
        )
