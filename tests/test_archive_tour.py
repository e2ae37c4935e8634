from odoo.tests import tagged

from .common import LifecycleHttpCommon


@tagged("post_install", "-at_install")
class TestArchiveTour(LifecycleHttpCommon):
    def test_archive_and_history_tour(self):
        order = self.create_finished_orders()
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "sale_order_lifecycle_archive",
            login=self.sale_manager.login,
        )
        self.assertFalse(order.active)
        self.assertEqual(order.archived_by_id, self.sale_manager)
