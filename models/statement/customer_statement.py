from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import check_note, html_links, text_to_html, user_lang_env

BUCKET_FIELDS = {
    "not_due": "ageing_not_due",
    "1_30": "ageing_1_30",
    "31_60": "ageing_31_60",
    "61_90": "ageing_61_90",
    "over_90": "ageing_over_90",
}
ACCOUNTING_GROUP = "account.group_account_invoice"
REPORT = "sale_order_lifecycle.action_report_customer_statement_register"
TEMPLATE = "sale_order_lifecycle.mail_template_customer_statement_register"
DISPUTE_ACTIVITY = "sale_order_lifecycle.mail_activity_type_statement_dispute"
REMINDER_ACTIVITY = "sale_order_lifecycle.mail_activity_type_statement_reminder"
# Customers per transaction of the monthly run: the cron commits and reports
# its progress after each batch, and starts again where it stopped.
MONTHLY_BATCH = 200


class CustomerStatement(models.Model):
    """A statement of account as it was sent to the customer, and the
    customer's answer. Accountants read it; only its own methods write it
    (creation, sending, the customer's answer on the portal), so that what was
    sent stays what was sent."""

    _name = "customer.statement"
    _description = "Customer Statement"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True
    # Accountants read the register and talk about it in the chatter.
    _mail_post_access = "read"

    name = fields.Char(
        string="Number",
        required=True,
        readonly=True,
        copy=False,
        default="/",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        help="The commercial entity the statement is for.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Accountant",
        readonly=True,
        help="Gets an activity when the customer disputes the statement, and the "
        "reminders.",
    )
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(
        related="company_id.currency_id",
        store=True,
    )
    opening_balance = fields.Monetary(readonly=True)
    closing_balance = fields.Monetary(readonly=True)
    ageing_not_due = fields.Monetary(string="Not Due", readonly=True)
    ageing_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    ageing_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    ageing_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    ageing_over_90 = fields.Monetary(string="Over 90 Days", readonly=True)
    line_ids = fields.One2many(
        comodel_name="customer.statement.line",
        inverse_name="statement_id",
        string="Lines",
        readonly=True,
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("confirmed", "Confirmed"),
            ("disputed", "Disputed"),
        ],
        required=True,
        readonly=True,
        default="draft",
        index=True,
        tracking=True,
    )
    sent_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
    )
    sent_on = fields.Datetime(readonly=True)
    answer_name = fields.Char(
        string="Answered By",
        readonly=True,
        help="The name the customer gave when confirming or disputing.",
    )
    answer_date = fields.Datetime(string="Answered On", readonly=True)
    answer_signature = fields.Binary(
        string="Signature",
        readonly=True,
        copy=False,
        attachment=True,
    )
    dispute_note = fields.Text(readonly=True)
    reminded_on = fields.Datetime(
        readonly=True,
        help="When the accountant was reminded that the customer had not answered.",
    )
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Statement PDF",
        readonly=True,
        copy=False,
    )

    _sql_constraints = [
        (
            "period_unique",
            "unique(partner_id, company_id, date_from, date_to)",
            (
                "There is already a statement of this customer for this period "
                "and company."
            ),
        ),
        (
            "period_order",
            "check(date_from <= date_to)",
            "A statement must start before it ends.",
        ),
    ]

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for statement in self:
            statement.access_url = f"/my/statements/{statement.id}"
        return res

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Statement %(number)s", number=self.name)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send(self):
        """Send the draft statements to their customers."""
        self._check_accountant()
        not_draft = self.filtered(lambda statement: statement.state != "draft")
        if not_draft:
            raise UserError(
                self.env._(
                    "Only draft statements can be sent; already sent: %(numbers)s.",
                    numbers=", ".join(not_draft.mapped("name")),
                )
            )
        without_email = self.partner_id.filtered(lambda partner: not partner.email)
        if without_email:
            raise UserError(
                self.env._(
                    "Add an e-mail address to %(customers)s first; nothing was sent.",
                    customers=", ".join(without_email.mapped("display_name")),
                )
            )
        self._send()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _check_accountant(self):
        """The register is for Billing and Accountant users of the statements'
        companies; its methods write with sudo() after this check."""
        if not self.env.su and not self.env.user.has_group(ACCOUNTING_GROUP):
            raise AccessError(
                self.env._("Only Invoicing users may create and send statements.")
            )
        self.check_access("read")

    @api.model
    def _figures(self, customers, company, date_from, date_to):
        """``{customer: values}``, the stored values of the customers'
        statements, read from the receivable ledger at once."""
        statements = self.env[
            "report.sale_order_lifecycle.report_customer_statement"
        ]._get_statements(customers, date_from, date_to, company)
        return {
            customer: {
                "opening_balance": figures["opening"],
                "closing_balance": figures["closing"],
                **{
                    field: figures["ageing"][bucket]
                    for bucket, field in BUCKET_FIELDS.items()
                },
                "line_ids": [
                    Command.create(
                        {
                            "sequence": sequence,
                            "date": line["date"],
                            "move_id": line["move_id"],
                            "kind": line["kind"],
                            "reference": line["reference"],
                            "label": line["label"],
                            "orders": line["orders"],
                            "debit": line["debit"],
                            "credit": line["credit"],
                            "balance": line["balance"],
                        }
                    )
                    for sequence, line in enumerate(figures["lines"])
                ],
            }
            for customer, figures in statements.items()
        }

    def _report_figures(self):
        """The stored figures in the shape of the printed statement."""
        self.ensure_one()
        return {
            "opening": self.opening_balance,
            "closing": self.closing_balance,
            "currency": self.currency_id,
            "ageing": {bucket: self[field] for bucket, field in BUCKET_FIELDS.items()},
            "lines": [
                {
                    "date": line.date,
                    "kind": line.kind,
                    "reference": line.reference or "",
                    "label": line.label or "",
                    "orders": line.orders or "",
                    "debit": line.debit,
                    "credit": line.credit,
                    "balance": line.balance,
                }
                for line in self.line_ids
            ],
        }

    @api.model
    def _customers_for_period(self, company, date_from, date_to):
        """Commercial entities with movements on their receivable account in
        the period, or items open at its end (unreconciled, or reconciled
        after it)."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("partner_id", "!=", False),
                ("date", "<=", date_to),
                "|",
                "|",
                "|",
                ("date", ">=", date_from),
                ("reconciled", "=", False),
                ("matched_debit_ids.max_date", ">", date_to),
                ("matched_credit_ids.max_date", ">", date_to),
            ],
            ["partner_id"],
        )
        return self.env["res.partner"].union(
            *(partner.commercial_partner_id for (partner,) in groups)
        )

    @api.model
    def _generate(self, customers, company, date_from, date_to, user=None):
        """Draft statements of ``customers`` for the period, one create for all;
        customers who already have one for this period and company keep it.
        Returns the statements of all ``customers`` for the period."""
        customers = customers.commercial_partner_id
        # The register is written by its own methods only (ACL read-only).
        statements_sudo = self.sudo()
        existing = statements_sudo.search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", company.id),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
            ]
        )
        missing = customers - existing.partner_id
        if not missing:
            return self.browse(existing.ids)
        if user is None:
            user = company.statement_user_id or (
                self.env.user if not self.env.user._is_superuser() else user
            )
        sequence_sudo = self.env["ir.sequence"].sudo()
        figures = self._figures(missing, company, date_from, date_to)
        created = statements_sudo.create(
            [
                {
                    "name": sequence_sudo.next_by_code("customer.statement") or "/",
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "user_id": user.id if user else False,
                    **figures[customer],
                }
                for customer in missing
            ]
        )
        return self.browse((existing | created).ids)

    def _refresh_figures(self):
        """Read the ledger again for draft statements (never for sent ones)."""
        drafts_sudo = self.sudo().filtered(lambda statement: statement.state == "draft")
        drafts_sudo.line_ids.unlink()
        periods = defaultdict(drafts_sudo.browse)
        for statement in drafts_sudo:
            periods[statement.company_id, statement.date_from, statement.date_to] |= (
                statement
            )
        for (company, date_from, date_to), statements in periods.items():
            figures = self._figures(statements.partner_id, company, date_from, date_to)
            for statement in statements:
                statement.write(figures[statement.partner_id])

    def _render_pdf(self):
        """``{statement: attachment}``, the PDF of each statement in its
        customer's language, attached to the statement."""
        report_sudo = self.env["ir.actions.report"].sudo()
        # Accountants may read statements, not attach files to them.
        attachments_sudo = self.env["ir.attachment"].sudo()
        values = []
        for statement in self:
            pdf = report_sudo._render_qweb_pdf(REPORT, statement.ids)[0]
            values.append(
                {
                    "name": f"{statement._get_report_base_filename()}.pdf",
                    "raw": pdf,
                    "res_model": self._name,
                    "res_id": statement.id,
                    "mimetype": "application/pdf",
                }
            )
        attachments_sudo = attachments_sudo.create(values)
        return dict(zip(self, attachments_sudo, strict=True))

    def _send(self):
        """Freeze, print and mail the statements; the chatter keeps the mail.
        Statements of customers without an e-mail address stay drafts and are
        returned with the reason."""
        refused = {
            statement: self.env._("the customer has no e-mail address")
            for statement in self
            if not statement.partner_id.email
        }
        to_send = self.filtered(lambda statement: statement not in refused)
        if not to_send:
            return refused
        to_send._refresh_figures()
        to_send_sudo = to_send.sudo()
        to_send_sudo.write(
            {
                "state": "sent",
                "sent_by_id": self.env.user.id,
                "sent_on": fields.Datetime.now(),
            }
        )
        to_send_sudo.filtered(lambda statement: not statement.user_id).user_id = (
            self.env.user if not self.env.user._is_superuser() else False
        )
        pdfs = to_send_sudo._render_pdf()
        for statement in to_send_sudo:
            statement.attachment_id = pdfs[statement]
        to_send_sudo._mail(pdfs)
        return refused

    def _mail(self, attachments):
        """One mail per statement from the template, in the customer's
        language, with its PDF and the link to confirm it."""
        template = self.env.ref(TEMPLATE)
        # Queued for Odoo's mail queue rather than sent while the batch (a
        # month's run of every customer) waits for each mail server reply.
        for statement in self.with_context(mail_notify_force_send=False):
            statement.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=[Command.set(attachments[statement].ids)],
            )

    def _lock_for_answer(self):
        """Lock the statement's row, so that two answers sent at once cannot
        both be taken, and refuse a statement already answered."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM customer_statement WHERE id = %s FOR UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset(["state"])
        if self.state != "sent":
            raise UserError(
                self.env._(
                    "This statement cannot be answered: it is %(state)s.",
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ].lower(),
                )
            )

    def _portal_confirm(self, name, signature=None):
        """The customer confirms the statement (from the portal)."""
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name:
            raise UserError(self.env._("Give your name to confirm the statement."))
        check_note(self.env, name, self.env._("name"))
        self._lock_for_answer()
        self.write(
            {
                "state": "confirmed",
                "answer_name": name,
                "answer_date": fields.Datetime.now(),
                "answer_signature": signature or False,
            }
        )
        self.message_post(
            body=self.env._("Statement confirmed by %(name)s.", name=name),
            author_id=self.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._close_reminders()

    def _portal_dispute(self, name, note):
        """The customer disputes the statement (from the portal): their
        accountant gets an activity with the note."""
        name = (name or "").strip() if isinstance(name, str) else ""
        if not name:
            raise UserError(self.env._("Give your name to dispute the statement."))
        if not isinstance(note, str) or not note.strip():
            raise UserError(
                self.env._("Say what does not match your records in the note.")
            )
        check_note(self.env, note, self.env._("note"))
        check_note(self.env, name, self.env._("name"))
        self._lock_for_answer()
        self.write(
            {
                "state": "disputed",
                "answer_name": name,
                "answer_date": fields.Datetime.now(),
                "dispute_note": note,
            }
        )
        body = Markup("%s%s") % (
            self.env._("Statement disputed by %(name)s:", name=name),
            text_to_html(note),
        )
        self.message_post(
            body=body,
            author_id=self.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._close_reminders()
        user = self.user_id or self.company_id.statement_user_id or self.sent_by_id
        self.activity_schedule(
            DISPUTE_ACTIVITY,
            summary=user_lang_env(self.env, user)._(
                "%(customer)s disputes statement %(number)s",
                customer=self.partner_id.display_name,
                number=self.name,
            ),
            note=text_to_html(note),
            user_id=user.id if user and not user._is_superuser() else False,
        )

    def _close_reminders(self):
        self.activity_unlink([REMINDER_ACTIVITY])

    # ------------------------------------------------------------------
    # Scheduled jobs
    # ------------------------------------------------------------------

    @api.model
    def _cron_monthly_statements(self):
        """Create and send the previous month's statements of the companies
        that ask for them, from their statement day on. Idempotent: customers
        who have their statement for the month are skipped, so a second run,
        or a run that stopped half-way, only does what is left."""
        today = fields.Date.context_today(self)
        date_to = today.replace(day=1) - timedelta(days=1)
        date_from = date_to.replace(day=1)
        companies = self.env["res.company"].search(
            [
                ("statement_monthly", "=", True),
                ("statement_monthly_day", "<=", today.day),
            ]
        )
        todo = []
        for company in companies:
            customers = self._customers_for_period(company, date_from, date_to)
            done = self.sudo().search(
                [
                    ("partner_id", "in", customers.ids),
                    ("company_id", "=", company.id),
                    ("date_from", "=", date_from),
                    ("date_to", "=", date_to),
                ]
            )
            todo += [(company, customer) for customer in customers - done.partner_id]
        batch, remaining = todo[:MONTHLY_BATCH], todo[MONTHLY_BATCH:]
        by_company = defaultdict(lambda: self.env["res.partner"])
        for company, customer in batch:
            by_company[company] |= customer
        for company, customers in by_company.items():
            statements = self.with_company(company)._generate(
                customers, company, date_from, date_to
            )
            statements.filtered(lambda statement: statement.state == "draft")._send()
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(remaining))
        return len(batch)

    @api.model
    def _cron_remind_statements(self):
        """One activity per accountant listing the statements sent and not
        answered after the company's delay; each statement is mailed once
        more when the company says so. A statement is reminded once."""
        now = fields.Datetime.now()
        statements = self.env["customer.statement"]
        for company in self.env["res.company"].search(
            [("statement_reminder_days", ">", 0)]
        ):
            statements |= self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sent"),
                    ("reminded_on", "=", False),
                    (
                        "sent_on",
                        "<=",
                        now - relativedelta(days=company.statement_reminder_days),
                    ),
                ]
            )
        if not statements:
            return
        by_user = defaultdict(lambda: self.env["customer.statement"])
        for statement in statements:
            user = (
                statement.user_id
                or statement.company_id.statement_user_id
                or statement.sent_by_id
            )
            by_user[user] |= statement
        for user, user_statements in by_user.items():
            # In the language of the user, not of the cron.
            user_env = user_lang_env(self.env, user)
            user_statements[:1].activity_schedule(
                REMINDER_ACTIVITY,
                summary=user_env._(
                    "%(count)s statements not answered", count=len(user_statements)
                ),
                note=Markup("<p>%s</p>")
                % user_env._(
                    "Customers have neither confirmed nor disputed: %(statements)s",
                    statements=html_links(user_env, user_statements),
                ),
                user_id=user.id if user and not user._is_superuser() else False,
            )
        statements.write({"reminded_on": now})
        resend = statements.filtered(
            lambda statement: (
                statement.company_id.statement_resend and statement.attachment_id
            )
        )
        resend._mail({statement: statement.attachment_id for statement in resend})
