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
        if not self.partner_ids:
            raise UserError(self.env._("Choose the customers to print statements for."))
        if self.date_from and self.date_from > self.date_to:
            raise UserError(self.env._("The statement must start before it ends."))

    def _report_data(self):
        return {
            # The web client passes no record ids for reports printed with data.
            "partner_ids": self.partner_ids.commercial_partner_id.ids,
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
        ).report_action(
            self.partner_ids.commercial_partner_id, data=self._report_data()
        )

    def action_preview(self):
        self._check()
        return self.env.ref(
            "sale_order_lifecycle.action_report_customer_statement_html"
        ).report_action(
            self.partner_ids.commercial_partner_id, data=self._report_data()
        )

    def action_send(self):
        """One e-mail per customer, its statement attached."""
        self._check()
        customers = self.partner_ids.commercial_partner_id
        without_email = customers.filtered(lambda partner: not partner.email)
        if without_email:
            raise UserError(
                self.env._(
                    "Add an e-mail address to %(customers)s first; nothing was sent.",
                    customers=", ".join(without_email.mapped("display_name")),
                )
            )
        template = self.env.ref("sale_order_lifecycle.mail_template_customer_statement")
        report = self.env.ref("sale_order_lifecycle.action_report_customer_statement")
        data = self._report_data()
        for customer in customers:
            pdf = self.env["ir.actions.report"]._render_qweb_pdf(
                report, customer.ids, data=data
            )[0]
            # Accountants may not edit customers, which attaching to them takes.
            attachment_sudo = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": self.env._(
                            "Statement %(customer)s %(date)s.pdf",
                            customer=customer.display_name,
                            date=data["date_to"],
                        ),
                        "raw": pdf,
                        "res_model": "res.partner",
                        "res_id": customer.id,
                        "mimetype": "application/pdf",
                    }
                )
            )
            template.with_context(
                statement_date_from=self.date_from, statement_date_to=self.date_to
            ).send_mail(
                customer.id, email_values={"attachment_ids": attachment_sudo.ids}
            )
        return notification_action(
            self.env._("%(count)s statements sent.", count=len(customers))
        )
