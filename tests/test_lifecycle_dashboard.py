from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestLifecycleDashboardTour(LifecycleHttpCommon):
    def test_dashboard_tour(self):
        late_customer = self.env["res.partner"].create(
            {"name": "Dashboard Late Customer", "street": "2 Quay", "city": "Xiamen"}
        )
        ten_days_ago = fields.Datetime.now() - timedelta(days=10)
        with freeze_time(ten_days_ago):
            late = self.create_orders(
                partner_id=late_customer.id,
                commitment_date=ten_days_ago + timedelta(days=3),
            )
            late.action_confirm()
        self.env["sale.review.rule"].create(
            {
                "name": "Everything",
                "reviewer_user_ids": [Command.set(self.sale_manager.ids)],
            }
        )
        waiting = self.create_orders()
        waiting.with_user(self.salesman).action_request_review()
        self.assertEqual(waiting.review_state, "pending")
        self.start_tour(
            "/odoo/action-sale_order_lifecycle.sale_lifecycle_dashboard_action",
            "sale_lifecycle_dashboard",
            login=self.sale_manager.login,
        )

    def test_tiles_follow_the_user_rights(self):
        view = self.env.ref("sale_order_lifecycle.sale_lifecycle_dashboard_view")
        Board = self.env["board.board"]
        arch = Board.with_user(self.sale_manager).get_view(view.id)["arch"]
        self.assertIn("Late Deliveries", arch)
        self.assertNotIn("Open Low-Stock Alerts", arch, "no Inventory right")
        manager_in_stock = new_test_user(
            self.env,
            login="sol_dashboard_stock",
            groups="sales_team.group_sale_manager,stock.group_stock_user",
        )
        arch = Board.with_user(manager_in_stock).get_view(view.id)["arch"]
        self.assertIn("Open Low-Stock Alerts", arch)
