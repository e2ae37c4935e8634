from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestSlowMovers(LifecycleCommon):
    """Free stock with no recent customer delivery, by product and warehouse."""

    def new_product(self, name, cost):
        return self.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "list_price": 10,
                "standard_price": cost,
            }
        )

    def stock(self, product, qty, days_ago):
        with freeze_time(fields.Datetime.now() - timedelta(days=days_ago)):
            self.env["stock.quant"]._update_available_quantity(
                product, self.warehouse.lot_stock_id, qty
            )

    def sell(self, product, qty, days_ago=0, deliver=True):
        with freeze_time(fields.Datetime.now() - timedelta(days=days_ago)):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
            order.action_confirm()
            if deliver:
                self.deliver(order)

    def row(self, product, user=None):
        Report = self.env["stock.slow.mover.report"]
        if user:
            Report = Report.with_user(user)
        return Report.search(
            [("product_id", "=", product.id), ("warehouse_id", "=", self.warehouse.id)]
        )

    def test_free_stock_and_days_without_delivery(self):
        slow = self.new_product("Slow Lamp", cost=7)
        self.stock(slow, 50, days_ago=200)
        self.sell(slow, 5, days_ago=100)
        fresh = self.new_product("Fresh Lamp", cost=3)
        self.stock(fresh, 20, days_ago=200)
        self.sell(fresh, 2, days_ago=1)
        never = self.new_product("Never Lamp", cost=2)
        self.stock(never, 30, days_ago=30)
        self.sell(never, 10, deliver=False)  # reserved: not free
        self.assertRecordValues(
            self.row(slow),
            [
                {
                    "free_qty": 45,
                    "value": 315,
                    "days_without_delivery": 100,
                    "never_delivered": False,
                }
            ],
        )
        self.assertEqual(self.row(fresh).days_without_delivery, 1)
        self.assertRecordValues(
            self.row(never),
            [
                {
                    "free_qty": 20,
                    "value": 40,
                    "days_without_delivery": 30,
                    "never_delivered": True,
                }
            ],
        )
        # The default filter: no delivery for 90 days.
        found = self.env["stock.slow.mover.report"].search(
            [
                ("days_without_delivery", ">=", 90),
                ("product_id", "in", (slow | fresh | never).ids),
            ]
        )
        self.assertEqual(found.product_id, slow)

    def test_no_free_stock_no_row(self):
        sold_out = self.new_product("Sold Out Lamp", cost=1)
        self.stock(sold_out, 3, days_ago=10)
        self.sell(sold_out, 3, deliver=False)
        self.assertFalse(self.row(sold_out))

    def test_warehouse_users_only(self):
        slow = self.new_product("Slow Chair", cost=5)
        self.stock(slow, 4, days_ago=120)
        self.assertEqual(self.row(slow, user=self.stock_user).free_qty, 4)
        with self.assertRaises(AccessError):
            self.row(slow, user=self.salesman)
