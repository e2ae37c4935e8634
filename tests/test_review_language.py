from lxml import etree

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import LifecycleCommon, activate_languages


@tagged("post_install", "-at_install")
class TestReviewLanguage(LifecycleCommon):
    """What a review shows its reader is in the reader's language, not in the
    language of whoever requested it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_languages(cls.env, "zh_CN")
        cls.reviewer_zh = new_test_user(
            cls.env,
            login="sol_reviewer_zh",
            name="Li Reviewer",
            groups="sales_team.group_sale_manager",
            lang="zh_CN",
        )
        cls.rule = cls.env["sale.review.rule"].create(
            {
                "name": "Large order",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(cls.reviewer_zh.ids)],
            }
        )
        cls.rule.update_field_translations("name", {"zh_CN": "大额订单"})

    def test_review_line_and_activity_in_the_readers_language(self):
        order = self.create_orders(qty=20)
        order.with_user(self.salesman).with_context(
            lang="en_US"
        ).action_request_review()
        review = order.review_ids
        self.assertEqual(review.with_context(lang="en_US").name, "Large order")
        self.assertEqual(review.with_context(lang="zh_CN").name, "大额订单")
        activity = order.activity_ids.filtered("sale_review_id")
        self.assertEqual(activity.user_id, self.reviewer_zh)
        self.assertIn("大额订单", activity.summary)
        self.assertIn("审批", activity.summary)
        # The decision report reads the same names.
        report = self.env["sale.review.decision.report"]
        order.with_user(self.reviewer_zh).action_review_approve()
        line = report.with_context(lang="zh_CN").search([("order_id", "=", order.id)])
        self.assertEqual(line.name, "大额订单")

    def test_reason_in_the_readers_language(self):
        """The same review line says why in English to an English reader and
        in Chinese to a Chinese one, whoever requested it; so does the
        reviewer's activity."""
        salesman_zh = new_test_user(
            self.env,
            login="sol_salesman_zh",
            name="Zhang Salesman",
            groups="sales_team.group_sale_salesman",
            lang="zh_CN",
        )
        for requester in (self.salesman, salesman_zh):
            with self.subTest(requester=requester.lang):
                order = self.create_orders(qty=20, user=requester)
                order.with_user(requester).with_context(
                    lang=requester.lang
                ).action_request_review()
                review = order.review_ids
                english = review.with_context(lang="en_US").reason
                chinese = review.with_context(lang="zh_CN").reason
                self.assertRegex(english, r"^total .+ is at least .+$")
                self.assertIn("总额", chinese)
                self.assertNotIn("total", chinese)
                activity = order.activity_ids.filtered("sale_review_id")
                self.assertIn("总额", str(activity.note))

    def test_reason_of_other_conditions_in_every_language(self):
        """Conditions worded by the rule's filter carry the rule's name in the
        reader's language."""
        self.rule.domain = "[('partner_id', '!=', False)]"
        order = self.create_orders(qty=20)
        order.with_user(self.salesman).action_request_review()
        review = order.review_ids
        self.assertIn(
            "matches the conditions of Large order",
            review.with_context(lang="en_US").reason,
        )
        self.assertIn("大额订单", review.with_context(lang="zh_CN").reason)

    def test_salespersons_todo_in_their_language_whoever_decides(self):
        """A Chinese reviewer's approval or rejection gives the English
        salesperson an English to-do and notice."""
        approved, rejected = self.create_orders(2, qty=20)
        (approved | rejected).with_user(self.salesman).action_request_review()
        approved.with_user(self.reviewer_zh).with_context(
            lang="zh_CN"
        ).action_review_approve()
        rejected.with_user(self.reviewer_zh).with_context(lang="zh_CN")._review_reject(
            "价格太低"
        )

        def todo(order):
            return order.activity_ids.filtered(
                lambda a: a.user_id == self.salesman and not a.sale_review_id
            )

        self.assertEqual(todo(approved).summary, "Order approved: confirm it")
        self.assertEqual(todo(rejected).summary, "Approval rejected")
        self.assertIn("Rejected by Li Reviewer: 价格太低", str(todo(rejected).note))
        notices = self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.salesman.partner_id.ids),
            ]
        )
        self.assertIn("Sales orders approved", notices.mapped("subject"))

    def test_problems_in_the_readers_language(self):
        """The automatic checks are read in each reader's language, even in
        the same transaction."""
        order = self.create_orders()
        order.partner_id = self.env["res.partner"].create({"name": "No Address"})
        english = order.with_context(lang="en_US").review_problems
        chinese = order.with_context(lang="zh_CN").review_problems
        self.assertIn("needs a street and a city", english)
        self.assertIn("需要填写街道和城市", chinese)

    def test_credit_warning_in_every_language(self):
        """Odoo's credit limit warning, part of the Why, is worded in each
        language too (Odoo does not compute it per language)."""
        self.env["ir.module.module"]._load_module_terms(["account"], ["zh_CN"])
        self.rule.write({"min_amount": 0.0, "credit_risk": True})
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 150.0
        order = self.create_orders(qty=2)
        order.with_user(self.salesman).with_context(
            lang="en_US"
        ).action_request_review()
        review = order.review_ids
        self.assertIn(
            "has reached its credit limit", review.with_context(lang="en_US").reason
        )
        self.assertIn("已达到信贷限额", review.with_context(lang="zh_CN").reason)

    def test_products_named_in_the_readers_language(self):
        self.rule.write({"min_amount": 0.0, "below_list_price": True})
        self.product.product_tmpl_id.update_field_translations(
            "name", {"zh_CN": "生命周期库存品"}
        )
        order = self.create_orders()
        order.order_line.price_unit = 50.0
        order.with_user(self.salesman).action_request_review()
        review = order.review_ids
        self.assertIn("Lifecycle Storable", review.with_context(lang="en_US").reason)
        self.assertIn("生命周期库存品", review.with_context(lang="zh_CN").reason)

    def test_rule_renamed_later_keeps_the_snapshot(self):
        order = self.create_orders(qty=20)
        order.with_user(self.salesman).action_request_review()
        self.rule.name = "Renamed"
        self.assertEqual(
            order.review_ids.with_context(lang="en_US").name, "Large order"
        )

    def test_reassign_wizard_opens_on_the_new_salesperson(self):
        """The cursor lands on the new salesperson (not on the administrators'
        order filter), and the required reason has its label."""
        for user in (self.salesman, self.reviewer_zh):
            view = self.env["sale.order.reassign.wizard"].with_user(user).get_view()
            arch = etree.fromstring(view["arch"])
            fields = [
                node.get("name") for node in arch.xpath("//field[not(ancestor::field)]")
            ]
            self.assertEqual(fields[0], "user_id")
            (user_field,) = arch.xpath("//field[@name='user_id'][not(ancestor::field)]")
            self.assertEqual(user_field.get("default_focus"), "1")
            (reason,) = arch.xpath("//field[@name='reason']")
            self.assertEqual(reason.getparent().tag, "group", "a labelled field")


@tagged("post_install", "-at_install")
class TestReviewLanguageBatch(MockEmail, LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_languages(cls.env, "zh_CN")
        cls.env["sale.review.rule"].create(
            {
                "name": "Large order",
                "min_amount": 1000.0,
                "new_customer": True,
                "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
            }
        )

    def test_request_queries_do_not_grow_with_orders_in_two_languages(self):
        """Wording the reasons in a second language costs a constant, not a
        query per order."""
        warmup, one = self.create_orders(2, qty=60)
        twenty = self.create_orders(20, qty=60)
        warmup.with_user(self.salesman).action_request_review()
        with self.mock_mail_gateway(mail_unlink_sent=True):
            queries_one = self.count_queries(
                one.with_user(self.salesman).action_request_review
            )
            queries_twenty = self.count_queries(
                twenty.with_user(self.salesman).action_request_review
            )
        self.assertEqual(len(twenty.review_ids), 20)
        self.assertEqual(
            set(twenty.review_ids.with_context(lang="zh_CN").mapped("reason")),
            set(one.review_ids.with_context(lang="zh_CN").mapped("reason")),
        )
        self.assertIn("首", one.review_ids.with_context(lang="zh_CN").reason)
        self.assertLessEqual(
            queries_twenty, queries_one + 2, (queries_one, queries_twenty)
        )
