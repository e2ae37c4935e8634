from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import LifecycleCommon

ACTIVITY = "sale_order_lifecycle.mail_activity_type_return_alert"


@tagged("post_install", "-at_install")
class TestReturnAlerts(LifecycleCommon):
    """A daily check flags customers and products returning too much."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "sale_return_rate_threshold": 20,
                "sale_return_alert_user_id": cls.sale_manager.id,
            }
        )
        cls.Alert = cls.env["sale.return.alert"]

    def new_customer(self, name):
        return self.env["res.partner"].create(
            {"name": name, "street": "3 Canal Street", "city": "Suzhou"}
        )

    def deliver_to(self, partner, qty, returned=0):
        order = self.create_orders(partner_id=partner.id, qty=qty)
        order.action_confirm()
        self.deliver(order)
        if returned:
            self.return_delivery(order.picking_ids, returned)
        return order

    def activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.return.alert"),
                ("activity_type_id", "=", self.env.ref(ACTIVITY).id),
            ]
        )

    def test_flags_once_then_closes_when_back_to_normal(self):
        often = self.new_customer("Returns Often Ltd")
        seldom = self.new_customer("Keeps Everything Ltd")
        self.deliver_to(often, 10, returned=3)
        self.deliver_to(seldom, 10)
        self.Alert._cron_check_return_rates()
        alert = self.Alert.search([])
        self.assertRecordValues(
            alert,
            [
                {
                    "kind": "customer",
                    "partner_id": often.id,
                    "delivered_qty": 10,
                    "returned_qty": 3,
                    "rate": 30,
                    "state": "open",
                }
            ],
        )
        # The product: 3 returned of 20 delivered, under the threshold.
        activity = self.activities()
        self.assertEqual(activity.user_id, self.sale_manager)
        self.assertIn("Returns Often Ltd (30%)", str(activity.note))
        # Again: nothing new, no second activity.
        self.Alert._cron_check_return_rates()
        self.assertEqual(self.Alert.search([]), alert)
        self.assertEqual(self.activities(), activity)
        # More deliveries bring the rate to 3 / 20: the alert closes.
        self.deliver_to(often, 10)
        self.Alert._cron_check_return_rates()
        self.assertEqual(alert.state, "closed")
        self.assertEqual(alert.date_closed, fields.Date.context_today(alert))

    def test_product_returned_by_everyone(self):
        self.deliver_to(self.new_customer("First Buyer"), 4, returned=2)
        self.deliver_to(self.new_customer("Second Buyer"), 4, returned=2)
        self.Alert._cron_check_return_rates()
        product_alert = self.Alert.search([("kind", "=", "product")])
        self.assertEqual(product_alert.product_id, self.product)
        self.assertEqual(product_alert.rate, 50)
        self.assertEqual(len(self.Alert.search([("kind", "=", "customer")])), 2)
        self.assertEqual(len(self.activities()), 1, "one digest")

    def test_only_the_last_90_days_count(self):
        old_customer = self.new_customer("Returned Long Ago Ltd")
        with freeze_time(fields.Datetime.now() - timedelta(days=100)):
            self.deliver_to(old_customer, 10, returned=9)
        self.Alert._cron_check_return_rates()
        self.assertFalse(self.Alert.search([]))

    def test_no_threshold_no_check(self):
        self.company.sale_return_rate_threshold = 0
        self.deliver_to(self.new_customer("Returns Everything"), 2, returned=2)
        self.Alert._cron_check_return_rates()
        self.assertFalse(self.Alert.search([]))

    def test_threshold_is_a_percentage(self):
        with self.assertRaises(ValidationError):
            self.company.sale_return_rate_threshold = 150

    def test_sales_administrators_only(self):
        self.deliver_to(self.new_customer("Returns A Lot"), 2, returned=1)
        self.Alert._cron_check_return_rates()
        alert = self.Alert.with_user(self.sale_manager).search(
            [("kind", "=", "customer")]
        )
        self.assertTrue(alert)
        with self.assertRaises(AccessError):
            self.Alert.with_user(self.salesman).search([])
        # Only the check writes alerts; the manager closes the activity.
        with self.assertRaises(AccessError):
            alert.write({"state": "closed"})
        self.activities().with_user(self.sale_manager).action_feedback("Called them")
        self.assertFalse(self.activities())
        self.assertEqual(alert.state, "open")
