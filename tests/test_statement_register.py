from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import AccountingCommon, activate_languages

DISPUTE = "sale_order_lifecycle.mail_activity_type_statement_dispute"
REMINDER = "sale_order_lifecycle.mail_activity_type_statement_reminder"


class StatementMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Statement = cls.env["customer.statement"]
        cls.billing = new_test_user(
            cls.env,
            login="sol_stmt_billing",
            name="Bill Billing",
            groups="account.group_account_invoice",
            email="billing@example.com",
        )
        cls.full_accountant = new_test_user(
            cls.env,
            login="sol_stmt_accountant",
            name="Ann Accountant",
            groups="account.group_account_user",
            email="ann@example.com",
        )

    def invoice_on(self, amount, day, move_type="out_invoice", partner=None, **vals):
        move = (
            self.env["account.move"]
            .with_company(vals.pop("company", self.company))
            .create(
                {
                    "move_type": move_type,
                    "partner_id": (partner or self.customer).id,
                    "invoice_date": day,
                    "invoice_date_due": day,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "price_unit": amount, "tax_ids": []}
                        )
                    ],
                    **vals,
                }
            )
        )
        move.action_post()
        return move

    def pay_on(self, invoice, amount, day):
        self.env["account.payment.register"].with_company(
            invoice.company_id
        ).with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": day}
        )._create_payments()

    def ledger(self, date_to, company=None):
        return self.env["account.move.line"]._read_group(
            [
                ("partner_id", "=", self.customer.id),
                ("company_id", "=", (company or self.company).id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", date_to),
            ],
            [],
            ["balance:sum"],
        )[0][0]


@tagged("post_install", "-at_install")
class TestStatementRegister(StatementMixin, AccountingCommon):
    def test_figures_tie_to_the_ledger(self):
        """Partial payment, credit note and an invoice in another currency:
        the stored closing balance is the receivable ledger's."""
        euro = self.env.ref("base.EUR")
        euro.active = True
        self.env["res.currency.rate"].create(
            {
                "name": date(2026, 1, 1),
                "currency_id": euro.id,
                "rate": 2.0,
                "company_id": self.company.id,
            }
        )
        if self.company.currency_id == euro:
            self.skipTest("the company must not work in euros")
        self.invoice_on(100, date(2026, 1, 10))
        second = self.invoice_on(300, date(2026, 2, 3))
        self.pay_on(second, 120, date(2026, 2, 10))
        self.invoice_on(50, date(2026, 2, 12), move_type="out_refund")
        self.invoice_on(400, date(2026, 2, 20), currency_id=euro.id)
        statement = self.Statement._generate(
            self.customer, self.company, date(2026, 2, 1), date(2026, 2, 28)
        )
        self.assertEqual(statement.opening_balance, 100)
        self.assertAlmostEqual(statement.closing_balance, 100 + 300 - 120 - 50 + 200)
        self.assertAlmostEqual(
            statement.closing_balance, self.ledger(date(2026, 2, 28))
        )
        self.assertEqual(
            statement.line_ids.mapped("kind"),
            ["invoice", "payment", "credit_note", "invoice"],
        )
        self.assertAlmostEqual(
            statement.line_ids[-1].balance, statement.closing_balance
        )
        ageing = sum(
            statement[field]
            for field in (
                "ageing_not_due",
                "ageing_1_30",
                "ageing_31_60",
                "ageing_61_90",
                "ageing_over_90",
            )
        )
        self.assertAlmostEqual(ageing, statement.closing_balance)
        self.assertTrue(statement.name.startswith("ST/"))

    def test_second_company_has_its_own_statements(self):
        company_b = self.env["res.company"].create({"name": "Statement Company B"})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company_b, install_demo=False
        )
        self.env.user.company_ids |= company_b
        self.invoice_on(100, date(2026, 2, 3))
        self.invoice_on(70, date(2026, 2, 4), company=company_b)
        period = (date(2026, 2, 1), date(2026, 2, 28))
        statement_a = self.Statement._generate(self.customer, self.company, *period)
        statement_b = self.Statement._generate(self.customer, company_b, *period)
        self.assertEqual(statement_a.closing_balance, 100)
        self.assertEqual(statement_b.closing_balance, 70)
        self.assertAlmostEqual(
            statement_b.closing_balance, self.ledger(period[1], company_b)
        )
        # A Billing user of company A only does not see company B's.
        self.assertEqual(
            self.Statement.with_user(self.billing).search(
                [("id", "in", (statement_a | statement_b).ids)]
            ),
            statement_a,
        )
        with self.assertRaises(AccessError):
            statement_b.with_user(self.billing).read(["name"])

    def test_one_statement_per_customer_period_and_company(self):
        self.invoice_on(100, date(2026, 2, 3))
        period = (date(2026, 2, 1), date(2026, 2, 28))
        first = self.Statement._generate(self.customer, self.company, *period)
        again = self.Statement._generate(self.customer, self.company, *period)
        self.assertEqual(first, again)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.IntegrityError) as caught,
            self.env.cr.savepoint(),
        ):
            self.Statement.sudo().create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "date_from": period[0],
                    "date_to": period[1],
                }
            )
        self.assertIn("customer_statement_period_unique", str(caught.exception))

    def test_sent_statement_is_frozen(self):
        invoice = self.invoice_on(100, date(2026, 2, 3))
        statement = self.Statement._generate(
            self.customer, self.company, date(2026, 2, 1), date(2026, 2, 28)
        )
        statement.with_user(self.billing).action_send()
        self.assertEqual(statement.state, "sent")
        self.assertEqual(statement.sent_by_id, self.billing)
        self.assertTrue(statement.attachment_id)
        mail = self.env["mail.mail"].search(
            [("model", "=", "customer.statement"), ("res_id", "=", statement.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("/my/statements/", mail.body_html)
        self.assertEqual(mail.attachment_ids, statement.attachment_id)
        # A payment dated in the period, entered after sending.
        self.pay_on(invoice, 100, date(2026, 2, 20))
        statement.invalidate_recordset()
        self.assertEqual(statement.closing_balance, 100)
        self.assertEqual(len(statement.line_ids), 1)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "sale_order_lifecycle.action_report_customer_statement_register",
                statement.ids,
            )[0]
            .decode()
        )
        self.assertNotIn("Payment", html)
        with self.assertRaisesRegex(UserError, "Only draft statements"):
            statement.with_user(self.billing).action_send()

    def test_draft_is_read_again_when_sent(self):
        invoice = self.invoice_on(100, date(2026, 2, 3))
        statement = self.Statement._generate(
            self.customer, self.company, date(2026, 2, 1), date(2026, 2, 28)
        )
        self.pay_on(invoice, 40, date(2026, 2, 20))
        statement.with_user(self.full_accountant).action_send()
        self.assertEqual(statement.closing_balance, 60)
        self.assertEqual(statement.line_ids.mapped("kind"), ["invoice", "payment"])

    def test_rights_by_persona(self):
        self.invoice_on(100, date(2026, 2, 3))
        statement = self.Statement._generate(
            self.customer, self.company, date(2026, 2, 1), date(2026, 2, 28)
        )
        self.env.invalidate_all()
        for user in (self.billing, self.full_accountant):
            with self.subTest(user=user.login):
                as_user = statement.with_user(user)
                self.assertEqual(as_user.closing_balance, 100)
                self.assertTrue(as_user.line_ids.read(["debit"]))
                for call in (
                    lambda as_user=as_user: as_user.write({"closing_balance": 1}),
                    lambda as_user=as_user: as_user.line_ids.write({"debit": 1}),
                    lambda as_user=as_user: as_user.unlink(),
                    lambda user=user: self.Statement.with_user(user).create(
                        {
                            "partner_id": self.customer.id,
                            "date_from": "2026-03-01",
                            "date_to": "2026-03-31",
                        }
                    ),
                ):
                    with self.assertRaises(AccessError):
                        call()
        for user in (self.salesman, self.sale_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    statement.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    statement.with_user(user).action_send()
                with self.assertRaises(AccessError):
                    self.env["customer.statement.wizard"].with_user(user).create({})
        self.assertEqual(statement.state, "draft")

    def test_wizard_creates_for_every_customer(self):
        other = self.env["res.partner"].create(
            {"name": "Other Statement Customer", "email": "other@example.com"}
        )
        quiet = self.env["res.partner"].create({"name": "Quiet Customer"})
        self.invoice_on(100, date(2026, 2, 3))
        # Open before the period: still on the statement run.
        self.invoice_on(30, date(2025, 12, 3), partner=other)
        self.invoice_on(30, date(2025, 12, 3), partner=quiet).button_draft()
        wizard = (
            self.env["customer.statement.wizard"]
            .with_user(self.billing)
            .create(
                {
                    "all_customers": True,
                    "date_from": date(2026, 2, 1),
                    "date_to": date(2026, 2, 28),
                }
            )
        )
        action = wizard.action_generate()
        statements = self.Statement.search(action["domain"])
        self.assertEqual(statements.partner_id, self.customer | other)
        self.assertEqual(set(statements.mapped("state")), {"draft"})
        notice = wizard.action_send()
        self.assertEqual(set(statements.mapped("state")), {"sent"})
        self.assertIn("2 statements sent", notice["params"]["message"])
        notice = wizard.action_send()
        self.assertIn("already sent", notice["params"]["message"])
        self.assertEqual(
            self.Statement.search_count([("date_from", "=", date(2026, 2, 1))]), 2
        )

    def test_report_in_the_customers_language(self):
        activate_languages(self.env, "zh_CN", "zh_TW")
        expected = {
            "zh_CN": ("发票", "付款", "已确认"),
            "zh_TW": ("發票", "付款", "已確認"),
        }
        for lang, labels in expected.items():
            with self.subTest(lang=lang):
                customer = self.env["res.partner"].create(
                    {"name": f"Customer {lang}", "lang": lang, "email": "c@x.com"}
                )
                invoice = self.invoice_on(100, date(2026, 2, 3), partner=customer)
                self.pay_on(invoice, 40, date(2026, 2, 5))
                statement = self.Statement._generate(
                    customer, self.company, date(2026, 2, 1), date(2026, 2, 28)
                )
                statement._send()
                statement.sudo()._portal_confirm("Wang Wei")
                html = (
                    self.env["ir.actions.report"]
                    .with_user(self.billing)
                    .with_context(lang="en_US")
                    ._render_qweb_html(
                        "sale_order_lifecycle.action_report_customer_statement_register",
                        statement.ids,
                    )[0]
                    .decode()
                )
                for label in labels:
                    self.assertIn(label, html)
                self.assertNotIn(">Invoice ", html)
                self.assertIn("Wang Wei", html)


@tagged("post_install", "-at_install")
class TestStatementJobs(StatementMixin, AccountingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "statement_monthly": True,
                "statement_monthly_day": 5,
                "statement_user_id": cls.billing.id,
                "statement_reminder_days": 7,
                "statement_resend": True,
            }
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Second Monthly Customer", "email": "second@example.com"}
        )

    def statement_mails(self, statements):
        """Mails to the customers (not the accountant's notifications)."""
        return self.env["mail.mail"].search_count(
            [
                ("model", "=", "customer.statement"),
                ("res_id", "in", statements.ids),
                ("recipient_ids", "in", statements.partner_id.ids),
            ]
        )

    def test_monthly_run_twice(self):
        self.invoice_on(100, date(2026, 2, 3))
        self.invoice_on(60, date(2026, 2, 9), partner=self.other)
        period = [
            ("date_from", "=", date(2026, 2, 1)),
            ("date_to", "=", date(2026, 2, 28)),
        ]
        with freeze_time("2026-03-04 08:00:00"):
            self.Statement._cron_monthly_statements()
        self.assertFalse(self.Statement.search(period), "before the statement day")
        with freeze_time("2026-03-05 08:00:00"):
            self.Statement._cron_monthly_statements()
        statements = self.Statement.search(period)
        self.assertEqual(statements.partner_id, self.customer | self.other)
        self.assertEqual(set(statements.mapped("state")), {"sent"})
        self.assertEqual(statements.user_id, self.billing)
        self.assertEqual(self.statement_mails(statements), 2)
        with freeze_time("2026-03-06 08:00:00"):
            self.Statement._cron_monthly_statements()
        self.assertEqual(self.Statement.search(period), statements)
        self.assertEqual(self.statement_mails(statements), 2)

    def test_reminder_and_dispute_in_the_accountants_language(self):
        """The cron's reminder and the customer's dispute reach a Chinese
        accountant in Chinese."""
        activate_languages(self.env, "zh_CN")
        self.billing.lang = "zh_CN"
        self.invoice_on(100, date(2026, 2, 3))
        statements = self.Statement.with_context(lang="en_US")
        with freeze_time("2026-03-05 08:00:00"):
            statements._cron_monthly_statements()
        with freeze_time("2026-03-13 08:00:00"):
            statements._cron_remind_statements()
        reminder = self.env["mail.activity"].search(
            [("activity_type_id", "=", self.env.ref(REMINDER).id)]
        )
        self.assertEqual(reminder.summary, "1 份对账单未答复")
        statement = self.Statement.search([("partner_id", "=", self.customer.id)])
        statement.sudo().with_context(lang="en_US")._portal_dispute(
            "Lee", "Invoice 3 was paid in cash"
        )
        dispute = self.env["mail.activity"].search(
            [("activity_type_id", "=", self.env.ref(DISPUTE).id)]
        )
        self.assertIn("提出异议", dispute.summary)

    def test_reminders_twice(self):
        self.invoice_on(100, date(2026, 2, 3))
        self.invoice_on(60, date(2026, 2, 9), partner=self.other)
        with freeze_time("2026-03-05 08:00:00"):
            self.Statement._cron_monthly_statements()
        statements = self.Statement.search([("date_to", "=", date(2026, 2, 28))])
        statements.filtered(
            lambda s: s.partner_id == self.other
        ).sudo()._portal_confirm("Olivia")
        with freeze_time("2026-03-10 08:00:00"):
            self.Statement._cron_remind_statements()
        reminders = self.env["mail.activity"].search(
            [("activity_type_id", "=", self.env.ref(REMINDER).id)]
        )
        self.assertFalse(reminders, "not yet seven days")
        with freeze_time("2026-03-13 08:00:00"):
            self.Statement._cron_remind_statements()
            self.Statement._cron_remind_statements()
        reminders = self.env["mail.activity"].search(
            [("activity_type_id", "=", self.env.ref(REMINDER).id)]
        )
        self.assertEqual(len(reminders), 1, "one digest for the accountant")
        self.assertEqual(reminders.user_id, self.billing)
        unanswered = statements.filtered(lambda s: s.state == "sent")
        self.assertEqual(len(unanswered), 1)
        self.assertIn(unanswered.name, str(reminders.note))
        self.assertTrue(unanswered.reminded_on)
        self.assertEqual(self.statement_mails(unanswered), 2, "re-sent once")
        with freeze_time("2026-03-30 08:00:00"):
            self.Statement._cron_remind_statements()
        self.assertEqual(self.statement_mails(unanswered), 2)
        unanswered.sudo()._portal_dispute("Lee", "Invoice 3 was paid in cash")
        self.assertFalse(
            self.env["mail.activity"].search(
                [("activity_type_id", "=", self.env.ref(REMINDER).id)]
            ),
            "the answer closes the reminder",
        )
        dispute = unanswered.activity_ids
        self.assertEqual(dispute.activity_type_id, self.env.ref(DISPUTE))
        self.assertEqual(dispute.user_id, self.billing)
        self.assertIn("paid in cash", str(dispute.note))

    def test_statement_day_is_bounded(self):
        with self.assertRaisesRegex(ValidationError, "between 1 and 28"):
            self.company.statement_monthly_day = 31
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.write(
                {"statement_monthly_day": 5, "statement_reminder_days": -1}
            )
