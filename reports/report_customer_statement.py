import ast
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round, format_date, get_lang

from odoo.addons.base.models.res_lang import intersperse

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")


class StatementFormatter:
    """The text of a statement's amounts and dates in the customer's language,
    as ``format_amount()`` and ``format_date()`` give it, with the language and
    currency read once: in the template, the monetary and date widgets cost
    each of thousands of cells a language lookup and two nested elements that
    wkhtmltopdf then lays out one by one. Dates repeat: each is formatted
    once."""

    def __init__(self, env, currency, lang_code):
        self.env = env
        self.lang_code = lang_code
        lang = get_lang(env, lang_code)
        self.grouping = ast.literal_eval(lang.grouping)
        self.thousands_sep = lang.thousands_sep or ""
        self.decimal_point = lang.decimal_point
        self.digits = f"%.{currency.decimal_places}f"
        self.rounding = currency.rounding
        symbol = currency.symbol or ""
        if currency.position == "before":
            self.prefix, self.suffix = f"{symbol}\N{NO-BREAK SPACE}", ""
        else:
            self.prefix, self.suffix = "", f"\N{NO-BREAK SPACE}{symbol}"
        self.dates = {}

    def amount(self, value):
        units, point, decimals = (
            self.digits % float_round(value, precision_rounding=self.rounding)
        ).partition(".")
        units = intersperse(units, self.grouping, self.thousands_sep)[0]
        number = (
            (units + (self.decimal_point if point else "") + decimals)
            .replace(" ", "\N{NO-BREAK SPACE}")
            .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        )
        return f"{self.prefix}{number}{self.suffix}"

    def date(self, value):
        if value not in self.dates:
            self.dates[value] = format_date(self.env, value, self.lang_code)
        return self.dates[value]


class ReportCustomerStatement(models.AbstractModel):
    _name = "report.sale_order_lifecycle.report_customer_statement"
    _description = "Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        if not data.get("date_to"):
            raise UserError(
                self.env._(
                    "Print statements from Invoicing > Customers > Customer Statements."
                )
            )
        company_id = data.get("company_id")
        if company_id and (
            not isinstance(company_id, int) or isinstance(company_id, bool)
        ):
            raise UserError(self.env._("Give the company by its id (a number)."))
        company = self.env["res.company"].browse(company_id) or self.env.company
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot print statements of %(company)s.",
                    company=company.sudo().name,
                )
            )
        try:
            date_from = fields.Date.to_date(data.get("date_from"))
            date_to = fields.Date.to_date(data["date_to"])
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._(
                    "The statement's dates must be dates such as 2026-01-31 "
                    "(%(error)s).",
                    error=error,
                )
            ) from error
        partners = self.env["res.partner"].browse(docids or data.get("partner_ids"))
        figures = self._get_statements(partners, date_from, date_to, company)
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": company,
            "date_from": date_from,
            "date_to": date_to,
            "statements": {
                partner.id: figures[partner.commercial_partner_id]
                for partner in partners
            },
            "formatters": {
                partner.id: StatementFormatter(
                    self.env, company.currency_id, partner.lang
                )
                for partner in partners
            },
        }

    @api.model
    def _get_statement(self, partner, date_from, date_to, company):
        """Receivable ledger of the customer over the period, in company currency:
        opening balance, movements with running balance, closing balance, and
        what is open at the end date by age (reconciliations after it undone)."""
        return self._get_statements(partner, date_from, date_to, company)[
            partner.commercial_partner_id
        ]

    @api.model
    def _get_statements(self, partners, date_from, date_to, company):
        """``{commercial partner: statement}`` for all ``partners`` at once (see
        ``_get_statement``): a constant number of queries, whatever the number
        of customers and lines."""
        commercials = partners.commercial_partner_id
        MoveLine = self.env["account.move.line"]
        base_domain = [
            ("partner_id", "in", commercials.ids),
            ("company_id", "=", company.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
        openings = {}
        if date_from:
            openings = dict(
                MoveLine._read_group(
                    [*base_domain, ("date", "<", date_from)],
                    ["partner_id"],
                    ["balance:sum"],
                )
            )
        period_domain = [*base_domain, ("date", "<=", date_to)]
        if date_from:
            period_domain.append(("date", ">=", date_from))
        lines = MoveLine.search_fetch(
            period_domain,
            ["partner_id", "date", "move_id", "name", "balance", "debit", "credit"],
            order="date, move_id, id",
        )
        lines.move_id.fetch(
            ["name", "ref", "move_type", "origin_payment_id", "statement_line_id"]
        )
        orders = self._get_order_names(lines.move_id)
        rows = defaultdict(list)
        balances = {partner: openings.get(partner, 0.0) for partner in commercials}
        for line in lines:
            move, partner = line.move_id, line.partner_id
            balances[partner] += line.balance
            rows[partner].append(
                {
                    "date": line.date,
                    "move_id": move.id,
                    "reference": move.name,
                    "label": move.ref or line.name or "",
                    "kind": self._kind(move),
                    "orders": orders.get(move, ""),
                    "debit": line.debit,
                    "credit": line.credit,
                    "balance": balances[partner],
                }
            )
        ageing = self._get_ageing_by_partner(
            MoveLine.search_fetch(
                [*base_domain, ("date", "<=", date_to)],
                [
                    "partner_id",
                    "balance",
                    "date",
                    "date_maturity",
                    "company_currency_id",
                ],
            ),
            date_to,
        )
        return {
            partner: {
                "opening": openings.get(partner, 0.0),
                "lines": rows[partner],
                "closing": balances[partner],
                "ageing": ageing.get(partner) or dict.fromkeys(BUCKETS, 0.0),
                "currency": company.currency_id,
            }
            for partner in commercials
        }

    @api.model
    def _get_order_names(self, moves):
        """``{move: "S00012, S00015"}``: the sales orders invoiced by each move."""
        invoice_lines = self.env["account.move.line"].search_fetch(
            [("move_id", "in", moves.ids), ("sale_line_ids", "!=", False)],
            ["move_id", "sale_line_ids"],
        )
        invoice_lines.sale_line_ids.fetch(["order_id"])
        invoice_lines.sale_line_ids.order_id.fetch(["name"])
        names = defaultdict(set)
        for line in invoice_lines:
            names[line.move_id].update(line.sale_line_ids.order_id.mapped("name"))
        return {move: ", ".join(sorted(names[move])) for move in names}

    @api.model
    def _kind(self, move):
        """What the line is, as a code: the template prints its label in the
        customer's language (a label translated here would be in the language
        of whoever prints)."""
        if move.move_type == "out_invoice":
            return "invoice"
        if move.move_type == "out_refund":
            return "credit_note"
        if move.origin_payment_id or move.statement_line_id:
            return "payment"
        return "entry"

    @api.model
    def _get_ageing_by_partner(self, lines, date_to):
        """``{partner: {bucket: amount}}``: the open amount of each line at
        ``date_to`` by days past its due date, summed by the lines' partner."""
        partials = self.env["account.partial.reconcile"].search_fetch(
            [
                ("max_date", "<=", date_to),
                "|",
                ("debit_move_id", "in", lines.ids),
                ("credit_move_id", "in", lines.ids),
            ],
            ["debit_move_id", "credit_move_id", "amount"],
        )
        # What was matched by the end date: credits lower a debit line's open
        # amount, debits raise a credit line's.
        matched = defaultdict(float)
        for partial in partials:
            matched[partial.debit_move_id] += partial.amount
            matched[partial.credit_move_id] -= partial.amount
        ageing = defaultdict(lambda: dict.fromkeys(BUCKETS, 0.0))
        for line in lines:
            amount = line.balance - matched[line]
            if line.company_currency_id.is_zero(amount):
                continue
            overdue = (date_to - (line.date_maturity or line.date)).days
            if overdue <= 0:
                bucket = "not_due"
            elif overdue <= 30:
                bucket = "1_30"
            elif overdue <= 60:
                bucket = "31_60"
            elif overdue <= 90:
                bucket = "61_90"
            else:
                bucket = "over_90"
            ageing[line.partner_id][bucket] += amount
        return ageing
