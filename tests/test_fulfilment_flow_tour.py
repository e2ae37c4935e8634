"""The fulfilment flow end to end, in the browser, by the people who do it: the
salesperson confirms a quotation the stock can serve, the warehouse ships its
delivery with a courier and a tracking number, and the salesperson reads on the
order that it is shipped and where to track it."""

from odoo import Command
from odoo.tests import tagged

from .common import LifecycleHttpCommon

TRACKING_REF = "ZT7302026113001"


@tagged("post_install", "-at_install")
class TestFulfilmentFlowTour(LifecycleHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zto = cls.env.ref("sale_order_lifecycle.carrier_zto")
        cls.flow_customer = cls.env["res.partner"].create(
            {
                "name": "Flow Tour Customer",
                "street": "8 West Lake Road",
                "city": "Hangzhou",
            }
        )
        cls.teapot = cls.env["product.product"].create(
            {"name": "Flow Tour Teapot", "is_storable": True, "list_price": 80.0}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.teapot, cls.warehouse.lot_stock_id, 10
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.flow_customer.id,
                "user_id": cls.salesman.id,
                "warehouse_id": cls.warehouse.id,
                "order_line": [
                    Command.create({"product_id": cls.teapot.id, "product_uom_qty": 4})
                ],
            }
        )

    def test_tour_quotation_to_shipped_order(self):
        order = self.order
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.availability_state, "available")
        self.assertFalse(order.shipping_status, "nothing to deliver yet")
        # The courier the warehouse picks refuses a delivery without a number.
        self.assertTrue(self.zto.tracking_required)
        self.assertFalse(
            self.salesman.has_group("stock.group_stock_user"),
            "the salesperson does not work in the warehouse",
        )
        self.assertFalse(
            self.stock_user.has_group("sales_team.group_sale_salesman"),
            "the warehouse user has no Sales rights",
        )

        # (a) The salesperson sees the verdict and confirms the quotation.
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding",
            "sale_order_lifecycle_flow_salesperson_confirms",
            login=self.salesman.login,
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(picking.carrier_id)
        self.assertEqual(order.shipping_status, "not_shipped")

        # (b) The warehouse user ships the delivery with ZTO and its number,
        # after being refused the validation without one.
        self.start_tour(
            "/odoo/inventory",
            "sale_order_lifecycle_flow_warehouse_ships",
            login=self.stock_user.login,
        )
        self.env.invalidate_all()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_id, self.zto)
        self.assertEqual(picking.carrier_tracking_ref, TRACKING_REF)
        self.assertEqual(picking.move_ids.quantity, 4)
        self.assertFalse(order.picking_ids - picking, "no backorder")
        self.assertEqual(order.shipping_status, "shipped")
        self.assertEqual(order.shipping_carrier_id, self.zto)
        self.assertEqual(order.delivery_tracking_refs, TRACKING_REF)

        # (c) The salesperson finds the order shipped, with its tracking link.
        self.start_tour(
            "/odoo/action-sale.action_orders",
            "sale_order_lifecycle_flow_salesperson_tracks",
            login=self.salesman.login,
        )
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.shipping_status, "shipped")
