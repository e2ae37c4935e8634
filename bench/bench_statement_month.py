"""Monthly statement run for many customers.

Generates once N customers (2,000 by default, ``bench/run statement_month N``)
with two invoices each in the previous month, one of them half paid, then
times what the monthly job does for them without sending: find the customers
of the month, and create their statements (figures, lines, ageing) by batches
of the job's size. Target: under 60 s for 2,000 customers. Rolled back.
"""

import sys
from datetime import timedelta

from common import environment, measure, report

from odoo import Command, fields

REF = "BENCH-STATEMENT-MONTH"


def customers_with_invoices(env, count, date_from):
    Partner = env["res.partner"]
    customers = Partner.search([("ref", "=like", f"{REF}-%")])
    missing = count - len(customers)
    for start in range(0, max(missing, 0), 250):
        batch = Partner.create(
            [
                {"name": f"Bench monthly customer {i}", "ref": f"{REF}-{i}"}
                for i in range(len(customers) + start, len(customers) + start + 250)
                if i < count
            ]
        )
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": date_from + timedelta(days=day),
                    "invoice_date_due": date_from + timedelta(days=day + 30),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "price_unit": 100 + day, "tax_ids": []}
                        )
                    ],
                }
                for customer in batch
                for day in (2, 15)
            ]
        )
        invoices.action_post()
        paid = invoices[::2]
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create(
            {
                "group_payment": False,
                "payment_date": date_from + timedelta(days=20),
                "amount": 50,
            }
        )._create_payments()
        env.cr.commit()
        report(f"generated {start + len(batch)}/{missing} customers")
    return Partner.search([("ref", "=like", f"{REF}-%")])


def main():
    conf, db = sys.argv[1:3]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    with environment(conf, db) as env:
        # The addons' path is known once the configuration is read.
        from odoo.addons.sale_order_lifecycle.models.statement import (
            customer_statement,
        )

        batch_size = customer_statement.MONTHLY_BATCH
        today = fields.Date.today()
        date_to = today.replace(day=1) - timedelta(days=1)
        date_from = date_to.replace(day=1)
        customers_with_invoices(env, count, date_from)
        Statement = env["customer.statement"]
        company = env.company
        with measure(env, "monthly run: customers of the month", count):
            customers = Statement._customers_for_period(company, date_from, date_to)
        report(f"customers of the month: {len(customers)}")
        with measure(env, "monthly run: statements created, not sent", count):
            ids = list(customers.ids)
            for start in range(0, len(ids), batch_size):
                Statement._generate(
                    customers.browse(ids[start : start + batch_size]),
                    company,
                    date_from,
                    date_to,
                )
        created = Statement.search(
            [("date_from", "=", date_from), ("date_to", "=", date_to)]
        )
        report(
            f"statements: {len(created)}, lines: {len(created.line_ids)}, "
            f"closing total {sum(created.mapped('closing_balance')):.2f}"
        )
        with measure(env, "monthly run again: nothing to do", count):
            for start in range(0, len(ids), batch_size):
                Statement._generate(
                    customers.browse(ids[start : start + batch_size]),
                    company,
                    date_from,
                    date_to,
                )
        env.cr.rollback()


if __name__ == "__main__":
    main()
