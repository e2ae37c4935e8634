"""Every public method of the addon, called by every kind of user.

``MATRIX`` lists, for each public method (no leading underscore, so callable
by RPC) that the addon defines or overrides, the groups that may call it on a
record of another salesperson; every other group must get an AccessError. A
public method added without its row makes ``test_every_public_method_is_listed``
fail.
"""

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.models import regex_private
from odoo.tests import new_test_user, tagged

from .common import LifecycleCommon

ADDON_MODULE = "odoo.addons.sale_order_lifecycle."

GROUPS = {
    "portal": "base.group_portal",
    "internal": "base.group_user",
    "salesman": "sales_team.group_sale_salesman",
    "salesman_all": "sales_team.group_sale_salesman_all_leads",
    "sale_admin": "sales_team.group_sale_manager",
    "stock_user": "stock.group_stock_user",
    "stock_admin": "stock.group_stock_manager",
    "invoicing": "account.group_account_invoice",
    "accountant": "account.group_account_user",
}
SALES = {"salesman_all", "sale_admin"}
ADMIN = {"sale_admin"}
STOCK = {"stock_user", "stock_admin"}
ACCOUNTING = {"invoicing", "accountant"}
# Odoo's own access rights let stock and invoicing users read and write orders
# (delivery and invoicing status); the addon adds no right to theirs.
ORDER_WRITERS = SALES | STOCK | ACCOUNTING
# Methods that only return an action descriptor: the records it opens stay
# behind their own access rights.
HARMLESS = set(GROUPS)

# (model, method): groups allowed, on an order of another salesperson.
MATRIX = {
    ("sale.order", "create"): {"salesman", *SALES},
    ("sale.order", "write"): ORDER_WRITERS,
    ("sale.order", "copy"): SALES,
    ("sale.order", "copy_data"): SALES | ACCOUNTING,
    ("sale.order", "message_post"): ORDER_WRITERS,
    ("sale.order", "action_cancel"): SALES,
    ("sale.order", "action_confirm"): SALES,
    ("sale.order", "action_draft"): ORDER_WRITERS,
    ("sale.order", "action_quotation_send"): SALES,
    ("sale.order", "action_quotation_sent"): SALES,
    ("sale.order", "action_request_review"): SALES,
    # The matrix's rule names the Sales Administrators as reviewers.
    ("sale.order", "action_review_approve"): ADMIN,
    ("sale.order", "action_review_reject"): ADMIN,
    ("sale.order", "action_cancel_request_approve"): ADMIN,
    ("sale.order", "action_cancel_request_reject"): ADMIN,
    # Salespersons reassign their own orders only.
    ("sale.order", "action_open_reassign_wizard"): ADMIN,
    # Switching short lines to Replenish on Order is a write of the lines.
    ("sale.order", "action_availability_replenish_on_order"): ORDER_WRITERS,
    ("sale.order.line", "action_availability_replenish_on_order"): ORDER_WRITERS,
    # Open the documents of a reversed cancellation, behind their own rights.
    ("sale.order", "action_view_cancel_returns"): ORDER_WRITERS,
    ("sale.order", "action_view_cancel_credit_notes"): ORDER_WRITERS,
    ("sale.order.line", "create"): SALES,
    ("sale.order.line", "write"): ORDER_WRITERS,
    ("sale.order.line", "unlink"): SALES,
    ("res.users", "action_reassign_open_sale_orders"): ADMIN,
    # Settings: only administrators of the company (none of these groups).
    ("res.company", "create"): set(),
    ("res.company", "write"): set(),
    ("sale.review.rule", "create"): ADMIN,
    ("sale.review.rule", "write"): ADMIN,
    ("sale.order.notification.rule", "create"): ADMIN,
    ("sale.order.notification.rule", "write"): ADMIN,
    ("sale.order.notification.rule", "unlink"): ADMIN,
    ("stock.low.stock.rule", "create"): {"stock_admin"},
    ("stock.low.stock.rule", "write"): {"stock_admin"},
    ("res.partner", "action_view_sale_order"): HARMLESS,
    ("account.move", "action_view_source_sale_orders"): ACCOUNTING | SALES,
    ("product.template", "action_view_low_stock_alerts"): HARMLESS,
    ("stock.picking", "button_validate"): STOCK | SALES | ACCOUNTING,
    # Odoo's own rights: any salesperson may cancel a delivery; the addon only
    # changes the chatter of deliveries cancelled with their orders.
    ("stock.picking", "action_cancel"): {"salesman"} | STOCK | SALES | ACCOUNTING,
    ("stock.low.stock.rule", "action_evaluate"): {"stock_admin"},
    ("stock.low.stock.rule", "action_view_alerts"): STOCK,
    ("stock.low.stock.alert", "action_acknowledge"): STOCK,
    ("stock.low.stock.alert", "action_create_orderpoints"): {"stock_admin"},
    ("sale.mass.cancel.orders", "action_mass_cancel"): SALES,
    ("sale.order.cancel", "action_cancel"): SALES,
    ("sale.order.cancel", "action_send_mail_and_cancel"): SALES,
    ("sale.order.cancel.reject.wizard", "action_reject"): ADMIN,
    ("sale.order.reassign.wizard", "action_reassign"): ADMIN,
    ("sale.order.review.reject.wizard", "action_reject"): ADMIN,
    ("customer.statement.wizard", "action_print"): ACCOUNTING,
    ("customer.statement.wizard", "action_preview"): ACCOUNTING,
    ("customer.statement.wizard", "action_send"): ACCOUNTING,
    ("stock.shipping.list.wizard", "action_print"): STOCK,
    ("customer.statement.wizard", "action_generate"): ACCOUNTING,
    ("customer.statement", "action_send"): ACCOUNTING,
}


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestAccessMatrix(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_cancel_final = False
        cls.users = {
            name: new_test_user(
                cls.env,
                login=f"sol_matrix_{name}",
                name=f"Matrix {name}",
                groups=group,
                email=f"{name}@example.com",
            )
            for name, group in GROUPS.items()
        }
        cls.env["sale.review.rule"].create(
            {
                "name": "Matrix rule",
                "min_amount": 1000.0,
                "reviewer_group_ids": [
                    Command.set(cls.env.ref("sales_team.group_sale_manager").ids)
                ],
            }
        )
        cls.reason = cls.env.ref("sale_order_lifecycle.cancel_reason_customer_request")
        cls.low_rule = cls.env["stock.low.stock.rule"].create(
            {
                "name": "Matrix low stock",
                "scope": "product",
                "product_ids": [Command.set(cls.product.ids)],
                "trigger": "min_qty",
                "min_qty": 1_000_000,
            }
        )

    # ------------------------------------------------------------------
    # Fixtures, created as the superuser for each call
    # ------------------------------------------------------------------

    def quotation(self, qty=2):
        return self.create_orders(qty=qty)

    def pending_review(self):
        order = self.quotation(qty=20)
        order.with_user(self.salesman).action_request_review()
        return order

    def pending_cancellation(self):
        self.company.sale_cancel_approval_amount = 1.0
        order = self.quotation()
        order.with_user(self.salesman).with_context(
            sale_cancel_reason_id=self.reason.id
        ).action_cancel()
        self.assertEqual(order.cancel_request_state, "pending")
        return order

    def confirmed(self):
        order = self.quotation()
        order.action_confirm()
        return order

    def alert(self):
        self.low_rule._evaluate()
        return self.low_rule.alert_ids

    def as_user(self, records, user):
        """``records`` for ``user`` as an RPC call would see them: nothing read
        by the fixtures' superuser is left in the cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        return records.with_user(user)

    def wizard(self, user, model, values, **context):
        return (
            self.as_user(self.env[model], user).with_context(**context).create(values)
        )

    # ------------------------------------------------------------------
    # One call per row of the matrix
    # ------------------------------------------------------------------

    def call(self, key, user):  # noqa: C901 - one branch per row, on purpose
        model, method = key
        if key == ("sale.order", "create"):
            self.as_user(self.env["sale.order"], user).create(
                {"partner_id": self.customer.id}
            )
        elif key == ("sale.order", "write"):
            self.as_user(self.quotation(), user).write({"note": "Changed"})
        elif key == ("sale.order", "copy"):
            self.as_user(self.quotation(), user).copy()
        elif key == ("sale.order", "copy_data"):
            self.as_user(self.quotation(), user).copy_data()
        elif key == ("sale.order", "message_post"):
            self.as_user(self.quotation(), user).message_post(body="Hello")
        elif key == ("sale.order", "action_cancel"):
            self.as_user(self.quotation(), user).with_context(
                sale_cancel_reason_id=self.reason.id
            ).action_cancel()
        elif key == ("sale.order", "action_confirm"):
            self.as_user(self.quotation(), user).action_confirm()
        elif key == ("sale.order", "action_draft"):
            order = self.quotation()
            order.with_context(sale_cancel_reason_id=self.reason.id).action_cancel()
            self.as_user(order, user).action_draft()
        elif key == ("sale.order", "action_quotation_send"):
            self.as_user(self.quotation(), user).action_quotation_send()
        elif key == ("sale.order", "action_quotation_sent"):
            self.as_user(self.quotation(), user).action_quotation_sent()
        elif key == ("sale.order", "action_request_review"):
            self.as_user(self.quotation(qty=20), user).action_request_review()
        elif key == ("sale.order", "action_review_approve"):
            self.as_user(self.pending_review(), user).action_review_approve()
        elif key == ("sale.order", "action_review_reject"):
            self.as_user(self.pending_review(), user).action_review_reject()
        elif key == ("sale.order", "action_cancel_request_approve"):
            self.as_user(
                self.pending_cancellation(), user
            ).action_cancel_request_approve()
        elif key == ("sale.order", "action_cancel_request_reject"):
            self.as_user(
                self.pending_cancellation(), user
            ).action_cancel_request_reject()
        elif key == ("sale.order", "action_open_reassign_wizard"):
            self.as_user(self.quotation(), user).action_open_reassign_wizard()
        elif method == "action_availability_replenish_on_order":
            self.env.ref("stock.route_warehouse0_mto").active = True
            order = self.quotation(qty=1_000_000)
            records = order if model == "sale.order" else order.order_line
            self.as_user(records, user).action_availability_replenish_on_order()
        elif key in (
            ("sale.order", "action_view_cancel_returns"),
            ("sale.order", "action_view_cancel_credit_notes"),
        ):
            getattr(self.as_user(self.quotation(), user), method)()
        elif key == ("sale.order.line", "create"):
            order = self.quotation()
            self.as_user(self.env["sale.order.line"], user).create(
                {"order_id": order.id, "product_id": self.product.id}
            )
        elif key == ("sale.order.line", "write"):
            self.as_user(self.quotation().order_line, user).write(
                {"product_uom_qty": 3}
            )
        elif key == ("sale.order.line", "unlink"):
            self.as_user(self.quotation().order_line, user).unlink()
        elif key == ("res.users", "action_reassign_open_sale_orders"):
            self.as_user(self.salesman, user).action_reassign_open_sale_orders()
        elif key == ("res.company", "create"):
            self.as_user(self.env[model], user).create(
                {"name": "New", "sale_auto_archive_days": 30}
            )
        elif key == ("res.company", "write"):
            self.as_user(self.company, user).write({"sale_cancel_approval_amount": 5})
        elif key == ("sale.review.rule", "create"):
            self.as_user(self.env[model], user).create(
                {"name": "New", "reviewer_user_ids": [Command.set(user.ids)]}
            )
        elif key == ("stock.low.stock.rule", "create"):
            self.as_user(self.env[model], user).create({"name": "New"})
        elif key == ("sale.order.notification.rule", "create"):
            self.as_user(self.env[model], user).create(
                {"name": "New", "event": "confirmed", "notify_salesperson": True}
            )
        elif key == ("sale.order.notification.rule", "unlink"):
            rule = self.env[model].create(
                {"name": "Old", "event": "confirmed", "notify_salesperson": True}
            )
            self.as_user(rule, user).unlink()
        elif key in (
            ("sale.review.rule", "write"),
            ("stock.low.stock.rule", "write"),
            ("sale.order.notification.rule", "write"),
        ):
            record = self.env[model].search([], limit=1)
            self.as_user(record, user).write({"name": "Renamed"})
        elif key == ("res.partner", "action_view_sale_order"):
            self.as_user(self.customer, user).action_view_sale_order()
        elif key == ("account.move", "action_view_source_sale_orders"):
            order = self.confirmed()
            order.order_line.qty_delivered = 2
            self.as_user(self.invoice(order), user).action_view_source_sale_orders()
        elif key == ("product.template", "action_view_low_stock_alerts"):
            self.as_user(
                self.product.product_tmpl_id, user
            ).action_view_low_stock_alerts()
        elif key == ("stock.picking", "button_validate"):
            picking = self.confirmed().picking_ids
            picking.move_ids.picked = True
            self.as_user(picking, user).button_validate()
        elif key == ("stock.picking", "action_cancel"):
            self.as_user(self.confirmed().picking_ids, user).action_cancel()
        elif key == ("stock.low.stock.rule", "action_evaluate"):
            self.as_user(self.low_rule, user).action_evaluate()
        elif key == ("stock.low.stock.rule", "action_view_alerts"):
            self.as_user(self.low_rule, user).action_view_alerts()
        elif key == ("stock.low.stock.alert", "action_acknowledge"):
            self.as_user(self.alert(), user).action_acknowledge()
        elif key == ("stock.low.stock.alert", "action_create_orderpoints"):
            self.as_user(self.alert(), user).action_create_orderpoints()
        elif key == ("sale.mass.cancel.orders", "action_mass_cancel"):
            order = self.quotation()
            self.wizard(
                user,
                model,
                {"reason_id": self.reason.id},
                active_model="sale.order",
                active_ids=order.ids,
            ).action_mass_cancel()
        elif model == "sale.order.cancel":
            order = self.quotation()
            wizard = self.wizard(
                user, model, {"order_id": order.id, "reason_id": self.reason.id}
            )
            getattr(wizard, method)()
        elif key == ("sale.order.cancel.reject.wizard", "action_reject"):
            order = self.pending_cancellation()
            self.wizard(
                user, model, {"order_ids": order.ids, "reason": "Keep it"}
            ).action_reject()
        elif key == ("sale.order.reassign.wizard", "action_reassign"):
            order = self.quotation()
            self.wizard(
                user,
                model,
                {
                    "order_ids": order.ids,
                    "user_id": self.salesman_other.id,
                    "reason": "Holidays",
                },
            ).action_reassign()
        elif key == ("sale.order.review.reject.wizard", "action_reject"):
            order = self.pending_review()
            self.wizard(
                user, model, {"order_ids": order.ids, "reason": "Too cheap"}
            ).action_reject()
        elif key == ("customer.statement", "action_send"):
            statement = self.env["customer.statement"]._generate(
                self.customer,
                self.company,
                fields.Date.today(),
                fields.Date.today(),
            )
            self.as_user(statement, user).action_send()
        elif model == "customer.statement.wizard":
            wizard = self.wizard(
                user,
                model,
                {
                    "partner_ids": self.customer.ids,
                    "date_from": fields.Date.today(),
                },
            )
            getattr(wizard, method)()
        elif key == ("stock.shipping.list.wizard", "action_print"):
            order = self.create_orders()
            order.action_confirm()
            self.wizard(
                user,
                model,
                {"date": fields.Date.today(), "warehouse_id": self.warehouse.id},
            ).action_print()
        else:
            raise AssertionError(f"no call written for {key}")

    def outcome(self, key, user):
        """'allowed' or 'refused' (AccessError); any other error fails."""
        try:
            with self.env.cr.savepoint():
                try:
                    self.call(key, user)
                except AccessError:
                    return "refused"
                raise _Rollback
        except _Rollback:
            return "allowed"
        finally:
            self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_every_public_method_is_listed(self):
        found = set()
        for model_name in self.env.registry:
            if self.env[model_name]._abstract:
                # No record of its own: its methods are listed on the models
                # that inherit it.
                continue
            cls = type(self.env[model_name])
            for klass in cls.__mro__:
                if not klass.__module__.startswith(ADDON_MODULE):
                    continue
                for name, attr in vars(klass).items():
                    if callable(attr) and not regex_private.match(name):
                        found.add((model_name, name))
        self.assertEqual(found - set(MATRIX), set(), "public methods without a row")
        self.assertEqual(set(MATRIX) - found, set(), "rows without a method")

    def test_matrix(self):
        for key, allowed in MATRIX.items():
            for group, user in self.users.items():
                expected = "allowed" if group in allowed else "refused"
                with self.subTest(method=key, group=group):
                    self.assertEqual(self.outcome(key, user), expected)


@tagged("post_install", "-at_install")
class TestCompanyIsolation(LifecycleCommon):
    """A user of company B, with every right there, never sees or changes
    company A's rules, alerts, reviews or statements."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.user_b = new_test_user(
            cls.env,
            login="sol_company_b",
            groups="sales_team.group_sale_manager,stock.group_stock_manager,"
            "account.group_account_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.review_rule = cls.env["sale.review.rule"].create(
            {
                "name": "Company A rule",
                "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
            }
        )
        cls.order = cls.create_orders()
        cls.order.with_user(cls.salesman).action_request_review()
        cls.low_rule = cls.env["stock.low.stock.rule"].create(
            {
                "name": "Company A low stock",
                "scope": "product",
                "product_ids": [Command.set(cls.product.ids)],
                "trigger": "min_qty",
                "min_qty": 1_000_000,
            }
        )
        cls.low_rule._evaluate()
        cls.records = {
            "review rule": cls.review_rule,
            "review": cls.order.review_ids,
            "low-stock rule": cls.low_rule,
            "alert": cls.low_rule.alert_ids,
        }

    def test_records_of_company_a_are_out_of_reach(self):
        for label, records in self.records.items():
            self.assertTrue(records, label)
            as_b = records.with_user(self.user_b)
            with self.subTest(label):
                self.assertFalse(as_b.search([("id", "in", records.ids)]))
                with self.assertRaises(AccessError):
                    as_b.read(["display_name"])
                with self.assertRaises(AccessError):
                    as_b.write({})  # the rights are checked before anything
                with self.assertRaises(AccessError):
                    as_b.unlink()
        self.assertEqual(self.review_rule.name, "Company A rule")

    def test_actions_on_company_a_are_refused(self):
        calls = {
            "approve": lambda: self.order.with_user(
                self.user_b
            ).action_review_approve(),
            "evaluate": lambda: self.low_rule.with_user(self.user_b).action_evaluate(),
            "acknowledge": lambda: self.low_rule.alert_ids.with_user(
                self.user_b
            ).action_acknowledge(),
        }
        for label, call in calls.items():
            self.env.invalidate_all()
            with self.subTest(label), self.assertRaises(AccessError):
                call()
        self.assertEqual(self.order.review_state, "pending")
        self.assertEqual(set(self.low_rule.alert_ids.mapped("state")), {"open"})

    def test_statement_of_company_a_is_refused(self):
        wizard = (
            self.env["customer.statement.wizard"]
            .with_user(self.user_b)
            .create(
                {
                    "partner_ids": self.customer.ids,
                    "company_id": self.company.id,
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_print()
        report = self.env["ir.actions.report"].with_user(self.user_b)
        with self.assertRaises(AccessError):
            report._render_qweb_html(
                "sale_order_lifecycle.action_report_customer_statement",
                self.customer.ids,
                data={
                    "partner_ids": self.customer.ids,
                    "date_to": "2026-01-31",
                    "company_id": self.company.id,
                },
            )
