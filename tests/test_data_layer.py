"""Every rule holds at the data layer: each finding of an attacker's review,
replayed through JSON-RPC (``/web/dataset/call_kw``) as the user who tried it,
is refused and leaves the database as it was."""

from odoo import Command, http
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import LifecycleHttpCommon

PROTECTED_FIELDS = {
    "state": "sale",
    "review_state": "approved",
    "review_fingerprint": "forged",
    "cancel_request_state": "none",
    "cancel_date": "2026-01-01 00:00:00",
    "cancel_note": "Forged",
    "cancel_user_id": None,  # the sales manager, filled in setUpClass
    "cancel_approval_user_ids": None,
    "cancel_approval_rule_ids": None,
    "cancel_approval_level": 10,
    "cancel_approver_id": None,
    "cancel_decision_date": "2026-01-01 00:00:00",
    "cancel_on_behalf_of_id": None,
    "cancel_reverse": True,
    "archived_date": "2026-01-01 00:00:00",
    "archived_by_id": None,
    "discrepancy_notified": True,
    "origin_order_id": None,
    "previous_user_ids": None,
    # The addon's stored computations.
    "payment_status": "paid",
    "amount_due": 0.5,
    "has_discrepancy": True,
    "shipping_status": "shipped",
    "availability_state": "available",
}
HOSTILE_HTML = (
    '<a href="https://evil.example/x">click</a><img src="https://evil.example/t.png">'
)


@tagged("post_install", "-at_install")
class TestDataLayer(LifecycleHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_cancel_final = True
        cls.reviewer = new_test_user(
            cls.env,
            login="sol_dl_reviewer",
            name="Rita Reviewer",
            groups="sales_team.group_sale_manager",
        )
        cls.rule = cls.env["sale.review.rule"].create(
            {
                "name": "Large order",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(cls.reviewer.ids)],
            }
        )
        cls.reason = cls.env["sale.order.cancel.reason"].create({"name": "Changed"})
        cls.reason_approval = cls.env["sale.order.cancel.reason"].create(
            {"name": "Needs approval", "requires_approval": True}
        )
        cls.portal_user = new_test_user(
            cls.env, login="sol_dl_portal", groups="base.group_portal"
        )
        values = {
            "cancel_reason_id": cls.reason.id,
            "cancel_user_id": cls.sale_manager.id,
            "archived_by_id": cls.sale_manager.id,
            "previous_user_ids": [Command.link(cls.salesman_other.id)],
            "cancel_approval_user_ids": [Command.link(cls.salesman_other.id)],
            "cancel_approval_rule_ids": [Command.link(cls.rule.id)],
            "cancel_approver_id": cls.sale_manager.id,
            "cancel_on_behalf_of_id": cls.sale_manager.id,
        }
        cls.protected = {**PROTECTED_FIELDS, **values}

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def run_wizard(self, model, values, method):
        """Create the wizard and run its action through JSON-RPC; both must
        be accepted."""
        wizard_id, error = self.call_kw(model, "create", values)
        self.assertFalse(error)
        _result, error = self.call_kw(model, method, [wizard_id])
        self.assertFalse(error)
        self.env.invalidate_all()

    def snapshot(self, orders):
        counts = self.count_records(
            "sale.order",
            "sale.order.line",
            "sale.order.review",
            "sale.order.assignment",
            "sale.review.rule",
            "stock.picking",
        )
        fields = ["state", "review_state", "cancel_request_state", "user_id"]
        return counts, orders.with_context(active_test=False).read(
            [*fields, *self.protected]
        )

    def assertRefused(
        self,
        orders,
        model,
        method,
        *args,
        exception="UserError",
        message=None,
        **kwargs,
    ):
        """The call is refused with ``exception`` and changes nothing."""
        before = self.snapshot(orders)
        result, error = self.call_kw(model, method, *args, **kwargs)
        self.assertTrue(error, f"{model}.{method} was accepted: {result!r}")
        self.assertEqual(error["name"], f"odoo.exceptions.{exception}", error)
        if message:
            self.assertRegex(error["message"], message)
        self.assertEqual(self.snapshot(orders), before)
        return error

    def approved(self, qty=20, user=None):
        order = self.create_orders(qty=qty, user=user or self.salesman)
        order.with_user(self.salesman).action_request_review()
        order.with_user(self.reviewer).action_review_approve()
        self.assertEqual(order.review_state, "approved")
        return order

    # ------------------------------------------------------------------
    # 1. Context keys unlock nothing
    # ------------------------------------------------------------------

    def test_context_keys_unlock_nothing(self):
        pending = self.create_orders(qty=20)
        pending.with_user(self.salesman).action_request_review()
        self.authenticate("sol_salesman", "sol_salesman")
        forged = {"sale_review_write": True, "sale_lifecycle_internal": True}
        self.assertRefused(
            pending,
            "sale.order",
            "write",
            pending.ids,
            {"review_state": "approved"},
            context=forged,
        )
        self.assertRefused(
            pending,
            "sale.order",
            "action_confirm",
            pending.ids,
            context=forged,
            message="waiting for approval",
        )
        # A change after approval is judged whatever the caller says.
        order = self.approved()
        line = order.order_line
        _result, error = self.call_kw(
            "sale.order",
            "write",
            order.ids,
            {"order_line": [Command.update(line.id, {"product_uom_qty": 600})]},
            context={"sale_review_material_change_checked": True},
        )
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(order.review_state, "pending")
        self.assertRefused(
            order, "sale.order", "action_confirm", order.ids, message="waiting for"
        )

    # ------------------------------------------------------------------
    # 2. The state changes only through the workflow
    # ------------------------------------------------------------------

    def test_state_only_through_the_workflow(self):
        quotation = self.create_orders()
        self.authenticate("sol_salesman", "sol_salesman")
        for state in ("sale", "cancel", "sent"):
            with self.subTest(state=state):
                self.assertRefused(
                    quotation,
                    "sale.order",
                    "write",
                    quotation.ids,
                    {"state": state},
                    message="Status",
                )
        self.assertRefused(
            quotation,
            "sale.order",
            "create",
            {"partner_id": self.customer.id, "state": "sale"},
        )
        self.assertRefused(
            quotation, "sale.order", "copy", quotation.ids, default={"state": "sale"}
        )
        before = self.snapshot(quotation)
        result, error = self.call_kw(
            "sale.order",
            "load",
            ["partner_id/.id", "state"],
            [[str(self.customer.id), "sale"]],
        )
        self.assertFalse(error)
        self.assertFalse(result["ids"])
        self.assertIn("workflow", result["messages"][0]["message"])
        self.assertEqual(self.snapshot(quotation), before)
        # A final cancellation stays final.
        quotation.with_user(self.salesman).with_context(
            sale_cancel_reason_id=self.reason.id
        ).action_cancel()
        self.assertRefused(
            quotation, "sale.order", "write", quotation.ids, {"state": "draft"}
        )
        self.assertRefused(
            quotation, "sale.order", "action_draft", quotation.ids, message="final"
        )
        # Odoo's own flows still change the state.
        other = self.create_orders()
        _result, error = self.call_kw("sale.order", "action_quotation_sent", other.ids)
        self.assertFalse(error)
        _result, error = self.call_kw("sale.order", "action_confirm", other.ids)
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(other.state, "sale")
        self.assertTrue(other.picking_ids)

    # ------------------------------------------------------------------
    # 3. An approval holds only for the order as it was approved
    # ------------------------------------------------------------------

    def test_approval_bound_to_what_was_approved(self):
        packaging = self.env["product.packaging"].create(
            {"name": "Crate", "product_id": self.product.id, "qty": 100}
        )
        tax = self.env["account.tax"].create(
            {"name": "Heavy tax", "amount": 50, "type_tax_use": "sale"}
        )
        by_packaging, by_tax, by_rule = (
            self.approved(),
            self.approved(),
            self.approved(),
        )
        self.authenticate("sol_salesman", "sol_salesman")
        changes = {
            by_packaging: {
                "product_packaging_id": packaging.id,
                "product_packaging_qty": 6,
            },
            by_tax: {"tax_id": [Command.link(tax.id)]},
        }
        for order, values in changes.items():
            _result, error = self.call_kw(
                "sale.order.line", "write", order.order_line.ids, values
            )
            self.assertFalse(error)
            self.env.invalidate_all()
            self.assertEqual(order.review_state, "pending", values)
            self.assertRefused(order, "sale.order", "action_confirm", order.ids)
        # A rule that applies since the approval voids it.
        self.env["sale.review.rule"].create(
            {
                "name": "Very large order",
                "sequence": 20,
                "min_amount": 1500.0,
                "reviewer_user_ids": [Command.set(self.reviewer.ids)],
            }
        )
        self.assertRefused(
            by_rule,
            "sale.order",
            "action_confirm",
            by_rule.ids,
            message="no longer holds.*Very large order",
        )
        # The form's Confirm asks for it again.
        _result, error = self.call_kw(
            "sale.order",
            "action_confirm",
            by_rule.ids,
            context={"sale_review_request_on_confirm": True},
        )
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(by_rule.review_state, "pending")
        self.assertEqual(by_rule.state, "draft")

    # ------------------------------------------------------------------
    # 4. Separation of duties at confirmation
    # ------------------------------------------------------------------

    def test_approver_taking_the_order_over_cannot_confirm(self):
        order = self.create_orders(qty=20, user_id=False)
        order.with_user(self.salesman).action_request_review()
        order.with_user(self.reviewer).action_review_approve()
        self.authenticate("sol_dl_reviewer", "sol_dl_reviewer")
        _result, error = self.call_kw(
            "sale.order", "write", order.ids, {"user_id": self.reviewer.id}
        )
        self.assertFalse(error)
        self.assertRefused(
            order,
            "sale.order",
            "action_confirm",
            order.ids,
            message="now its salesperson",
        )
        self.assertEqual(order.state, "draft")

    # ------------------------------------------------------------------
    # 5. Workflow and audit fields are the workflow's
    # ------------------------------------------------------------------

    def test_workflow_fields_are_not_writable(self):
        order = self.create_orders(qty=2)
        order.with_user(self.salesman).with_context(
            sale_cancel_reason_id=self.reason_approval.id
        ).action_cancel()
        self.assertEqual(order.cancel_request_state, "pending")
        protected = {**self.protected, "origin_order_id": self.create_orders().id}
        self.authenticate("sol_salesman", "sol_salesman")
        for name, value in protected.items():
            with self.subTest(field=name):
                self.assertRefused(
                    order,
                    "sale.order",
                    "write",
                    order.ids,
                    {name: value},
                    message="workflow",
                )
                # On creation, only the default value is accepted.
                if name == "cancel_request_state":
                    value = "pending"
                self.assertRefused(
                    order,
                    "sale.order",
                    "create",
                    {"partner_id": self.customer.id, name: value},
                )
        self.assertRefused(
            order,
            "sale.order.assignment",
            "create",
            {
                "order_id": order.id,
                "from_user_id": self.salesman_other.id,
                "to_user_id": self.salesman.id,
                "assigned_by_id": self.sale_manager.id,
                "date": "2020-01-01 00:00:00",
            },
            exception="AccessError",
        )

    # ------------------------------------------------------------------
    # 6. Recipients stay in the order's company
    # ------------------------------------------------------------------

    def test_cancellation_approvers_of_the_company_only(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="sol_dl_outsider",
            groups="sales_team.group_sale_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        order = self.create_orders()
        self.authenticate("sol_salesman", "sol_salesman")
        _result, error = self.call_kw(
            "sale.order",
            "action_cancel",
            order.ids,
            context={"sale_cancel_reason_id": self.reason_approval.id},
        )
        self.assertFalse(error)
        self.env.invalidate_all()
        approvers = order.activity_ids.user_id
        self.assertIn(self.sale_manager, approvers)
        self.assertNotIn(outsider, approvers)
        self.assertNotIn(outsider.partner_id, order.message_partner_ids)

    # ------------------------------------------------------------------
    # 7. Plain text stays text
    # ------------------------------------------------------------------

    def assertEscaped(self, html):
        self.assertIn("&lt;a href", html)
        self.assertNotIn("<a href", html)
        self.assertNotIn("<img", html)

    def test_user_text_stays_text(self):
        order = self.create_orders()
        self.authenticate("sol_salesman", "sol_salesman")
        _result, error = self.call_kw(
            "sale.order",
            "action_cancel",
            order.ids,
            context={
                "sale_cancel_reason_id": self.reason_approval.id,
                "sale_cancel_note": HOSTILE_HTML,
            },
        )
        self.assertFalse(error)
        self.env.invalidate_all()
        for activity in order.activity_ids:
            self.assertEscaped(activity.note)
        self.authenticate("sol_sale_manager", "sol_sale_manager")
        self.run_wizard(
            "sale.order.cancel.reject.wizard",
            {"order_ids": [Command.set(order.ids)], "reason": HOSTILE_HTML},
            "action_reject",
        )
        rejected = order.activity_ids.filtered(
            lambda a: a.summary == "Cancellation rejected"
        )
        self.assertEqual(rejected.user_id, self.salesman)
        self.assertEscaped(rejected.note)
        self.run_wizard(
            "sale.order.reassign.wizard",
            {
                "order_ids": [Command.set(order.ids)],
                "user_id": self.salesman_other.id,
                "reason": HOSTILE_HTML,
            },
            "action_reassign",
        )
        handed = order.activity_ids.filtered(
            lambda a: a.activity_type_id.name == "Reassigned Order"
        )
        self.assertEqual(handed.user_id, self.salesman_other)
        self.assertEscaped(handed.note)

    # ------------------------------------------------------------------
    # 8. Bad input fails clearly
    # ------------------------------------------------------------------

    def test_review_rule_domains_checked_at_save_and_run(self):
        order = self.create_orders(qty=20)
        self.authenticate("sol_sale_manager", "sol_sale_manager")
        self.assertRefused(
            order,
            "sale.review.rule",
            "create",
            {
                "name": "Typed wrong",
                "domain": "[('amount_total', '>', '100')]",
                "reviewer_user_ids": [Command.set(self.reviewer.ids)],
            },
            exception="ValidationError",
            message="amount_total cannot be compared",
        )
        # A filter that no longer evaluates (saved before a change) names the
        # rule to the person confirming.
        self.env.cr.execute(
            "UPDATE sale_review_rule SET domain = %s WHERE id = %s",
            ["[('amount_total', '>', '100')]", self.rule.id],
        )
        self.env.invalidate_all()
        self.authenticate("sol_salesman", "sol_salesman")
        with self.assertLogs(
            "odoo.addons.sale_order_lifecycle.models.review.sale_review_rule",
            level="WARNING",
        ):
            self.assertRefused(
                order,
                "sale.order",
                "action_confirm",
                order.ids,
                message="Large order cannot be evaluated",
            )

    def test_salesperson_is_an_internal_user_of_the_company(self):
        order = self.create_orders()
        self.authenticate("sol_sale_manager", "sol_sale_manager")
        self.assertRefused(
            order,
            "sale.order",
            "write",
            order.ids,
            {"user_id": self.portal_user.id},
            exception="ValidationError",
            message="internal user",
        )
        wizard_id, error = self.call_kw(
            "sale.order.reassign.wizard",
            "create",
            {
                "order_ids": [Command.set(order.ids)],
                "user_id": self.portal_user.id,
                "reason": "Customer takes it",
            },
        )
        self.assertFalse(error)
        self.assertRefused(
            order,
            "sale.order.reassign.wizard",
            "action_reassign",
            [wizard_id],
            exception="ValidationError",
        )
        self.assertRefused(
            order,
            "sale.order",
            "write",
            order.ids,
            {"user_id": self.salesman_other.id},
            context={"sale_reassign_reason": "x" * 10_001},
            exception="ValidationError",
            message="too long",
        )

    def test_statement_dates_are_checked(self):
        # Reports take their data from the client: a malformed value is the
        # user's mistake, not a server error.
        report = self.env[
            "report.sale_order_lifecycle.report_customer_statement"
        ].with_user(self.accountant)
        for data in (
            {"date_to": "31/01/2026", "company_id": self.company.id},
            {"date_to": "2026-01-31", "date_from": "yesterday"},
            {"date_to": "2026-01-31", "company_id": "1"},
        ):
            with self.subTest(data=data), self.assertRaises(UserError):
                report._get_report_values([self.customer.id], data=data)

    # ------------------------------------------------------------------
    # Portal decline
    # ------------------------------------------------------------------

    def test_portal_decline_records_the_reason(self):
        order = self.create_orders(require_signature=True)
        order._portal_ensure_token()
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/orders/{order.id}/decline",
            data={
                "access_token": order.access_token,
                "decline_message": "Too expensive <b>for us</b>",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        response.raise_for_status()
        self.env.invalidate_all()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(
            order.cancel_reason_id,
            self.env.ref("sale_order_lifecycle.cancel_reason_declined_by_customer"),
        )
        self.assertEqual(order.cancel_note, "Too expensive <b>for us</b>")

    def test_return_alert_is_written_by_its_check_only(self):
        self.company.write(
            {
                "sale_return_rate_threshold": 10,
                "sale_return_alert_user_id": self.sale_manager.id,
            }
        )
        alert = self.env["sale.return.alert"].create(
            {
                "kind": "customer",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "rate": 40,
            }
        )
        self.authenticate(self.sale_manager.login, self.sale_manager.login)
        for method, args in (
            ("write", [[alert.id], {"state": "closed", "rate": 0}]),
            ("create", [{"kind": "product", "company_id": self.company.id}]),
            ("unlink", [[alert.id]]),
        ):
            with self.subTest(method=method):
                _result, error = self.call_kw("sale.return.alert", method, *args)
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.env.invalidate_all()
        self.assertRecordValues(alert, [{"state": "open", "rate": 40}])
