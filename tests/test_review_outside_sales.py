from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LifecycleHttpCommon
from .test_accountant_workspace import view_spec

APPROVAL = "sale_order_lifecycle.mail_act_sale_order_approval"


@tagged("post_install", "-at_install")
class TestReviewOutsideSales(LifecycleHttpCommon):
    """A reviewer may be any internal user: without a Sales group they read
    the orders they must decide, and only those, and decide them from the
    order or its activity; nobody else's access to orders changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance = new_test_user(
            cls.env,
            login="sol_finance_reviewer",
            name="Fiona Finance",
            groups="base.group_user",
        )
        cls.rule = cls.env["sale.review.rule"].create(
            {
                "name": "Large order",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(cls.finance.ids)],
            }
        )
        cls.order = cls.create_orders(qty=20)
        cls.other = cls.create_orders(qty=20, user=cls.salesman_other)
        cls.small = cls.create_orders()
        cls.order.with_user(cls.salesman).action_request_review()

    def test_reviewer_reads_only_the_orders_to_decide(self):
        Order = self.env["sale.order"].with_user(self.finance)
        self.assertEqual(Order.search([]), self.order)
        self.assertEqual(
            self.env["sale.order.line"].with_user(self.finance).search([]),
            self.order.order_line,
        )
        self.assertEqual(
            self.env["sale.order.review"].with_user(self.finance).search([]),
            self.order.review_ids,
        )
        with self.assertRaises(AccessError):
            self.other.with_user(self.finance).read(["name"])
        with self.assertRaises(AccessError):
            self.order.with_user(self.finance).write({"note": "mine now"})
        self.assertTrue(self.order.with_user(self.finance).review_can_decide)

    def test_others_keep_their_access_to_orders(self):
        orders = self.order | self.other | self.small
        accountant = new_test_user(
            self.env,
            login="sol_pure_accountant",
            groups="account.group_account_invoice",
        )
        expected = {
            self.stock_user: orders,
            accountant: orders,
            self.salesman: self.order | self.small,
            self.salesman_other: self.other,
            self.sale_manager: orders,
        }
        for user, visible in expected.items():
            with self.subTest(user=user.login):
                found = (
                    self.env["sale.order"]
                    .with_user(user)
                    .search([("id", "in", orders.ids)])
                )
                self.assertEqual(found, visible)

    def test_form_opens_and_decides_without_sales_group(self):
        Order = self.env["sale.order"].with_user(self.finance)
        result = Order.get_views([(False, "form")])
        arch = etree.fromstring(result["views"]["form"]["arch"])
        self.assertTrue(arch.xpath("//button[@name='action_review_approve']"))
        self.assertTrue(arch.xpath("//page[@name='review']"))
        spec = view_spec(arch, result["models"], "sale.order")
        self.env.invalidate_all()
        (values,) = self.order.with_user(self.finance).web_read(spec)
        self.assertTrue(values["review_can_decide"])
        self.assertEqual(len(values["order_line"]), 1)
        self.order.with_user(self.finance).action_review_approve()
        self.assertEqual(self.order.review_state, "approved")
        self.assertEqual(self.order.review_ids.decided_by_id, self.finance)
        self.assertFalse(self.order.activity_ids.filtered("sale_review_id"))

    def test_reject_without_sales_group(self):
        action = self.order.with_user(self.finance).action_review_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
            .create({"reason": "Margin too thin"})
        )
        wizard.action_reject()
        self.assertEqual(self.order.review_state, "rejected")
        self.assertEqual(self.order.review_ids.comment, "Margin too thin")

    def test_rpc_reads_only_the_orders_to_decide(self):
        self.authenticate(self.finance.login, self.finance.login)
        result, error = self.call_kw("sale.order", "search_read", [], ["name"])
        self.assertFalse(error)
        self.assertEqual([row["name"] for row in result], [self.order.name])
        _result, error = self.call_kw("sale.order", "read", self.other.ids, ["name"])
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        _result, error = self.call_kw(
            "sale.order", "write", self.order.ids, {"client_order_ref": "forged"}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        _result, error = self.call_kw(
            "sale.order", "action_review_approve", self.other.ids
        )
        self.assertTrue(error)
        self.assertEqual(self.other.review_state, "none")
        _result, error = self.call_kw(
            "sale.order", "action_review_approve", self.order.ids
        )
        self.assertFalse(error)
        self.assertEqual(self.order.review_state, "approved")

    def test_tour_reviewer_from_finance_approves_from_the_activity(self):
        self.company.sale_review_auto_confirm = True
        self.customer.name = "Review Tour Customer"
        self.start_tour(
            "/odoo", "sale_order_lifecycle_review_approve", login=self.finance.login
        )
        self.assertEqual(self.order.review_state, "approved")
        self.assertEqual(self.order.review_ids.decided_by_id, self.finance)
        self.assertEqual(self.order.state, "sale")

    def test_stock_user_reads_orders_in_the_reader_form(self):
        """Odoo's order form needs models a stock user may not read: the
        reader views are their default."""
        Order = self.env["sale.order"].with_user(self.stock_user)
        for view_type, xmlid in (
            ("form", "sale_order_lifecycle.sale_order_view_form_reader"),
            ("list", "sale_order_lifecycle.sale_order_view_list_reader"),
        ):
            result = Order.get_views([(False, view_type)])
            self.assertEqual(result["views"][view_type]["id"], self.env.ref(xmlid).id)
            arch = etree.fromstring(result["views"][view_type]["arch"])
            spec = view_spec(arch, result["models"], "sale.order")
            self.env.invalidate_all()
            self.assertEqual(
                len(self.other.with_user(self.stock_user).web_read(spec)), 1
            )
        # Sales users keep Odoo's own views.
        result = (
            self.env["sale.order"].with_user(self.salesman).get_views([(False, "form")])
        )
        self.assertEqual(
            result["views"]["form"]["id"], self.env.ref("sale.view_order_form").id
        )
