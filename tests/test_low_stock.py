from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestLowStock(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        cls.wh1 = cls.warehouse
        cls.wh2 = cls.env["stock.warehouse"].create({"name": "Second", "code": "SEC"})
        cls.category = cls.env["product.category"].create({"name": "Watched"})
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.item = cls.make_products(1)
        cls.stock_manager = new_test_user(
            cls.env, login="sol_stock_manager", groups="stock.group_stock_manager"
        )

    @classmethod
    def make_products(cls, count, category=None):
        products = cls.env["product.product"].create(
            [
                {
                    "name": f"Watched item {i}",
                    "is_storable": True,
                    "categ_id": (category or cls.category).id,
                }
                for i in range(count)
            ]
        )
        return products

    @classmethod
    def stock(cls, product, warehouse, qty):
        cls.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, qty
        )

    @classmethod
    def move(cls, product, source, destination, qty, done=True, days_ago=0):
        with freeze_time(cls.now - timedelta(days=days_ago)):
            move = cls.env["stock.move"].create(
                {
                    "name": "test",
                    "product_id": product.id,
                    "product_uom_qty": qty,
                    "product_uom": product.uom_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                }
            )
            move._action_confirm()
            move._action_assign()
            if done:
                move.quantity = qty
                move.picked = True
                move._action_done()
        return move

    def sell(self, product, warehouse, qty, days_ago):
        return self.move(
            product, warehouse.lot_stock_id, self.customer_location, qty, True, days_ago
        )

    def rule(self, **values):
        return self.env["stock.low.stock.rule"].create(
            {
                "name": "Test rule",
                "warehouse_ids": [Command.set(self.wh1.ids)],
                "scope": "category",
                "categ_ids": [Command.set(self.category.ids)],
                "trigger": "days_of_cover",
                "min_days": 60,
                "window_days": 30,
                "target_days": 90,
                "user_id": self.stock_manager.id,
                **values,
            }
        )

    def prepare_item(self):
        """100 on hand in WH1 after sales; 10 reserved; 20 incoming; 60 sold in
        the window, 15 before it."""
        self.stock(self.item, self.wh1, 175)
        self.sell(self.item, self.wh1, 15, days_ago=40)
        self.sell(self.item, self.wh1, 20, days_ago=20)
        self.sell(self.item, self.wh1, 40, days_ago=5)
        self.move(
            self.item, self.wh1.lot_stock_id, self.customer_location, 10, done=False
        )
        self.move(
            self.item, self.supplier_location, self.wh1.lot_stock_id, 20, done=False
        )

    def alerts(self, rule):
        return rule.alert_ids.filtered(lambda alert: alert.state != "resolved")

    def test_velocity_and_cover_arithmetic(self):
        self.prepare_item()
        rule = self.rule()
        rule._evaluate()
        alert = self.alerts(rule)
        self.assertRecordValues(
            alert,
            [
                {
                    "product_id": self.item.id,
                    "warehouse_id": self.wh1.id,
                    "qty_on_hand": 100,
                    "qty_free": 90,
                    "qty_incoming": 20,
                    "daily_sales": 2,
                    "days_of_cover": 55,
                    "qty_suggested": 70,
                    "severity": "warning",
                    "state": "open",
                }
            ],
        )
        self.assertIn("2.0 a day", alert.explanation)
        # Without incoming receipts the stock lasts 45 days and 90 are suggested.
        rule.include_incoming = False
        rule._evaluate()
        self.assertRecordValues(alert, [{"days_of_cover": 45, "qty_suggested": 90}])

    def test_min_qty_trigger_and_resolution(self):
        self.stock(self.item, self.wh1, 30)
        rule = self.rule(trigger="min_qty", min_qty=50, target_days=0)
        rule._evaluate()
        alert = self.alerts(rule)
        self.assertEqual(alert.qty_suggested, 20)
        self.assertEqual(alert.severity, "warning")
        # Re-evaluation updates the same alert.
        self.stock(self.item, self.wh1, -10)
        rule._evaluate()
        self.assertEqual(self.alerts(rule), alert)
        self.assertEqual((alert.qty_free, alert.severity), (20, "critical"))
        # The severity follows the rule's threshold.
        rule.min_qty = 30
        self.assertEqual(alert.severity, "warning")
        rule.min_qty = 50
        # Back above the threshold: resolved.
        self.stock(self.item, self.wh1, 100)
        rule._evaluate()
        self.assertEqual(alert.state, "resolved")
        self.assertTrue(alert.resolved_on)
        self.assertFalse(self.alerts(rule))
        # Low again: a new alert, the old one stays resolved.
        self.stock(self.item, self.wh1, -100)
        rule._evaluate()
        self.assertNotEqual(self.alerts(rule), alert)

    def test_each_warehouse_on_its_own(self):
        self.stock(self.item, self.wh1, 500)
        self.stock(self.item, self.wh2, 5)
        rule = self.rule(trigger="min_qty", min_qty=50, warehouse_ids=[Command.clear()])
        rule._evaluate()
        low = self.alerts(rule).filtered(lambda alert: alert.product_id == self.item)
        self.assertIn(self.wh2, low.warehouse_id)
        self.assertNotIn(self.wh1, low.warehouse_id)

    def test_products_without_sales_raise_no_cover_alert(self):
        self.stock(self.item, self.wh1, 1)
        rule = self.rule()
        rule._evaluate()
        self.assertFalse(self.alerts(rule))

    def test_one_open_alert_per_key(self):
        self.stock(self.item, self.wh1, 1)
        rule = self.rule(trigger="min_qty", min_qty=50)
        rule._evaluate()
        rule._evaluate()
        alert = self.alerts(rule)
        self.assertEqual(len(alert), 1)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            alert.copy()
            self.env.flush_all()

    def test_one_digest_activity_per_run(self):
        self.make_products(5)
        rule = self.rule(trigger="min_qty", min_qty=1)
        rule._evaluate()
        self.assertEqual(len(self.alerts(rule)), 6)
        self.assertEqual(len(rule.activity_ids), 1)
        self.assertEqual(rule.activity_ids.user_id, self.stock_manager)
        self.assertIn("6 new alerts", rule.activity_ids.summary)
        rule._evaluate()
        self.assertEqual(len(rule.activity_ids), 1, "no new alert, no new activity")

    def test_access(self):
        rule = self.rule(trigger="min_qty", min_qty=1)
        stock_user = new_test_user(
            self.env, login="sol_stock_user_2", groups="stock.group_stock_user"
        )
        rule.with_user(self.stock_manager).action_evaluate()
        self.assertTrue(rule.with_user(stock_user).alert_ids.mapped("qty_free"))
        with self.assertRaises(AccessError):
            rule.with_user(stock_user).action_evaluate()
        with self.assertRaises(AccessError):
            rule.with_user(stock_user).write({"min_qty": 3})
        # Alerts are the warehouse's work: a stock user snoozes them, and only
        # that; the figures, rules and reordering rules stay with managers.
        alerts = rule.alert_ids.with_user(stock_user)
        with self.assertRaises(AccessError):
            alerts.write({"state": "resolved"})
        with self.assertRaises(AccessError):
            alerts.write({"qty_free": 99})
        with self.assertRaises(AccessError):
            alerts.action_create_orderpoints()
        alerts.action_acknowledge()
        self.assertEqual(set(rule.alert_ids.mapped("state")), {"acknowledged"})
        with self.assertRaises(AccessError):
            rule.alert_ids.with_user(self.salesman).action_acknowledge()
        with self.assertRaises(AccessError):
            rule.with_user(self.salesman).read(["name"])
        menu = self.env.ref("sale_order_lifecycle.menu_stock_low_stock_alert")
        visible = self.env["ir.ui.menu"].with_user(stock_user)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertIn(menu.parent_id.id, visible)

    def test_company_isolation(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_user = new_test_user(
            self.env,
            login="sol_other_co_stock",
            groups="stock.group_stock_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.stock(self.item, self.wh1, 1)
        rule = self.rule(trigger="min_qty", min_qty=50)
        rule._evaluate()
        self.assertFalse(
            self.env["stock.low.stock.rule"].with_user(other_user).search([])
        )
        self.assertFalse(
            self.env["stock.low.stock.alert"].with_user(other_user).search([])
        )
        other_rule = (
            self.env["stock.low.stock.rule"]
            .with_user(other_user)
            .create({"name": "Other", "trigger": "min_qty", "min_qty": 1000})
        )
        other_rule._evaluate()
        self.assertNotIn(self.wh1, other_rule.alert_ids.warehouse_id)

    def test_bad_thresholds(self):
        with self.assertRaisesRegex(ValidationError, "sales window"):
            self.rule(window_days=0)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.rule(trigger="min_qty", min_qty=-1)
        with self.assertRaisesRegex(ValidationError, "choose the categories"):
            self.rule(categ_ids=[Command.clear()])

    def test_reordering_rules_take_over(self):
        self.prepare_item()
        rule = self.rule()
        rule._evaluate()
        alert = self.alerts(rule)
        action = alert.with_user(self.stock_manager).action_create_orderpoints()
        orderpoint = self.env["stock.warehouse.orderpoint"].search(action["domain"])
        self.assertRecordValues(
            orderpoint,
            [
                {
                    "product_id": self.item.id,
                    "warehouse_id": self.wh1.id,
                    "trigger": "manual",
                    "product_min_qty": 120,
                    "product_max_qty": 180,
                }
            ],
        )
        self.assertEqual(alert.state, "acknowledged")
        rule.min_days = 58
        rule._evaluate()
        self.assertEqual(alert.state, "acknowledged", "still low: 55 days < 58")
        alert.action_create_orderpoints()
        self.assertEqual(orderpoint.product_min_qty, 116, "updated in place")

    def test_sale_line_shows_low_stock(self):
        self.stock(self.item, self.wh1, 1)
        self.rule(trigger="min_qty", min_qty=50)._evaluate()
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "warehouse_id": self.wh1.id,
                    "order_line": [
                        Command.create({"product_id": self.item.id}),
                        Command.create({"product_id": self.product.id}),
                    ],
                }
            )
        )
        self.assertEqual(order.order_line.mapped("is_low_stock"), [True, False])

    def test_cron_evaluates_every_rule(self):
        self.stock(self.item, self.wh1, 1)
        rules = self.rule(trigger="min_qty", min_qty=50) | self.rule(
            trigger="min_qty", min_qty=10, warehouse_ids=[Command.clear()]
        )
        progress = self.env["ir.cron.progress"].create(
            {
                "cron_id": self.env.ref(
                    "sale_order_lifecycle.ir_cron_low_stock_evaluate"
                ).id
            }
        )
        self.env["stock.low.stock.rule"].with_context(
            ir_cron_progress_id=progress.id
        )._cron_evaluate()
        self.assertTrue(all(rules.mapped("alert_ids")))
        self.assertEqual(progress.remaining, 0)
        self.assertGreaterEqual(progress.done, 2)

    def test_query_count_constant_in_product_count(self):
        # Products with nothing free are below a minimum quantity: 10 alerts
        # for one rule, 1,100 for the other (more than the ORM's batches of 100
        # rows and its prefetch of 1,000 records).
        small = self.env["product.category"].create({"name": "Small"})
        large = self.env["product.category"].create({"name": "Large"})
        self.make_products(10, small)
        self.make_products(1100, large)
        rule_small = self.rule(
            categ_ids=[Command.set(small.ids)], trigger="min_qty", min_qty=5
        )
        rule_large = self.rule(
            categ_ids=[Command.set(large.ids)], trigger="min_qty", min_qty=5
        )
        # The first run creates the alerts, the second updates them, the third
        # (nothing is low any more) resolves them.
        for run in ("create", "update", "resolve"):
            if run == "resolve":
                (rule_small | rule_large).min_qty = 0
            queries_small = self.count_queries(rule_small._evaluate)
            self.env.invalidate_all()
            with self.subTest(run=run), self.assertQueryCount(queries_small):
                rule_large._evaluate()
            if run == "create":
                self.assertEqual(len(self.alerts(rule_large)), 1100)
        self.assertFalse(self.alerts(rule_large))
        self.assertEqual(len(rule_large.alert_ids), 1100)

    def test_low_stock_report(self):
        self.stock(self.item, self.wh1, 1)
        other = self.make_products(
            1, self.env["product.category"].create({"name": "Other"})
        )
        rule = self.rule(
            trigger="min_qty",
            min_qty=50,
            scope="product",
            product_ids=[Command.set((self.item | other).ids)],
        )
        rule._evaluate()
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        report = "sale_order_lifecycle.action_report_low_stock"
        html = Report._render_qweb_html(report, rule.alert_ids.ids)[0].decode()
        for text in (self.wh1.name, "Watched", "Other", self.item.name, other.name):
            self.assertIn(text, html)
        pdf = Report._render_qweb_pdf(report, rule.alert_ids.ids)[0]
        self.assertTrue(pdf.startswith(b"%PDF"))
