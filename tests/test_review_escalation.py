from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import activate_languages
from .test_review import ReviewCommon

ESCALATION = "sale_order_lifecycle.mail_activity_type_order_escalation"


@tagged("post_install", "-at_install")
class TestEscalation(ReviewCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.level1 | cls.level2).active = False
        cls.boss = new_test_user(
            cls.env,
            login="sol_boss",
            name="Bea Boss",
            groups="sales_team.group_sale_salesman",
        )
        cls.leader = new_test_user(
            cls.env,
            login="sol_leader",
            name="Leo Leader",
            groups="sales_team.group_sale_salesman",
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Escalation Team", "user_id": cls.leader.id}
        )
        cls.rule = cls.create_rule(
            name="Escalating rule",
            min_amount=1000.0,
            escalate_after_days=2,
            escalation_user_id=cls.boss.id,
        )
        cls.Review = cls.env["sale.order.review"]

    def escalations(self, orders):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("activity_type_id", "=", self.env.ref(ESCALATION).id),
            ]
        )

    def requested(self, count=1, user=None, **values):
        with freeze_time("2026-12-01 09:00:00"):
            orders = self.create_orders(
                count, qty=20, user=user, team_id=self.team.id, **values
            )
            self.request(orders, user=user)
        return orders

    def test_negative_days_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.rule.escalate_after_days = -1

    def test_escalates_once_after_the_days(self):
        orders = self.requested(3)
        with freeze_time("2026-12-02 09:00:00"):
            self.assertEqual(self.Review._cron_escalate(), 0)
            self.assertFalse(orders.review_ids.escalation_user_id)
            # Nothing for the escalation user to decide yet.
            self.assertFalse(
                self.Review.search(self.Review._get_current_reviewer_domain(self.boss))
                & orders.review_ids
            )
        with freeze_time("2026-12-03 10:00:00"):
            self.assertEqual(self.Review._cron_escalate(batch_size=2), 3)
            activities = self.escalations(orders)
            self.assertEqual(len(activities), 3)
            self.assertEqual(activities.user_id, self.boss)
            self.assertEqual(orders.review_ids.escalation_user_id, self.boss)
            self.assertEqual(
                set(orders.review_ids.mapped("escalated_on")),
                {orders.review_ids[0].escalated_on},
            )
            self.assertIn("escalated to Bea Boss", orders[0].message_ids[0].body)
            # Twice: nothing more.
            self.assertEqual(self.Review._cron_escalate(), 0)
        with freeze_time("2026-12-04 10:00:00"):
            self.assertEqual(self.Review._cron_escalate(), 0)
            self.assertEqual(len(self.escalations(orders)), 3)

    def test_escalation_in_the_escalation_users_language(self):
        """The user escalated to reads the activity and its reason in their
        own language, not in the cron's or the requester's."""
        activate_languages(self.env, "zh_CN")
        self.boss.lang = "zh_CN"
        order = self.requested()
        with freeze_time("2026-12-03 10:00:00"):
            self.Review.with_context(lang="en_US")._cron_escalate()
        activity = self.escalations(order)
        self.assertIn("已升级", activity.summary)
        self.assertIn("总额", str(activity.note))

    def test_escalation_user_decides(self):
        order = self.requested()
        with freeze_time("2026-12-03 10:00:00"):
            self.Review._cron_escalate()
            # Other salespeople still cannot decide.
            with self.assertRaises(AccessError):
                self.approve(order, self.salesman_other)
            self.assertTrue(order.with_user(self.boss).review_can_decide)
            self.approve(order, self.boss)
        review = order.review_ids
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.decided_by_id, self.boss)
        self.assertEqual(review.escalation_user_id, self.boss)
        self.assertEqual(order.review_state, "approved")
        # Every approval activity is closed, the reviewers' and the boss's.
        self.assertFalse(self.escalations(order))
        self.assertFalse(self.activities(order))

    def test_escalation_user_settles_all_mode_and_rejects(self):
        self.rule.write(
            {
                "approval_mode": "all",
                "reviewer_user_ids": [
                    Command.set((self.sale_manager | self.reviewer).ids)
                ],
            }
        )
        orders = self.requested(2)
        with freeze_time("2026-12-03 10:00:00"):
            self.Review._cron_escalate()
            self.approve(orders[0], self.boss)
            self.reject(orders[1], self.boss, reason="No")
        self.assertEqual(orders[0].review_state, "approved")
        self.assertEqual(orders[1].review_state, "rejected")
        self.assertEqual(orders[1].review_ids.decided_by_id, self.boss)

    def test_team_leader_by_default(self):
        self.rule.escalation_user_id = False
        order = self.requested()
        with freeze_time("2026-12-03 10:00:00"):
            self.Review._cron_escalate()
        self.assertEqual(order.review_ids.escalation_user_id, self.leader)
        self.assertEqual(self.escalations(order).user_id, self.leader)

    def test_salesperson_escalation_user_cannot_approve(self):
        # The team leader sells the order himself: he cannot approve it.
        self.rule.escalation_user_id = False
        order = self.requested(user=self.leader)
        with freeze_time("2026-12-03 10:00:00"):
            self.assertEqual(self.Review._cron_escalate(), 0)
            self.assertFalse(self.escalations(order))
            with self.assertRaises(AccessError):
                self.approve(order, self.leader)
        # Escalated to someone, who then becomes the salesperson: refused.
        self.rule.escalation_user_id = self.boss
        with freeze_time("2026-12-03 10:00:00"):
            self.Review._cron_escalate()
            self.assertEqual(order.review_ids.escalation_user_id, self.boss)
            order.user_id = self.boss
            self.assertFalse(order.with_user(self.boss).review_can_decide)
            with self.assertRaisesRegex(AccessError, "salesperson"):
                self.approve(order, self.boss)

    def test_other_company_escalation_user_skipped(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.boss.write(
            {
                "company_ids": [Command.set(other_company.ids)],
                "company_id": other_company.id,
            }
        )
        order = self.requested()
        with freeze_time("2026-12-03 10:00:00"):
            self.assertEqual(self.Review._cron_escalate(), 0)
        self.assertFalse(order.review_ids.escalation_user_id)

    def test_next_level_counts_from_its_opening(self):
        self.create_rule(
            name="Second level",
            sequence=20,
            min_amount=1000.0,
            escalate_after_days=2,
            escalation_user_id=self.boss.id,
        )
        order = self.requested()
        with freeze_time("2026-12-03 10:00:00"):
            self.approve(order, self.sale_manager)
            self.Review._cron_escalate()
            second = order.review_ids.filtered(lambda review: review.level == 20)
            self.assertEqual(second.state, "pending")
            self.assertFalse(second.escalation_user_id)
        with freeze_time("2026-12-05 11:00:00"):
            self.Review._cron_escalate()
            self.assertEqual(second.escalation_user_id, self.boss)

    def test_cron_queries_constant(self):
        """As many queries for 6 escalated orders as for 2."""
        self.requested(2)
        with freeze_time("2026-12-02 09:00:00"):
            later = self.create_orders(6, qty=20, team_id=self.team.id)
            self.request(later)
        counts = []
        for day in ("2026-12-03 10:00:00", "2026-12-04 10:00:00"):
            with freeze_time(day):
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                self.assertTrue(self.Review._cron_escalate())
                self.env.flush_all()
                counts.append(self.cr.sql_log_count - before)
        self.assertEqual(len(self.escalations(later)), 6)
        self.assertLessEqual(counts[1], counts[0] + 2, counts)
