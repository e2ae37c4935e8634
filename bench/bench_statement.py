"""Customer statement of a customer with many invoices.

Generates once a customer with N posted invoices (1,000 by default, ``bench/run
statement N``), a third of them paid, spread over the last year: 3,750 invoices
give a statement of 5,010 lines. Prints the time and queries of computing the
statement and of rendering its PDF (target: under 5 s for 5,000 lines), twice:
as the earlier benchmarks did, without an HTTP server (wkhtmltopdf cannot load
the stylesheets and fonts and renders bare HTML), and as users get it, with
Odoo's HTTP server serving them from this process.
"""

import io
import sys
from datetime import timedelta

from common import environment, measure, report, serve_http

from odoo import Command, fields
from odoo.tools.pdf import PdfFileReader

REF = "BENCH-STATEMENT"


def customer_with_invoices(env, count):
    customer = env["res.partner"].search([("ref", "=", REF)], limit=1)
    if not customer:
        customer = env["res.partner"].create(
            {"name": "Bench statement customer", "ref": REF}
        )
    Move = env["account.move"]
    missing = count - Move.search_count(
        [("partner_id", "=", customer.id), ("move_type", "=", "out_invoice")]
    )
    today = fields.Date.today()
    for start in range(0, max(missing, 0), 250):
        invoices = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": today - timedelta(days=i % 365),
                    "invoice_date_due": today
                    - timedelta(days=i % 365)
                    + timedelta(days=30),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "price_unit": 10 + i % 90, "tax_ids": []}
                        )
                    ],
                }
                for i in range(start, min(start + 250, missing))
            ]
        )
        invoices.action_post()
        paid = invoices[::3]
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"group_payment": False})._create_payments()
        env.cr.commit()
        report(f"generated {start + len(invoices)}/{missing} invoices")
    return customer


def main():
    conf, db = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    with environment(conf, db) as env:
        customer = customer_with_invoices(env, count)
        today = fields.Date.today()
        data = {
            "partner_ids": customer.ids,
            "date_from": fields.Date.to_string(today - timedelta(days=400)),
            "date_to": fields.Date.to_string(today),
            "company_id": env.company.id,
        }
        Report = env["report.sale_order_lifecycle.report_customer_statement"]
        with measure(env, "statement: figures (opening, lines, ageing)", count):
            statement = Report._get_statement(
                customer, today - timedelta(days=400), today, env.company
            )
        report(
            f"statement lines: {len(statement['lines'])}, "
            f"closing {statement['closing']:.2f}"
        )

        def render_pdf(label):
            with measure(env, f"statement: PDF, {label}", count):
                pdf = env["ir.actions.report"]._render_qweb_pdf(
                    "sale_order_lifecycle.action_report_customer_statement",
                    customer.ids,
                    data=data,
                )[0]
            pages = PdfFileReader(io.BytesIO(pdf), strict=False).pages
            # The closing balance is printed on the last page, as text.
            closing = f"{statement['closing']:,.2f}"
            report(
                f"PDF: {len(pdf):,} bytes, {len(pages)} pages, closing balance "
                f"{'found' if closing in pages[-1].extract_text() else 'MISSING'}"
                " in the last page's text"
            )

        render_pdf("bare HTML (no HTTP server)")
        serve_http(env)
        render_pdf("stylesheets and fonts served")
        env.cr.rollback()


if __name__ == "__main__":
    main()
