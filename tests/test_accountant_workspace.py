"""The accountant's workspace needs no Sales right: a user with only Billing
(``account.group_account_invoice``) or only Accountant
(``account.group_account_user``) rights opens every Invoicing screen of the
addon, reads what Odoo lets them read of orders, and still writes none of the
workflow's fields."""

from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import AccountingCommon, LifecycleHttpCommon
from .test_data_layer import PROTECTED_FIELDS

MODULE = "sale_order_lifecycle"
ACCOUNTING_ROLES = {
    "billing": "account.group_account_invoice",
    "accountant": "account.group_account_user",
}


def view_spec(node, models, model):
    """The ``web_read`` specification of the fields of a processed ``arch``,
    as the web client builds it: sub-views give their x2many's fields."""
    spec = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag != "field":
            spec.update(view_spec(child, models, model))
            continue
        name = child.get("name")
        field = models[model]["fields"][name]
        if field.get("relation"):
            sub = view_spec(child, models, field["relation"])
            sub.setdefault("display_name", {})
            spec[name] = {"fields": sub}
        else:
            spec[name] = {}
    return spec


@tagged("post_install", "-at_install")
class TestAccountantWorkspace(AccountingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roles = {
            name: new_test_user(cls.env, login=f"sol_ws_{name}", groups=groups)
            for name, groups in ACCOUNTING_ROLES.items()
        }
        # Orders carrying every capability's data: review lines, a
        # reassignment, a cancellation reason, and a discrepancy.
        rule = cls.env["sale.review.rule"].create(
            {
                "name": "Every order",
                "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
            }
        )
        cls.order = cls.create_orders(qty=2)
        cls.order.with_user(cls.salesman).action_request_review()
        cls.order.with_user(cls.sale_manager).action_review_approve()
        rule.active = False
        cls.order.action_confirm()
        # Paid in full, then half credited: paid more than invoiced.
        invoice = cls.invoice(cls.order)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.quantity = 1
        refund.action_post()
        # A statement in the register (Invoicing > Customers > Statements).
        cls.env["customer.statement"]._generate(
            cls.customer, cls.company, invoice.date, invoice.date
        )
        cls.env["sale.order.reassign.wizard"].with_user(cls.sale_manager).create(
            {
                "order_ids": cls.order.ids,
                "user_id": cls.salesman_other.id,
                "reason": "Holiday",
            }
        ).action_reassign()
        reason = cls.env["sale.order.cancel.reason"].create({"name": "Duplicate"})
        cls.cancelled = cls.create_orders()
        cls.cancelled.with_context(sale_cancel_reason_id=reason.id).action_cancel()

    def invoicing_actions(self):
        """The addon's window actions reachable from the Invoicing menus, or
        bound to a model of accounting (the partner's Statement)."""
        root = self.env.ref("account.menu_finance")
        menus = self.env["ir.ui.menu"].search(
            [("id", "child_of", root.id), ("action", "like", "ir.actions.act_window,")]
        )
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.actions.act_window")]
        )
        ours = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        return ours.filtered(lambda action: action in menus.mapped("action"))

    def test_discrepancy_order_is_found(self):
        self.assertTrue(self.order.has_discrepancy, self.order.discrepancy_note)
        self.assertTrue(self.order.review_ids and self.order.assignment_ids)
        self.assertTrue(self.cancelled.cancel_reason_id)

    def test_every_invoicing_action_opens(self):
        actions = self.invoicing_actions()
        self.assertIn(
            self.env.ref("sale_order_lifecycle.sale_order_discrepancy_action"), actions
        )
        self.assertIn(
            self.env.ref("sale_order_lifecycle.customer_statement_wizard_action"),
            actions,
        )
        for role, user in self.roles.items():
            self.assertFalse(
                user.has_group("sales_team.group_sale_salesman"), "no Sales right"
            )
            for action in actions:
                with self.subTest(role=role, action=action.name):
                    self.open_action(action, user)

    def open_action(self, action, user):
        """get_views, then the list's and the form's fields read as the web
        client reads them, on a cleared cache."""
        Model = self.env[action.res_model].with_user(user)
        views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
        modes = {mode for _view, mode in views}
        views += [
            (False, mode) for mode in action.view_mode.split(",") if mode not in modes
        ]
        views.append((action.search_view_id.id, "search"))
        context = safe_eval(action.context or "{}", {"uid": user.id})
        Model = Model.with_context(**context)
        result = Model.get_views(views)
        models = result["models"]
        domain = safe_eval(action.domain or "[]", {"uid": user.id})
        records = Model.browse()
        self.env.invalidate_all()
        if "list" in result["views"]:
            arch = etree.fromstring(result["views"]["list"]["arch"])
            spec = view_spec(arch, models, Model._name)
            found = Model.web_search_read(domain, spec, limit=80)
            self.assertTrue(found["length"], f"{action.name} lists records")
            records = Model.browse([row["id"] for row in found["records"]])
        if Model._name == "sale.order":
            records |= (self.order | self.cancelled).with_user(user)
        if "form" in result["views"]:
            arch = etree.fromstring(result["views"]["form"]["arch"])
            spec = view_spec(arch, models, Model._name)
            self.env.invalidate_all()
            if records:
                rows = records.web_read(spec)
                self.assertEqual(len(rows), len(records))
            else:
                Model.onchange({}, [], spec)

    def test_sales_form_hides_what_needs_sales_rights(self):
        """Odoo's own Sales form, reached from an invoice: what the addon adds
        to it reads for accounting users; reviews, reassignments and reasons,
        whose models need a Sales right, are left out."""
        ours = {
            field.name
            for field in self.env["ir.model.fields"].search(
                [("model", "=", "sale.order")]
            )
            if MODULE in field.modules.split(", ")
        }
        for role, user in self.roles.items():
            with self.subTest(role=role):
                Order = self.env["sale.order"].with_user(user)
                result = Order.get_views([(False, "form")])
                arch = etree.fromstring(result["views"]["form"]["arch"])
                spec = view_spec(arch, result["models"], "sale.order")
                hidden = {"review_required", "assignment_ids", "cancel_reason_id"}
                self.assertFalse(hidden & spec.keys())
                # Any internal user may be a reviewer: the buttons show only to
                # the current reviewers.
                (approve,) = arch.xpath("//button[@name='action_review_approve']")
                self.assertEqual(approve.get("invisible"), "not review_can_decide")
                spec = {name: value for name, value in spec.items() if name in ours}
                self.assertIn("payment_status", spec)
                self.env.invalidate_all()
                (self.order | self.cancelled).with_user(user).web_read(spec)
                action = self.order.with_user(user).action_view_invoice()
                self.assertEqual(action["res_model"], "account.move")

    def test_sales_users_keep_the_sales_form_from_invoices(self):
        invoice = self.order.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice"
        )
        action = invoice.with_user(self.accountant).action_view_source_sale_orders()
        self.assertEqual(
            action["views"], [(self.env.ref("sale.view_order_form").id, "form")]
        )

    def test_statement_wizard_prints_previews_and_sends(self):
        date_to = max(self.order.invoice_ids.mapped("date"))
        for days, (role, user) in enumerate(self.roles.items(), start=30):
            with self.subTest(role=role):
                wizard = (
                    self.env["customer.statement.wizard"]
                    .with_user(user)
                    .with_context(
                        active_model="res.partner", active_ids=self.customer.ids
                    )
                    # The invoices' date: in the time zone of the user who posts
                    # them (demo data: Europe/Brussels) it can be tomorrow in UTC.
                    # One period per role: a period's statement is sent once.
                    .create(
                        {
                            "date_from": date_to - timedelta(days=days),
                            "date_to": date_to,
                        }
                    )
                )
                for method in ("action_print", "action_preview"):
                    action = getattr(wizard, method)()
                    html = (
                        self.env["ir.actions.report"]
                        .with_user(user)
                        ._render_qweb_html(
                            action["report_name"],
                            action["context"]["active_ids"],
                            data=action["data"],
                        )[0]
                        .decode()
                    )
                    self.assertIn(self.order.invoice_ids[:1].name, html)
                    self.assertIn(self.order.name, html)
                wizard.action_send()
                statement = self.env["customer.statement"].search(
                    [
                        ("partner_id", "=", self.customer.id),
                        ("date_from", "=", date_to - timedelta(days=days)),
                    ]
                )
                self.assertEqual(statement.sent_by_id, user)
                sent = self.env["mail.mail"].search(
                    [
                        ("model", "=", "customer.statement"),
                        ("res_id", "=", statement.id),
                    ],
                    order="id desc",
                    limit=1,
                )
                self.assertEqual(sent.create_uid, user)
                self.assertEqual(sent.attachment_ids.mimetype, "application/pdf")

    def test_partner_statement_button_and_payment_status(self):
        for role, user in self.roles.items():
            with self.subTest(role=role):
                partner_form = (
                    self.env["res.partner"]
                    .with_user(user)
                    .get_views([(False, "form")])["views"]["form"]["arch"]
                )
                action = self.env.ref(
                    "sale_order_lifecycle.customer_statement_wizard_action"
                )
                self.assertIn(f'name="{action.id}"', partner_form)
                self.env.invalidate_all()
                order = self.order.with_user(user)
                self.assertEqual(order.payment_status, "overpaid")
                self.assertTrue(order.amount_invoice_paid)
                invoice = order.invoice_ids.filtered(
                    lambda move: move.move_type == "out_invoice"
                )
                action = invoice.action_view_source_sale_orders()
                self.assertEqual(action["res_id"], order.id)
                # The accountant's form, not Odoo's Sales form.
                result = order.get_views(action["views"])
                arch = etree.fromstring(result["views"]["form"]["arch"])
                self.env.invalidate_all()
                order.web_read(view_spec(arch, result["models"], "sale.order"))


@tagged("post_install", "-at_install")
class TestAccountantWorkspaceRpc(LifecycleHttpCommon):
    """Odoo lets Billing and Accountant users write orders (to link invoices):
    the workflow's fields stay refused to them through JSON-RPC."""

    def test_workflow_fields_not_writable_by_accounting_users(self):
        reason = self.env["sale.order.cancel.reason"].create({"name": "Changed"})
        order = self.create_orders(qty=2)
        order.action_confirm()
        protected = {
            **PROTECTED_FIELDS,
            "cancel_reason_id": reason.id,
            "cancel_user_id": self.sale_manager.id,
            "archived_by_id": self.sale_manager.id,
            "origin_order_id": self.create_orders().id,
            "previous_user_ids": [Command.link(self.salesman_other.id)],
        }
        fields = ["state", "review_state", "cancel_request_state", "user_id"]
        before = order.read([*fields, *protected])
        for role, groups in ACCOUNTING_ROLES.items():
            login = f"sol_ws_rpc_{role}"
            new_test_user(self.env, login=login, groups=groups)
            self.authenticate(login, login)
            # Odoo's own right: a note on the order is accepted.
            _result, error = self.call_kw(
                "sale.order", "write", order.ids, {"note": f"Checked by {role}"}
            )
            self.assertFalse(error)
            for name, value in protected.items():
                with self.subTest(role=role, field=name):
                    result, error = self.call_kw(
                        "sale.order", "write", order.ids, {name: value}
                    )
                    self.assertTrue(error, f"{name} written by {role}: {result!r}")
                    self.assertEqual(error["name"], "odoo.exceptions.UserError")
                    self.assertIn("workflow", error["message"])
            with self.subTest(role=role, method="create"):
                _result, error = self.call_kw(
                    "sale.order", "create", {"partner_id": self.customer.id}
                )
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.env.invalidate_all()
        self.assertEqual(order.read([*fields, *protected]), before)


@tagged("post_install", "-at_install")
class TestAccountantWorkspaceTour(LifecycleHttpCommon):
    def test_billing_user_tour(self):
        billing = new_test_user(
            self.env,
            login="sol_ws_tour_billing",
            name="Bill Billing",
            groups="account.group_account_invoice",
        )
        self.assertFalse(billing.has_group("sales_team.group_sale_salesman"))
        order = self.create_finished_orders()
        # As in test_discrepancy: cancelled, its posted invoice kept.
        order.sudo().write({"state": "cancel"})
        self.assertTrue(order.has_discrepancy)
        self.start_tour(
            "/odoo/action-account.action_move_out_invoice_type",
            "sale_order_lifecycle_accountant_workspace",
            login=billing.login,
        )
