import json

from odoo import Command
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user


def activate_languages(env, *langs):
    """Activate ``langs`` with this module's translations, as installing a
    language does."""
    for lang in langs:
        env["res.lang"]._activate_lang(lang)
    env["ir.module.module"]._load_module_terms(["sale_order_lifecycle"], list(langs))


class LifecycleMixin:
    """Users of every role, a customer and stocked products; no demo data used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.salesman = new_test_user(
            cls.env,
            login="sol_salesman",
            name="Sam Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman_other = new_test_user(
            cls.env,
            login="sol_salesman_other",
            name="Olga Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.sale_manager = new_test_user(
            cls.env,
            login="sol_sale_manager",
            name="Mia Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="sol_accountant",
            name="Ada Accountant",
            groups="account.group_account_invoice,sales_team.group_sale_salesman_all_leads",
        )
        cls.stock_user = new_test_user(
            cls.env,
            login="sol_stock_user",
            name="Stan Stock",
            groups="stock.group_stock_user",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Lifecycle Customer",
                "email": "customer@example.com",
                "street": "1 Harbour Road",
                "city": "Ningbo",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Lifecycle Storable",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 60.0,
                "invoice_policy": "delivery",
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 100_000
        )
        # Review rules of the demo data would gate the confirmations of every
        # feature's tests: the review tests create their own.
        cls.env["sale.review.rule"].search([]).active = False

    @classmethod
    def create_orders(cls, count=1, user=None, qty=2, **values):
        """Quotations of ``qty`` units of the storable product, in one create."""
        return cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "user_id": (user or cls.salesman).id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": qty}
                        )
                    ],
                    **values,
                }
                for _i in range(count)
            ]
        )

    @classmethod
    def deliver(cls, orders):
        pickings = orders.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        pickings.move_ids.picked = True
        pickings.button_validate()

    @classmethod
    def invoice(cls, orders, post=True):
        invoices = orders._create_invoices(grouped=True)
        if post:
            invoices.action_post()
        return invoices

    @classmethod
    def create_finished_orders(cls, count=1, **values):
        """Confirmed, fully delivered and invoiced (posted) orders."""
        orders = cls.create_orders(count, **values)
        orders.action_confirm()
        cls.deliver(orders)
        cls.invoice(orders)
        return orders

    def return_delivery(self, picking, qty, user=None):
        """Return ``qty`` of a done delivery, to be refunded; validated."""
        wizard = Form(
            self.env["stock.return.picking"]
            .with_user(user or self.env.user)
            .with_context(
                active_ids=picking.ids,
                active_id=picking.id,
                active_model="stock.picking",
            )
        ).save()
        wizard.product_return_moves.write({"quantity": qty, "to_refund": True})
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        returned.move_ids.write({"quantity": qty, "picked": True})
        returned.button_validate()
        return returned

    def pay(self, invoices, amount=None):
        """Register a payment of ``amount`` (all that is due by default)."""
        values = {} if amount is None else {"amount": amount}
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create(values)._create_payments()

    def count_records(self, *models):
        """``{model: number of records}``, archived ones included."""
        self.env.flush_all()
        self.env.invalidate_all()
        return {
            model: self.env[model].with_context(active_test=False).search_count([])
            for model in models
        }

    def count_queries(self, func):
        """Number of queries ``func`` runs, counted like ``assertQueryCount``
        (pending writes and precommit hooks, e.g. tracking, included), on a
        cleared cache."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        self.env.cr.flush()
        return self.env.cr.sql_log_count - start


class LifecycleCommon(LifecycleMixin, TransactionCase):
    pass


class LifecycleHttpCommon(LifecycleMixin, HttpCase):
    def call_kw(self, model, method, *args, context=None, **kwargs):
        """``model.method(*args, **kwargs)`` through JSON-RPC as the logged-in
        user, as the web client calls it: the result, and the error's data
        (``name``, ``message``) if any."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": {**kwargs, "context": context or {}},
            },
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        return body.get("result"), body.get("error", {}).get("data")


class AccountingCommon(LifecycleCommon):
    """Invoiced on ordered quantities, 100 + 15% tax: 2 units are worth 230."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.env["account.tax"].create(
            {"name": "Sale 15%", "amount": 15, "type_tax_use": "sale"}
        )
        cls.product.taxes_id = cls.tax
        cls.product.invoice_policy = "order"

    def order(self, **values):
        order = self.create_orders(**values)
        order.action_confirm()
        return order

    def paid_then_half_refunded(self):
        """A confirmed order of 2 units (230), invoiced, paid in full, then one
        unit (115) credited: 115 invoiced net, 230 paid."""
        order = self.order()
        invoice = self.invoice(order)
        self.pay(invoice)
        self.refund(invoice, quantity=1)
        return order

    def refund(self, invoice, quantity):
        """Post a credit note of ``quantity`` units of ``invoice``."""
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.quantity = quantity
        refund.action_post()
        return refund
