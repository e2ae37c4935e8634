from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import LifecycleCommon, LifecycleHttpCommon


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


@tagged("post_install", "-at_install")
class TestLifecycleDashboardCancellations(LifecycleCommon):
    """Archived orders are read-only history: they keep counting in the
    dashboard's and the reports' cancellation figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.reasons = {
            months: cls.env.ref(f"sale_order_lifecycle.cancel_reason_{name}")
            for months, name in (
                (2, "out_of_stock"),
                (3, "duplicate"),
                (8, "customer_request"),
            )
        }
        cls.cancelled, cls.month_of = {}, {}
        for months, reason in cls.reasons.items():
            # Mid-month and midday: the month is the same in every time zone.
            when = fields.Datetime.now() - relativedelta(months=months, day=15, hour=12)
            with freeze_time(when):
                order = cls.create_orders(date_order=when)
                order.with_context(sale_cancel_reason_id=reason.id).action_cancel()
            cls.cancelled[months] = order
            cls.month_of[months] = when.replace(
                day=1, hour=0, minute=0, second=0, microsecond=0
            )
        cls.orders = cls.env["sale.order"].union(*cls.cancelled.values())
        cls.company.write({"sale_auto_archive": True, "sale_auto_archive_days": 30})
        cls.env["sale.order"]._cron_auto_archive()

    def test_tile_counts_archived_cancellations_by_month_and_reason(self):
        self.assertEqual(self.orders.mapped("active"), [False] * 3, "auto-archived")
        view = self.env.ref("sale_order_lifecycle.sale_lifecycle_dashboard_view")
        arch = (
            self.env["board.board"]
            .with_user(self.sale_manager)
            .get_view(view.id)["arch"]
        )
        [tile] = etree.fromstring(arch).xpath(
            "//action[contains(@string, 'Cancellations')]"
        )
        domain = safe_eval(
            tile.get("domain"),
            {"context_today": lambda: self.today, "relativedelta": relativedelta},
        )
        context = safe_eval(tile.get("context"))
        self.assertEqual(context["graph_measure"], "__count")
        groups = (
            self.env["sale.order.lifecycle.report"]
            .with_user(self.sale_manager)
            ._read_group(
                [*domain, ("order_id", "in", self.orders.ids)],
                context["graph_groupbys"],
                ["__count"],
            )
        )
        self.assertEqual(
            set(groups),
            {
                (self.month_of[2], self.reasons[2], 1),
                (self.month_of[3], self.reasons[3], 1),
            },
            "the cancellation of 8 months ago is older than the tile's six months",
        )

    def test_cancellations_report_counts_archived_orders(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_lifecycle.sale_order_cancellation_action"
        )
        orders = (
            self.env["sale.order"]
            .with_user(self.sale_manager)
            .with_context(**safe_eval(action["context"]))
        )
        groups = orders._read_group(
            [*safe_eval(action["domain"]), ("id", "in", self.orders.ids)],
            ["cancel_reason_id"],
            ["__count"],
        )
        self.assertEqual(set(groups), {(reason, 1) for reason in self.reasons.values()})
