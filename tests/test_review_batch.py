from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_review import ReviewCommon


@tagged("post_install", "-at_install")
class TestReviewBatchDecisions(ReviewCommon):
    """Approve and Reject on a selection of the To Approve list: the orders the
    reviewer may decide are decided, the others are named with the reason."""

    def run_server_action(self, xmlid, orders, user):
        action = self.env.ref(xmlid).with_user(user)
        return action.with_context(
            active_model="sale.order", active_ids=orders.ids, active_id=orders[:1].id
        ).run()

    def test_approve_selection_decides_what_it_can(self):
        # Level 10 (sale manager) only: 1,000 <= total < 5,000.
        mine = self.create_orders(count=2, qty=12)
        own = self.create_orders(qty=12, user=self.sale_manager)
        self.level1.forbid_self_approval = True
        self.level1.reviewer_user_ids |= self.reviewer
        not_requested = self.create_orders()
        self.request(mine)
        self.request(own, user=self.sale_manager)
        selection = mine | own | not_requested
        result = self.run_server_action(
            "sale_order_lifecycle.sale_order_action_review_approve_selection",
            selection,
            self.sale_manager,
        )
        self.assertEqual(set(mine.mapped("review_state")), {"approved"})
        self.assertEqual(own.review_state, "pending")
        self.assertEqual(not_requested.review_state, "none")
        params = result["params"]
        self.assertTrue(params["sticky"])
        self.assertIn("2 of 4 orders approved.", params["message"])
        self.assertIn(f"{own.name} (you are its salesperson", params["message"])
        self.assertIn(f"{not_requested.name} (no approval waits", params["message"])

    def test_approve_selection_without_refusal_is_a_plain_notice(self):
        orders = self.create_orders(count=3, qty=12)
        self.request(orders)
        result = self.run_server_action(
            "sale_order_lifecycle.sale_order_action_review_approve_selection",
            orders,
            self.sale_manager,
        )
        self.assertEqual(set(orders.mapped("review_state")), {"approved"})
        self.assertEqual(result["params"]["type"], "success")
        self.assertFalse(result["params"]["sticky"])

    def test_reject_selection_opens_the_dialog_for_the_decidable_ones(self):
        mine = self.create_orders(count=2, qty=12)
        other = self.create_orders()
        self.request(mine)
        action = self.run_server_action(
            "sale_order_lifecycle.sale_order_action_review_reject_selection",
            mine | other,
            self.sale_manager,
        )
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.sale_manager)
            .with_context(**action["context"])
            .create({"reason": "Margins too thin"})
        )
        self.assertEqual(wizard.order_ids, mine)
        self.assertIn(other.name, wizard.skipped_note)
        wizard.action_reject()
        self.assertEqual(set(mine.mapped("review_state")), {"rejected"})
        self.assertEqual(other.review_state, "none")

    def test_reject_selection_with_nothing_to_decide(self):
        orders = self.create_orders(count=2)
        with self.assertRaisesRegex(UserError, "cannot decide on any"):
            self.run_server_action(
                "sale_order_lifecycle.sale_order_action_review_reject_selection",
                orders,
                self.sale_manager,
            )

    def test_salesperson_cannot_decide_by_the_list_action(self):
        orders = self.create_orders(count=2, qty=12)
        self.request(orders)
        result = self.run_server_action(
            "sale_order_lifecycle.sale_order_action_review_approve_selection",
            orders,
            self.salesman,
        )
        self.assertIn("0 of 2 orders approved.", result["params"]["message"])
        self.assertEqual(set(orders.mapped("review_state")), {"pending"})
