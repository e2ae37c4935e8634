import subprocess
import tempfile
import unicodedata

from odoo import fields
from odoo.tests import tagged

from .common import LifecycleHttpCommon, activate_languages


@tagged("post_install", "-at_install")
class TestChinesePdf(LifecycleHttpCommon):
    """The statement and the review sheet print Chinese text as text, in a CJK
    font: without one, wkhtmltopdf drops the characters silently. Printed with
    the HTTP server up, so that wkhtmltopdf gets the stylesheets and web fonts
    as users' PDFs do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.invoice_policy = "order"
        activate_languages(cls.env, "zh_CN", "zh_TW")

    def pdf_text_and_fonts(self, report, res_ids, lang, data=None):
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(lang=lang, force_report_rendering=True)
            ._render_qweb_pdf(report, res_ids, data=data)
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", file.name, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            fonts = subprocess.run(
                ["pdffonts", file.name], check=True, capture_output=True, text=True
            ).stdout
        # The CJK fonts map some glyphs to the Kangxi radicals (U+2F00...):
        # NFKC gives back the ideographs the template printed.
        return unicodedata.normalize("NFKC", text), fonts

    def test_statement_in_both_chinese_languages(self):
        for lang, name, title in (
            ("zh_CN", "华东贸易有限公司", "对账单"),
            ("zh_TW", "臺灣貿易股份有限公司", "對帳單"),
        ):
            with self.subTest(lang=lang):
                customer = self.env["res.partner"].create(
                    {"name": name, "lang": lang, "street": "1 Road", "city": "Town"}
                )
                order = self.create_orders(partner_id=customer.id)
                order.action_confirm()
                self.invoice(order)
                today = fields.Date.to_string(fields.Date.today())
                text, fonts = self.pdf_text_and_fonts(
                    "sale_order_lifecycle.action_report_customer_statement",
                    customer.ids,
                    lang,
                    data={"date_from": today, "date_to": today},
                )
                self.assertIn(name, text)
                self.assertIn(title, text)
                self.assertIn("CJK", fonts)

    def test_review_sheet_in_chinese(self):
        customer = self.env["res.partner"].create(
            {"name": "南京电子有限公司", "street": "中山路 1 号", "city": "南京"}
        )
        order = self.create_orders(partner_id=customer.id)
        text, fonts = self.pdf_text_and_fonts(
            "sale_order_lifecycle.action_report_sale_order_review", order.ids, "zh_CN"
        )
        self.assertIn("南京电子有限公司", text)
        self.assertIn("审批单", text)
        self.assertIn("CJK", fonts)
