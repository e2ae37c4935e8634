from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from ..reports.report_customer_statement import StatementFormatter
from .common import AccountingCommon

REPORT = "report.sale_order_lifecycle.report_customer_statement"


@tagged("post_install", "-at_install")
class TestCustomerStatement(AccountingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()

    def days_ago(self, days):
        return self.today - timedelta(days=days)

    def move(self, amount, days_ago, move_type="out_invoice", partner=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.customer).id,
                "invoice_date": self.days_ago(days_ago),
                "invoice_date_due": self.days_ago(days_ago),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goods", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def pay_on(self, invoice, amount, days_ago):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": amount, "payment_date": self.days_ago(days_ago)}
        )._create_payments()

    def statement(self, date_from, date_to, partner=None):
        return self.env[REPORT]._get_statement(
            partner or self.customer, date_from, date_to, self.company
        )

    def ledger_balance(self, date_to):
        return self.env["account.move.line"]._read_group(
            [
                ("partner_id", "=", self.customer.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", date_to),
            ],
            [],
            ["balance:sum"],
        )[0][0]

    def prepare(self):
        self.move(100, days_ago=100)
        second = self.move(200, days_ago=45)
        self.pay_on(second, 50, days_ago=10)
        order = self.order()
        invoice = order._create_invoices()
        invoice.invoice_date = invoice.invoice_date_due = self.days_ago(5)
        invoice.action_post()
        self.move(30, days_ago=2, move_type="out_refund")
        return order

    def test_statement_ties_to_the_ledger(self):
        order = self.prepare()
        statement = self.statement(self.days_ago(60), self.today)
        self.assertEqual(statement["opening"], 100)
        self.assertAlmostEqual(statement["closing"], 100 + 200 - 50 + 230 - 30)
        self.assertAlmostEqual(statement["closing"], self.ledger_balance(self.today))
        self.assertAlmostEqual(statement["lines"][-1]["balance"], statement["closing"])
        kinds = [line["kind"] for line in statement["lines"]]
        self.assertEqual(kinds, ["invoice", "payment", "invoice", "credit_note"])
        self.assertIn(order.name, statement["lines"][2]["orders"])
        self.assertEqual(
            statement["ageing"],
            {
                "not_due": 0,
                "1_30": 230 - 30,
                "31_60": 150,
                "61_90": 0,
                "over_90": 100,
            },
        )
        self.assertAlmostEqual(sum(statement["ageing"].values()), statement["closing"])

    def test_ageing_as_of_the_end_date(self):
        old = self.move(100, days_ago=40)
        self.pay_on(old, 100, days_ago=0)
        yesterday = self.days_ago(1)
        statement = self.statement(False, yesterday)
        self.assertEqual(
            statement["closing"], 100, f"paid after the end date {statement}"
        )
        self.assertEqual(statement["ageing"]["31_60"], 100)
        self.assertEqual(self.statement(False, self.today)["closing"], 0)

    def test_queries_do_not_grow_with_lines(self):
        def customer_with_orders(count):
            customer = self.env["res.partner"].create(
                {"name": f"{count} orders", "street": "1 Main St", "city": "Suzhou"}
            )
            orders = self.create_orders(count, partner_id=customer.id)
            orders.action_confirm()
            invoices = self.invoice(orders, post=False)
            invoices.invoice_date = self.today
            invoices.action_post()
            for invoice in invoices[::2]:
                self.pay_on(invoice, invoice.amount_total, days_ago=0)
            return customer

        one, six = customer_with_orders(1), customer_with_orders(6)
        data = {
            "date_to": fields.Date.to_string(self.today),
            "company_id": self.company.id,
        }

        def render(customer):
            self.env["ir.actions.report"]._render_qweb_html(
                "sale_order_lifecycle.action_report_customer_statement",
                customer.ids,
                data=data,
            )

        render(one)  # compiles the templates
        queries = self.count_queries(lambda: render(one))
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            render(six)
        lines = self.statement(False, self.today, six)["lines"]
        invoices = [line for line in lines if line["kind"] == "invoice"]
        self.assertEqual(len(invoices), 6)
        self.assertEqual(len({line["orders"] for line in invoices}), 6)
        self.assertIn("payment", [line["kind"] for line in lines])

    def test_formatter_writes_what_odoo_writes(self):
        self.env["res.lang"].create(
            {
                "name": "Dotted",
                "code": "xx_XX",
                "url_code": "xx",
                "grouping": "[3,0]",
                "thousands_sep": ".",
                "decimal_point": ",",
                "date_format": "%d.%m.%Y",
                "active": True,
            }
        )
        euro = self.env.ref("base.EUR")
        euro.position = "after"
        for lang, currency in (("en_US", self.company.currency_id), ("xx_XX", euro)):
            formatter = StatementFormatter(self.env, currency, lang)
            for amount in (0.0, 0.005, 7.5, 1234567.891, -1234.5):
                self.assertEqual(
                    formatter.amount(amount),
                    format_amount(self.env, amount, currency, lang),
                )
            self.assertEqual(
                formatter.date(self.today), format_date(self.env, self.today, lang)
            )

    def test_wizard_prints_previews_and_sends(self):
        self.prepare()
        other = self.env["res.partner"].create(
            {"name": "Other Customer", "email": "o@example.com"}
        )
        self.move(80, days_ago=3, partner=other)
        wizard = (
            self.env["customer.statement.wizard"]
            .with_user(self.accountant)
            .with_context(
                active_model="res.partner", active_ids=(self.customer | other).ids
            )
            .create({})
        )
        self.assertEqual(wizard.partner_ids, self.customer | other)
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "sale_order_lifecycle.report_customer_statement"
        )
        self.assertEqual(action["data"]["date_to"], fields.Date.to_string(self.today))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "sale_order_lifecycle.action_report_customer_statement",
                self.customer.ids,
                data=action["data"],
            )[0]
            .decode()
        )
        self.assertIn("Statement of Account", html)
        self.assertIn("Closing balance", html)
        wizard.action_send()
        # Sending files each statement in the register, then mails it.
        statements = self.env["customer.statement"].search(
            [("partner_id", "in", (self.customer | other).ids)]
        )
        self.assertEqual(statements.partner_id, self.customer | other)
        self.assertEqual(set(statements.mapped("state")), {"sent"})
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "customer.statement"),
                ("res_id", "in", statements.ids),
            ]
        )
        self.assertEqual(len(mails), 2, "one mail per customer")
        self.assertTrue(all(len(mail.attachment_ids) == 1 for mail in mails))

    def test_bad_input_and_access(self):
        wizard = self.env["customer.statement.wizard"].create({})
        with self.assertRaisesRegex(UserError, "Choose the customers"):
            wizard.action_print()
        wizard.write(
            {
                "partner_ids": [Command.set(self.customer.ids)],
                "date_from": self.today,
                "date_to": self.days_ago(1),
            }
        )
        with self.assertRaisesRegex(UserError, "start before it ends"):
            wizard.action_print()
        nameless = self.env["res.partner"].create({"name": "No Mail"})
        wizard.write({"partner_ids": [Command.set(nameless.ids)], "date_from": False})
        with self.assertRaisesRegex(UserError, "Add an e-mail address to No Mail"):
            wizard.action_send()
        with self.assertRaises(AccessError):
            self.env["customer.statement.wizard"].with_user(self.salesman).create({})
