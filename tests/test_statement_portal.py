import re
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import LifecycleHttpCommon

DISPUTE = "sale_order_lifecycle.mail_activity_type_statement_dispute"
# A 1x1 transparent PNG, as the signature widget sends it (base64, no header).
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8"
    "AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestStatementPortal(LifecycleHttpCommon):
    """The customer answers on the portal, as the public user holding the
    statement's token from the e-mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.statement_user_id = cls.accountant
        cls.other = cls.env["res.partner"].create(
            {"name": "Other Portal Customer", "email": "other@example.com"}
        )
        Statement = cls.env["customer.statement"]
        for partner in (cls.customer, cls.other):
            invoice = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 2, 3),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "price_unit": 100, "tax_ids": []}
                        )
                    ],
                }
            )
            invoice.action_post()
        period = (date(2026, 2, 1), date(2026, 2, 28))
        cls.statement = Statement._generate(cls.customer, cls.company, *period)
        cls.other_statement = Statement._generate(cls.other, cls.company, *period)
        (cls.statement | cls.other_statement)._send()

    def page(self, statement, token):
        return self.url_open(
            f"/my/statements/{statement.id}?access_token={token}",
            allow_redirects=False,
        )

    def confirm(self, statement, token, name="Li Na", signature=SIGNATURE):
        return self.make_jsonrpc_request(
            f"/my/statements/{statement.id}/confirm",
            {"access_token": token, "name": name, "signature": signature},
        )

    def dispute(self, statement, token, note):
        # The form of the page carries the session's CSRF token.
        html = self.page(self.statement, self.statement.access_token).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
        return self.url_open(
            f"/my/statements/{statement.id}/dispute",
            data={
                "csrf_token": csrf.group(1) if csrf else "",
                "access_token": token,
                "name": "Zhang Wei",
                "dispute_note": note,
            },
            allow_redirects=False,
        )

    def test_mail_links_to_the_page(self):
        mail = self.env["mail.mail"].search(
            [("model", "=", "customer.statement"), ("res_id", "=", self.statement.id)]
        )
        self.assertIn(f"access_token={self.statement.access_token}", mail.body_html)
        response = self.page(self.statement, self.statement.access_token)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.statement.name, response.text)
        self.assertIn("modal_statement_confirm", response.text)
        pdf = self.url_open(
            f"/my/statements/{self.statement.id}?access_token="
            f"{self.statement.access_token}&report_type=html"
        )
        self.assertIn("Closing balance", pdf.text)

    def test_wrong_or_foreign_token_is_refused(self):
        for token in ("wrong", self.other_statement.access_token, ""):
            with self.subTest(token=token):
                response = self.page(self.statement, token)
                self.assertIn(response.status_code, (302, 303))
                self.assertNotIn(self.statement.name, response.text)
                self.assertIn("error", self.confirm(self.statement, token))
                self.dispute(self.statement, token, "Not ours")
        self.statement.invalidate_recordset()
        self.assertEqual(self.statement.state, "sent")
        self.assertFalse(self.statement.answer_name)

    def test_confirm_once(self):
        result = self.confirm(self.statement, self.statement.access_token)
        self.assertTrue(result.get("force_refresh"), result)
        self.statement.invalidate_recordset()
        self.assertEqual(self.statement.state, "confirmed")
        self.assertEqual(self.statement.answer_name, "Li Na")
        self.assertTrue(self.statement.answer_date)
        self.assertTrue(self.statement.answer_signature)
        self.assertIn(
            "Statement confirmed by Li Na",
            str(self.statement.message_ids.mapped("body")),
        )
        again = self.confirm(self.statement, self.statement.access_token, name="Bob")
        self.assertIn("cannot be answered", again["error"])
        self.dispute(self.statement, self.statement.access_token, "Changed my mind")
        self.statement.invalidate_recordset()
        self.assertEqual(self.statement.state, "confirmed")
        self.assertEqual(self.statement.answer_name, "Li Na")
        # The answered page shows who confirmed, and no more buttons.
        page = self.page(self.statement, self.statement.access_token).text
        self.assertIn("Li Na", page)
        self.assertNotIn("modal_statement_confirm", page)

    def test_confirm_needs_a_name_and_takes_no_signature(self):
        result = self.confirm(self.statement, self.statement.access_token, name=" ")
        self.assertIn("Give your name", result["error"])
        result = self.confirm(
            self.statement, self.statement.access_token, signature=None
        )
        self.assertTrue(result.get("force_refresh"), result)
        self.statement.invalidate_recordset()
        self.assertEqual(self.statement.state, "confirmed")
        self.assertFalse(self.statement.answer_signature)

    def test_dispute_gives_the_accountant_an_activity(self):
        response = self.dispute(
            self.statement, self.statement.access_token, "<b>INV/1</b> was paid"
        )
        self.assertIn("message=disputed", response.headers.get("Location", ""))
        self.statement.invalidate_recordset()
        self.assertEqual(self.statement.state, "disputed")
        self.assertEqual(self.statement.dispute_note, "<b>INV/1</b> was paid")
        activity = self.statement.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref(DISPUTE))
        self.assertEqual(activity.user_id, self.accountant)
        # What the customer typed is shown as text, never as HTML.
        self.assertIn("&lt;b&gt;INV/1&lt;/b&gt;", str(activity.note))
        bodies = str(self.statement.message_ids.mapped("body"))
        self.assertIn("Statement disputed by Zhang Wei", bodies)
        self.assertIn("&lt;b&gt;INV/1&lt;/b&gt;", bodies)
        self.assertIn(
            "error", self.confirm(self.statement, self.statement.access_token)
        )
        self.statement.invalidate_recordset()
        self.assertEqual(self.statement.state, "disputed")
