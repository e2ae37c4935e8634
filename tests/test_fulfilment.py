"""Couriers and tracking numbers: the couriers shipped as data, the tracking
number a courier requires before its delivery goes out, and the tracking
shown on the order and the customer portal."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LifecycleCommon, LifecycleHttpCommon

COURIERS = (
    "carrier_sf_express",
    "carrier_zto",
    "carrier_yto",
    "carrier_sto",
    "carrier_yunda",
    "carrier_jd_logistics",
    "carrier_ems",
)


class FulfilmentMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sf = cls.env.ref("sale_order_lifecycle.carrier_sf_express")
        cls.free_carrier = cls.sf.copy(
            {"name": "Own van", "tracking_required": False, "tracking_url": False}
        )

    @classmethod
    def confirmed_delivery(cls, carrier=None, **values):
        order = cls.create_orders(**values)
        order.action_confirm()
        picking = order.picking_ids
        picking.carrier_id = carrier or cls.sf
        return order, picking


@tagged("post_install", "-at_install")
class TestFulfilment(FulfilmentMixin, LifecycleCommon):
    def test_couriers_are_shipped_with_tracking_links(self):
        carriers = self.env["delivery.carrier"]
        for xmlid in COURIERS:
            carriers |= self.env.ref(f"sale_order_lifecycle.{xmlid}")
        self.assertEqual(len(carriers), 7)
        for carrier in carriers:
            self.assertTrue(carrier.tracking_required, carrier.name)
            self.assertIn("<shipmenttrackingnumber>", carrier.tracking_url)
            self.assertTrue(carrier.tracking_url.startswith("https://"))
            self.assertEqual(carrier.delivery_type, "fixed")
            self.assertEqual(carrier.product_id.type, "service")

    def test_refused_without_tracking_number(self):
        order, picking = self.confirmed_delivery()
        second_order, second = self.confirmed_delivery(
            carrier=self.env.ref("sale_order_lifecycle.carrier_zto")
        )
        pickings = picking | second
        pickings.move_ids.picked = True
        with self.assertRaises(UserError) as caught:
            pickings.with_user(self.stock_user).button_validate()
        message = str(caught.exception)
        self.assertIn("tracking number", message)
        # Every offending delivery is named at once, with its courier.
        self.assertIn(f"{picking.name} (SF Express)", message)
        self.assertIn(f"{second.name} (ZTO Express)", message)
        self.assertEqual(set(pickings.mapped("state")), {"assigned"})
        # Blank is not a number.
        picking.carrier_tracking_ref = "   "
        with self.assertRaises(UserError):
            picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(second_order.delivery_tracking_refs)
        self.assertIn(picking.name, order.delivery_tracking_html)

    def test_validated_with_tracking_number(self):
        order, picking = self.confirmed_delivery()
        picking.carrier_tracking_ref = "SF1234567890"
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.delivery_tracking_refs, "SF1234567890")

    def test_backorder_wizard_path_is_checked_too(self):
        _order, picking = self.confirmed_delivery(qty=4)
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        action = picking.with_user(self.stock_user).button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        wizard = (
            self.env["stock.backorder.confirmation"]
            .with_user(self.stock_user)
            .with_context(**action["context"])
            .create({})
        )
        with self.assertRaises(UserError):
            wizard.process()
        self.assertEqual(picking.state, "assigned")

    def test_carrier_without_the_flag_passes(self):
        _order, picking = self.confirmed_delivery(carrier=self.free_carrier)
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(picking.state, "done")

    def test_incoming_receipts_unaffected(self):
        receipt_type = self.warehouse.in_type_id
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": receipt_type.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "carrier_id": self.sf.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": 3,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        },
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.quantity = 3
        receipt.move_ids.picked = True
        receipt.with_user(self.stock_user).button_validate()
        self.assertEqual(receipt.state, "done")

    def test_order_shows_couriers_and_links(self):
        order, picking = self.confirmed_delivery()
        self.assertIn("no tracking number yet", order.delivery_tracking_html)
        self.assertIn("SF Express", order.delivery_tracking_html)
        picking.carrier_tracking_ref = "SF<b>42</b>"
        html = order.with_user(self.salesman).delivery_tracking_html
        self.assertIn(picking.name, html)
        self.assertIn(
            "https://www.kuaidi100.com/chaxun?com=shunfeng&amp;nu=SF&lt;b&gt;42", html
        )
        # The number is text, never markup.
        self.assertNotIn("<b>", html)
        # A link that is not a web address is not made a link.
        self.free_carrier.tracking_url = "javascript:alert(<shipmenttrackingnumber>)"
        picking.carrier_id = self.free_carrier
        self.assertNotIn("javascript", order.delivery_tracking_html)
        self.assertNotIn("<a ", order.delivery_tracking_html)

    def test_orders_searchable_by_tracking_number(self):
        order, picking = self.confirmed_delivery()
        other, other_picking = self.confirmed_delivery()
        picking.carrier_tracking_ref = "ZT778899"
        other_picking.carrier_tracking_ref = "SF000111"
        # A receipt of the other order with a matching number is not a
        # delivery: it does not make the other order match.
        self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "sale_id": other.id,
                "carrier_tracking_ref": "RET778899",
            }
        )
        orders = self.env["sale.order"].with_user(self.salesman)
        self.assertEqual(
            orders.search([("delivery_tracking_refs", "ilike", "778899")]), order
        )
        self.assertEqual(
            orders.search([("delivery_tracking_refs", "=", "SF000111")]), other
        )
        self.assertFalse(orders.search([("delivery_tracking_refs", "ilike", "nope")]))


@tagged("post_install", "-at_install")
class TestFulfilmentHttp(FulfilmentMixin, LifecycleHttpCommon):
    def test_refused_through_json_rpc(self):
        _order, picking = self.confirmed_delivery()
        picking.move_ids.picked = True
        self.authenticate(self.stock_user.login, self.stock_user.login)
        _result, error = self.call_kw("stock.picking", "button_validate", picking.ids)
        self.assertTrue(error)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn(picking.name, error["message"])
        self.env.invalidate_all()
        self.assertEqual(picking.state, "assigned")
        picking.carrier_tracking_ref = "SF555"
        _result, error = self.call_kw("stock.picking", "button_validate", picking.ids)
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(picking.state, "done")

    def test_portal_shows_courier_and_tracking(self):
        order, picking = self.confirmed_delivery()
        picking.carrier_tracking_ref = "SF9876543210"
        picking.button_validate()
        response = self.url_open(order.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("SF9876543210", response.text)
        self.assertIn("SF Express", response.text)
        self.assertIn("com=shunfeng&amp;nu=SF9876543210", response.text)

    def test_tour_warehouse_user_validates_with_tracking_number(self):
        order, picking = self.confirmed_delivery()
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "sale_order_lifecycle_tracking",
            login=self.stock_user.login,
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "SF20261129")
        self.assertEqual(order.delivery_tracking_refs, "SF20261129")
