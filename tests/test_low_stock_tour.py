from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestLowStockTour(LifecycleHttpCommon):
    def test_low_stock_tour(self):
        manager = new_test_user(
            self.env, login="sol_tour_stock_manager", groups="stock.group_stock_manager"
        )
        item = self.env["product.product"].create(
            {"name": "Tour item", "is_storable": True}
        )
        self.env["stock.quant"]._update_available_quantity(
            item, self.warehouse.lot_stock_id, 3
        )
        rule = self.env["stock.low.stock.rule"].create(
            {
                "name": "Tour rule",
                "warehouse_ids": [Command.set(self.warehouse.ids)],
                "scope": "product",
                "product_ids": [Command.set(item.ids)],
                "trigger": "min_qty",
                "min_qty": 10,
            }
        )
        self.start_tour(
            f"/odoo/action-sale_order_lifecycle.stock_low_stock_rule_action/{rule.id}",
            "sale_order_lifecycle_low_stock",
            login=manager.login,
        )
        orderpoint = self.env["stock.warehouse.orderpoint"].search(
            [("product_id", "=", item.id)]
        )
        self.assertEqual(orderpoint.product_min_qty, 10)
        self.assertEqual(rule.alert_ids.state, "acknowledged")

    def test_stock_user_snoozes_an_alert_from_the_menu(self):
        item = self.env["product.product"].create(
            {"name": "Tour item", "is_storable": True}
        )
        rule = self.env["stock.low.stock.rule"].create(
            {
                "name": "Tour rule",
                "warehouse_ids": [Command.set(self.warehouse.ids)],
                "scope": "product",
                "product_ids": [Command.set(item.ids)],
                "trigger": "min_qty",
                "min_qty": 10,
            }
        )
        rule.action_evaluate()
        self.assertEqual(rule.alert_ids.state, "open")
        self.start_tour(
            "/odoo/action-stock.stock_picking_type_action",
            "sale_order_lifecycle_low_stock_stock_user",
            login=self.stock_user.login,
        )
        self.assertEqual(rule.alert_ids.state, "acknowledged")
