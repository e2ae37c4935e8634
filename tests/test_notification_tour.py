from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestNotificationTour(LifecycleHttpCommon):
    def test_notification_rule_tour(self):
        self.start_tour(
            "/odoo/action-sale_order_lifecycle.sale_order_notification_rule_action",
            "sale_order_lifecycle_notification_rule",
            login=self.sale_manager.login,
        )
        rule = self.env["sale.order.notification.rule"].search(
            [("name", "=", "Quotations not sent after 3 days")]
        )
        self.assertRecordValues(
            rule,
            [
                {
                    "trigger": "stalled",
                    "stalled_condition": "quotation_not_sent",
                    "days": 3,
                    "notify_salesperson": True,
                    "channel": "activity",
                    "deadline_days": 1,
                    "company_id": self.company.id,
                }
            ],
        )
        order = self.create_orders(date_order=fields.Datetime.now() - timedelta(days=4))
        self.env["sale.order.notification.rule"]._cron_notify_stalled()
        activity = order.activity_ids.filtered(
            lambda act: (
                act.user_id == self.salesman
                and act.activity_type_id
                == self.env.ref(
                    "sale_order_lifecycle.mail_activity_type_order_notification"
                )
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.date_deadline,
            fields.Date.context_today(order) + timedelta(days=1),
        )
