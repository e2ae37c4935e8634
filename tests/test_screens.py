from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_review import ReviewCommon

# The pro-forma buttons follow the same rule, for the pro-forma group.
SEND_BUTTONS = ("send_by_email_primary", "send_by_email")


@tagged("post_install", "-at_install")
class TestScreens(ReviewCommon):
    """The order form offers an action only when it can succeed: its buttons
    are computed from the checks that refuse the action."""

    def form_arch(self, user=None):
        Order = self.env["sale.order"].with_user(user or self.salesman)
        view = self.env.ref("sale.view_order_form")
        return etree.fromstring(Order.get_view(view.id, "form")["arch"])

    def test_review_gates_compute_the_buttons(self):
        free, needs, pending, rejected = (
            self.create_orders(),
            self.create_orders(qty=12),
            self.create_orders(qty=12),
            self.create_orders(qty=12),
        )
        self.request(pending | rejected)
        self.reject(rejected, self.sale_manager)
        orders = (free | needs | pending | rejected).with_user(self.salesman)
        self.assertEqual(orders.mapped("review_blocks_send"), [False, True, True, True])
        # Confirm still works where it asks for approval (never asked, or
        # rejected and changed): it is refused only while approval is pending.
        self.assertEqual(
            orders.mapped("review_blocks_confirm"), [False, False, True, False]
        )
        for order in orders.filtered("review_blocks_send"):
            with self.subTest(order=order.name), self.assertRaises(UserError):
                order.action_quotation_send()
        with self.assertRaises(UserError):
            orders[2].action_confirm()
        orders[0].action_quotation_send()

    def test_buttons_that_would_fail_are_hidden(self):
        arch = self.form_arch()
        for button_id in SEND_BUTTONS:
            (button,) = arch.xpath(f"//button[@id='{button_id}']")
            self.assertIn("review_blocks_send", button.get("invisible"))
        for button in arch.xpath("//header/button[@name='action_confirm']"):
            self.assertIn("review_blocks_confirm", button.get("invisible"))
        ribbons = arch.xpath("//widget[@name='web_ribbon']/@title")
        self.assertIn("Under Review", ribbons)
        self.assertIn("Approval Rejected", ribbons)

    def test_review_column_and_filters_in_lists(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        for xmlid in ("sale.view_quotation_tree", "sale.view_order_tree"):
            arch = etree.fromstring(
                Order.get_view(self.env.ref(xmlid).id, "list")["arch"]
            )
            self.assertTrue(arch.xpath("//field[@name='review_state']"), xmlid)
        search = etree.fromstring(
            Order.get_view(
                self.env.ref("sale.sale_order_view_search_inherit_quotation").id,
                "search",
            )["arch"]
        )
        for name in ("review_pending", "review_rejected", "review_approved"):
            self.assertTrue(search.xpath(f"//filter[@name='{name}']"), name)

    def test_archived_order_is_readonly_in_the_form(self):
        order = self.create_finished_orders()
        order.action_archive()
        arch = self.form_arch(self.sale_manager)
        for name in ("partner_id", "note", "client_order_ref", "order_line"):
            (field,) = arch.xpath(f"//field[@name='{name}'][not(ancestor::field)]")
            self.assertIn("not active", field.get("readonly"), name)
        # Fields read-only by definition stay so on active orders.
        (reason,) = arch.xpath(
            "//field[@name='cancel_reason_id'][not(ancestor::field)]"
        )
        self.assertFalse(reason.get("readonly"))
        form = Form(order.with_user(self.sale_manager))
        with self.assertRaises(AssertionError):
            form.client_order_ref = "changed"
        # An active order stays editable.
        quotation = self.create_orders()
        form = Form(quotation.with_user(self.salesman))
        form.client_order_ref = "PO-1"
        form.save()
        self.assertEqual(quotation.client_order_ref, "PO-1")
