from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.accounting import payment_columns
from .common import AccountingCommon

FIGURES = ("amount_invoiced_total", "amount_invoice_paid", "amount_due")


@tagged("post_install", "-at_install")
class TestInstallColumns(AccountingCommon):
    """Installing on a history fills the payment columns in SQL with what the
    ORM computes, and leaves the ORM only the orders SQL cannot settle."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = {}
        cls.orders["not invoiced"] = cls._order()
        cls.orders["unpaid"] = cls._order()
        cls.invoice(cls.orders["unpaid"])
        cls.orders["partial"] = cls._order()
        cls._pay(cls.invoice(cls.orders["partial"]), 100)
        cls.orders["overpaid"] = cls._order()
        invoice = cls.invoice(cls.orders["overpaid"])
        cls._pay(invoice)
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.quantity = 1
        refund.action_post()
        # One invoice for two orders, a third paid: shares of 76.67 and 38.33.
        first, second = cls._order(), cls._order(qty=1)
        cls.orders["shared 1"], cls.orders["shared 2"] = first, second
        shared = (first | second)._create_invoices()
        shared.action_post()
        cls._pay(shared, 115)
        cls.orders["delivered, not invoiced"] = cls._order()
        cls.deliver(cls.orders["delivered, not invoiced"])
        cls.orders["other customer"] = cls._order()
        invoice = cls.orders["other customer"]._create_invoices()
        invoice.partner_id = cls.env["res.partner"].create({"name": "Someone Else"})
        invoice.action_post()
        cls.orders["cancelled"] = cls.create_orders()
        cls.orders["cancelled"]._action_cancel()
        euro = cls.env.ref("base.EUR")
        euro.active = True
        cls.env["res.currency.rate"].create(
            {
                "currency_id": euro.id,
                "rate": 0.5,
                "name": fields.Date.today(),
                "company_id": cls.company.id,
            }
        )
        cls.orders["other currency"] = cls._order()
        invoice = cls.orders["other currency"]._create_invoices()
        invoice.currency_id = euro
        invoice.action_post()
        cls._pay(invoice)
        cls.env.flush_all()

    @classmethod
    def _order(cls, qty=2):
        order = cls.create_orders(qty=qty)
        order.action_confirm()
        return order

    @classmethod
    def _pay(cls, invoices, amount=None):
        values = {} if amount is None else {"amount": amount}
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create(values)._create_payments()

    def stored(self):
        """The orders' values in the database, once pending computes are done."""
        self.env.flush_all()
        self.env.invalidate_all()
        return {
            name: order.read([*FIGURES, "payment_status", "has_discrepancy"])[0]
            | {"discrepancy_note": order.discrepancy_note}
            for name, order in self.orders.items()
        }

    def drop_columns(self):
        self.env.invalidate_all()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE sale_order %s",
                SQL(", ").join(
                    SQL("DROP COLUMN %s", SQL.identifier(name))
                    for name in payment_columns.COLUMNS
                ),
            )
        )

    def test_sql_fill_matches_the_orm(self):
        expected = self.stored()
        self.assertTrue(expected["overpaid"]["has_discrepancy"], "paid > invoiced")
        self.assertEqual(expected["partial"]["payment_status"], "partial")
        self.drop_columns()
        to_compute, to_check = payment_columns.fill(self.env.cr)
        ids = {name: order.id for name, order in self.orders.items()}
        self.assertEqual(to_compute, [ids["other currency"]])
        # Every order with a discrepancy is left to the ORM, and only those
        # SQL cannot clear (among the orders of this test: the demo data has
        # an order delivered and not invoiced of its own).
        self.assertEqual(
            set(to_check) & set(ids.values()),
            {
                ids[name]
                for name in (
                    "overpaid",
                    "delivered, not invoiced",
                    "other customer",
                    "other currency",
                )
            },
        )
        stored = self.stored()
        for name, values in expected.items():
            if name == "other currency":
                continue
            with self.subTest(order=name):
                self.assertEqual(
                    {key: stored[name][key] for key in (*FIGURES, "payment_status")},
                    {key: values[key] for key in (*FIGURES, "payment_status")},
                )
                self.assertFalse(stored[name]["has_discrepancy"])

    def test_install_leaves_every_order_as_the_orm_computes_it(self):
        expected = self.stored()
        self.drop_columns()
        # What the module loader runs when the module is installed.
        self.registry.init_models(
            self.env.cr, ["sale.order"], {"module": "sale_order_lifecycle"}
        )
        self.assertEqual(self.stored(), expected)

    def test_upgrade_computes_nothing(self):
        order = self.orders["partial"]
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET payment_status = 'paid' WHERE id = %s",
                order.id,
            )
        )
        self.env.invalidate_all()
        self.registry.init_models(
            self.env.cr, ["sale.order"], {"module": "sale_order_lifecycle"}
        )
        self.env.invalidate_all()
        self.assertEqual(order.payment_status, "paid", "not recomputed")

    def test_new_columns_get_their_default_without_rewriting_orders(self):
        orders = self.env["sale.order"].search([])
        self.env.invalidate_all()
        self.env.cr.execute(
            "ALTER TABLE sale_order DROP COLUMN active, DROP COLUMN review_state"
        )
        self.registry.init_models(
            self.env.cr, ["sale.order"], {"module": "sale_order_lifecycle"}
        )
        self.env.invalidate_all()
        self.assertEqual(set(orders.mapped("active")), {True})
        self.assertEqual(set(orders.mapped("review_state")), {"none"})
        # PostgreSQL keeps the value once for the existing rows (a "missing"
        # value) instead of writing it into each of them.
        self.env.cr.execute(
            "SELECT attname, atthasmissing FROM pg_attribute"
            " WHERE attrelid = 'sale_order'::regclass"
            " AND attname IN ('active', 'review_state') ORDER BY 1"
        )
        self.assertEqual(
            self.env.cr.fetchall(), [("active", True), ("review_state", True)]
        )
        # The value is the existing rows' only: new rows get what the ORM gives.
        self.env.cr.execute(
            "SELECT column_name, column_default, is_nullable"
            " FROM information_schema.columns WHERE table_name = 'sale_order'"
            " AND column_name IN ('active', 'review_state') ORDER BY 1"
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [("active", None, "YES"), ("review_state", None, "NO")],
        )
