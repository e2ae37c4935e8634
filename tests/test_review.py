from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import LifecycleCommon

APPROVAL = "sale_order_lifecycle.mail_activity_type_order_approval"


class ReviewCommon(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reviewer = new_test_user(
            cls.env,
            login="sol_reviewer",
            name="Rex Reviewer",
            groups="sales_team.group_sale_manager",
        )
        cls.Rule = cls.env["sale.review.rule"]
        cls.level1 = cls.create_rule(name="Large order", sequence=10, min_amount=1000.0)
        cls.level2 = cls.create_rule(
            name="Very large order",
            sequence=20,
            min_amount=5000.0,
            reviewer_user_ids=[Command.set(cls.reviewer.ids)],
        )

    @classmethod
    def create_rule(cls, **values):
        return cls.env["sale.review.rule"].create(
            {
                "name": "Rule",
                "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
                **values,
            }
        )

    def activities(self, orders, user=None):
        domain = [
            ("res_model", "=", "sale.order"),
            ("res_id", "in", orders.ids),
            ("activity_type_id", "=", self.env.ref(APPROVAL).id),
        ]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.env["mail.activity"].search(domain)

    def request(self, orders, user=None):
        orders.with_user(user or self.salesman).action_request_review()

    def approve(self, orders, user):
        orders.with_user(user).action_review_approve()

    def reject(self, orders, user, reason="Price too low"):
        action = orders.with_user(user).action_review_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        wizard.action_reject()


@tagged("post_install", "-at_install")
class TestReviewConditions(ReviewCommon):
    """Each condition on its own: the order meets it, or not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.level1 | cls.level2).active = False

    def assertRuleApplies(self, rule, order, applies=True, reason=None):
        matches = self.Rule._match_orders(order)
        rules = [matched for matched, _reasons in matches.get(order, [])]
        self.assertEqual(rule in rules, applies, rules)
        # Not stored: recomputed on each read of the form, not on rule changes.
        order.invalidate_recordset(["review_required"])
        self.assertEqual(order.review_required, applies)
        if reason:
            reasons = dict(matches[order])[rule]
            self.assertIn(reason, " ".join(reasons))

    def test_min_amount(self):
        rule = self.create_rule(min_amount=1000.0)
        self.assertRuleApplies(rule, self.create_orders(qty=5), False)
        self.assertRuleApplies(rule, self.create_orders(qty=10), reason="at least")

    def test_min_amount_in_company_currency(self):
        """1,500 in a currency worth twice the company's is 3,000."""
        currency = self.env["res.currency"].create(
            {"name": "SOL", "symbol": "S", "rounding": 0.01}
        )
        self.env["res.currency.rate"].create(
            {
                "name": fields.Date.today() - timedelta(days=1),
                "rate": 0.5,
                "currency_id": currency.id,
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "SOL prices", "currency_id": currency.id}
        )
        order = self.create_orders(qty=30, pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, currency)
        self.assertAlmostEqual(order.amount_untaxed, 1500.0)
        rule = self.create_rule(min_amount=2000.0 + order.amount_tax * 2)
        self.assertRuleApplies(rule, order)
        rule.min_amount = order.amount_total * 2 + 1
        self.assertRuleApplies(rule, order, False)

    def test_max_discount(self):
        rule = self.create_rule(max_discount=10.0)
        order = self.create_orders()
        order.order_line.discount = 5.0
        self.assertRuleApplies(rule, order, False)
        order.order_line.discount = 15.0
        self.assertRuleApplies(rule, order, reason="discount of 15.0%")

    def test_min_margin(self):
        """Cost 60: sold at 100 the margin is 40%, at 80 it is 25%."""
        rule = self.create_rule(min_margin=30.0)
        order = self.create_orders()
        self.assertRuleApplies(rule, order, False)
        order.order_line.price_unit = 80.0
        self.assertRuleApplies(rule, order, reason="margin of 25.0%")

    def test_new_customer(self):
        rule = self.create_rule(new_customer=True)
        first = self.create_orders()
        self.assertRuleApplies(rule, first, reason="first order")
        rule.active = False
        first.action_confirm()
        rule.active = True
        self.assertRuleApplies(rule, self.create_orders(), False)
        # A contact of a known customer is not new.
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id, "type": "contact"}
        )
        self.assertRuleApplies(rule, self.create_orders(partner_id=contact.id), False)

    def test_credit_risk_overdue_invoice(self):
        rule = self.create_rule(credit_risk=True)
        self.assertRuleApplies(rule, self.create_orders(), False)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.today() - timedelta(days=60),
                "invoice_date_due": fields.Date.today() - timedelta(days=30),
                "invoice_line_ids": [
                    Command.create({"name": "Old sale", "price_unit": 50.0})
                ],
            }
        )
        invoice.action_post()
        self.assertRuleApplies(rule, self.create_orders(), reason="overdue invoices")

    def test_credit_risk_credit_limit(self):
        rule = self.create_rule(credit_risk=True)
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 150.0
        self.assertRuleApplies(rule, self.create_orders(qty=1), False)
        self.assertRuleApplies(
            rule, self.create_orders(qty=2), reason="reached its credit limit"
        )

    def test_below_list_price(self):
        rule = self.create_rule(below_list_price=True)
        order = self.create_orders()
        self.assertRuleApplies(rule, order, False)
        order.order_line.discount = 1.0
        self.assertRuleApplies(rule, order, reason="below the sales price")
        order.order_line.write({"discount": 0.0, "price_unit": 99.0})
        self.assertRuleApplies(rule, order)

    def test_stock_shortage(self):
        rule = self.create_rule(stock_shortage=True)
        product = self.env["product.product"].create(
            {
                "name": "Scarce",
                "type": "consu",
                "is_storable": True,
                "list_price": 10.0,
            }
        )
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, 5
        )
        line = {"product_id": product.id, "product_uom_qty": 3}
        order = self.create_orders(order_line=[Command.create(line)])
        self.assertRuleApplies(rule, order, False)
        # Four units reserved by a confirmed order leave one free.
        other = self.create_orders(
            order_line=[Command.create({**line, "product_uom_qty": 4})]
        )
        other.action_confirm()
        self.assertEqual(other.picking_ids.move_ids.quantity, 4)
        self.assertRuleApplies(rule, order, reason="not enough free stock")

    def test_domain(self):
        rule = self.create_rule(domain="[('client_order_ref', '=', 'VIP')]")
        self.assertRuleApplies(rule, self.create_orders(), False)
        self.assertRuleApplies(rule, self.create_orders(client_order_ref="VIP"))

    def test_conditions_add_up(self):
        rule = self.create_rule(min_amount=1000.0, max_discount=10.0)
        order = self.create_orders(qty=20)
        self.assertRuleApplies(rule, order, False)
        order.order_line.discount = 20.0
        self.assertRuleApplies(rule, order)
        order.order_line.product_uom_qty = 2
        self.assertRuleApplies(rule, order, False)

    def test_rule_without_condition_applies_to_all(self):
        rule = self.create_rule()
        self.assertRuleApplies(rule, self.create_orders(qty=1))

    def test_inactive_and_foreign_company_rules_do_not_apply(self):
        rule = self.create_rule()
        rule.active = False
        self.assertRuleApplies(rule, self.create_orders(), False)
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.create_rule(company_id=other_company.id)
        self.assertRuleApplies(foreign, self.create_orders(), False)

    def test_rule_constraints(self):
        with self.assertRaises(ValidationError):
            self.create_rule(min_amount=-1.0)
        with self.assertRaises(ValidationError):
            self.create_rule(max_discount=150.0)
        with self.assertRaises(ValidationError):
            self.create_rule(reviewer_user_ids=[])
        with self.assertRaises(ValidationError):
            self.create_rule(
                approval_mode="all",
                reviewer_group_ids=[
                    Command.set(self.env.ref("sales_team.group_sale_manager").ids)
                ],
            )
        with self.assertRaises(ValidationError):
            self.create_rule(domain="[('no_such_field', '=', 1)]")
        with self.assertRaises(ValidationError):
            self.create_rule(domain="not a domain")

    def test_rules_rights(self):
        rule = self.create_rule()
        self.assertEqual(rule.with_user(self.salesman).name, "Rule")
        with self.assertRaises(AccessError):
            rule.with_user(self.salesman).min_amount = 1.0
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.salesman).create(
                {"name": "Mine", "reviewer_user_ids": [Command.set(self.salesman.ids)]}
            )
        self.Rule.with_user(self.sale_manager).create(
            {"name": "Managed", "reviewer_user_ids": [Command.set(self.salesman.ids)]}
        )


@tagged("post_install", "-at_install")
class TestReviewChecks(ReviewCommon):
    def test_problems_listed_at_once(self):
        nowhere = self.env["res.partner"].create({"name": "No Address"})
        order = self.create_orders(
            qty=20,
            partner_id=nowhere.id,
            commitment_date=fields.Datetime.now() - timedelta(days=2),
        )
        order.order_line.price_unit = 0.0
        problems = order.review_problems
        for text in ("has no price", "needs a street and a city", "in the past"):
            self.assertIn(text, problems)
        with self.assertRaisesRegex(UserError, "(?s)no price.*street.*past"):
            self.request(order)
        self.assertEqual(order.review_state, "none")
        with self.assertRaisesRegex(UserError, "(?s)no price.*street.*past"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_quantity_must_be_positive(self):
        order = self.create_orders()
        order.order_line.product_uom_qty = 0
        with self.assertRaisesRegex(UserError, "quantity must be positive"):
            order.action_confirm()

    def test_free_by_pricelist_is_no_problem(self):
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Free samples",
                "item_ids": [
                    Command.create(
                        {
                            "compute_price": "percentage",
                            "percent_price": 100.0,
                            "applied_on": "3_global",
                        }
                    )
                ],
            }
        )
        order = self.create_orders(pricelist_id=pricelist.id)
        self.assertEqual(order.order_line.price_unit, 0.0)
        self.assertFalse(order.review_problems)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_sections_and_notes_need_no_price(self):
        order = self.create_orders()
        order.order_line = [
            Command.create({"display_type": "line_section", "name": "Section"}),
            Command.create({"display_type": "line_note", "name": "Note"}),
        ]
        self.assertFalse(order.review_problems)


@tagged("post_install", "-at_install")
class TestReviewWorkflow(ReviewCommon):
    def test_request_without_rule_is_refused(self):
        order = self.create_orders(qty=1)
        self.assertFalse(order.review_required)
        with self.assertRaisesRegex(UserError, "no review rule applies"):
            self.request(order)

    def test_two_levels(self):
        order = self.create_orders(qty=60)
        self.assertTrue(order.review_required)
        self.request(order)
        self.assertEqual(order.review_state, "pending")
        first, second = order.review_ids.sorted("level")
        self.assertEqual(
            (first.rule_id, first.state, second.rule_id, second.state),
            (self.level1, "pending", self.level2, "waiting"),
        )
        self.assertIn("at least", first.reason)
        # Only the current level is asked.
        self.assertEqual(self.activities(order).user_id, self.sale_manager)
        self.assertTrue(order.with_user(self.sale_manager).review_can_decide)
        self.assertFalse(order.with_user(self.reviewer).review_can_decide)
        with self.assertRaises(AccessError):
            self.approve(order, self.reviewer)

        self.approve(order, self.sale_manager)
        self.assertEqual(first.state, "approved")
        self.assertEqual(first.decided_by_id, self.sale_manager)
        self.assertTrue(first.decided_on)
        self.assertEqual(second.state, "pending")
        self.assertEqual(order.review_state, "pending")
        self.assertEqual(self.activities(order).user_id, self.reviewer)
        done = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("mail_activity_type_id", "=", self.env.ref(APPROVAL).id),
            ]
        )
        self.assertIn("Approved by Mia Manager", str(done.mapped("body")))

        self.approve(order, self.reviewer)
        self.assertEqual(second.state, "approved")
        self.assertEqual(order.review_state, "approved")
        self.assertFalse(self.activities(order))
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesman)
        self.assertEqual(todo.summary, "Order approved: confirm it")
        self.assertEqual(order.state, "draft")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_same_level_rules_are_asked_together(self):
        self.level2.sequence = 10
        order = self.create_orders(qty=60)
        self.request(order)
        self.assertEqual(set(order.review_ids.mapped("state")), {"pending"})
        self.assertEqual(
            self.activities(order).user_id, self.sale_manager | self.reviewer
        )
        self.approve(order, self.reviewer)
        self.assertEqual(order.review_state, "pending")
        self.approve(order, self.sale_manager)
        self.assertEqual(order.review_state, "approved")

    def test_auto_confirm_on_final_approval(self):
        self.company.sale_review_auto_confirm = True
        order = self.create_orders(qty=20)
        self.request(order)
        self.approve(order, self.sale_manager)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.picking_ids)
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesman)
        self.assertEqual(todo.summary, "Order approved and confirmed")

    def test_all_reviewers_must_approve(self):
        self.level1.write(
            {
                "approval_mode": "all",
                "reviewer_user_ids": [
                    Command.set((self.sale_manager | self.reviewer).ids)
                ],
            }
        )
        order = self.create_orders(qty=20)
        self.request(order)
        self.approve(order, self.reviewer)
        self.assertEqual(order.review_state, "pending")
        self.assertEqual(order.review_ids.approved_user_ids, self.reviewer)
        self.assertEqual(self.activities(order).user_id, self.sale_manager)
        self.assertFalse(order.with_user(self.reviewer).review_can_decide)
        with self.assertRaises(AccessError):
            self.approve(order, self.reviewer)
        self.approve(order, self.sale_manager)
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(order.review_ids.decided_by_id, self.sale_manager)

    def test_group_reviewers(self):
        self.level1.write(
            {
                "reviewer_user_ids": [Command.clear()],
                "reviewer_group_ids": [
                    Command.set(self.env.ref("sales_team.group_sale_manager").ids)
                ],
            }
        )
        order = self.create_orders(qty=20)
        self.request(order)
        self.assertIn(self.reviewer, order.review_ids.reviewer_user_ids)
        self.assertIn(self.reviewer, self.activities(order).user_id)
        self.approve(order, self.reviewer)
        self.assertEqual(order.review_state, "approved")
        self.assertFalse(self.activities(order))

    def test_self_approval_refused(self):
        order = self.create_orders(qty=20, user=self.sale_manager)
        self.level1.reviewer_user_ids = self.sale_manager
        with self.assertRaisesRegex(UserError, "nobody may approve Large order"):
            self.request(order, self.sale_manager)
        self.level1.reviewer_user_ids |= self.reviewer
        self.request(order, self.sale_manager)
        self.assertEqual(order.review_ids.reviewer_user_ids, self.reviewer)
        self.assertFalse(order.with_user(self.sale_manager).review_can_decide)
        with self.assertRaisesRegex(AccessError, "another reviewer"):
            self.approve(order, self.sale_manager)
        # Handed over to the manager after the request: still refused.
        order.user_id = self.reviewer
        with self.assertRaisesRegex(AccessError, "another reviewer"):
            self.approve(order, self.reviewer)

    def test_self_approval_allowed_when_the_rule_says_so(self):
        self.level1.write(
            {"reviewer_user_ids": self.sale_manager.ids, "forbid_self_approval": False}
        )
        order = self.create_orders(qty=20, user=self.sale_manager)
        self.request(order, self.sale_manager)
        self.approve(order, self.sale_manager)
        self.assertEqual(order.review_state, "approved")

    def test_non_reviewer_refused(self):
        order = self.create_orders(qty=20)
        self.request(order)
        for user in (self.salesman, self.reviewer, self.accountant):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.approve(order, user)
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.reject(order, user)
        self.assertEqual(order.review_ids.state, "pending")
        self.assertEqual(order.review_state, "pending")

    def test_reject(self):
        order = self.create_orders(qty=60)
        self.request(order)
        with self.assertRaisesRegex(UserError, "reason is required"):
            self.reject(order, self.sale_manager, reason="  ")
        self.reject(order, self.sale_manager)
        first, second = order.review_ids.sorted("level")
        self.assertEqual((first.state, second.state), ("rejected", "cancelled"))
        self.assertEqual(first.comment, "Price too low")
        self.assertEqual(order.review_state, "rejected")
        self.assertFalse(self.activities(order))
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesman)
        self.assertEqual(todo.summary, "Approval rejected")
        with self.assertRaisesRegex(UserError, "approval was rejected"):
            order.action_confirm()
        # Asked again: new lines, the rejected ones stay as history.
        self.request(order)
        self.assertEqual(len(order.review_ids), 4)
        self.assertEqual(order.review_state, "pending")

    def test_request_twice_is_refused(self):
        order = self.create_orders(qty=20)
        self.request(order)
        with self.assertRaisesRegex(UserError, "already requested"):
            self.request(order)

    def test_review_state_cannot_be_written(self):
        order = self.create_orders(qty=20)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).write({"review_state": "approved"})
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "review_state": "approved"}
            )
        self.assertEqual(order.review_state, "none")

    def test_to_approve_search(self):
        orders = self.create_orders(2, qty=20)
        self.request(orders)
        Order = self.env["sale.order"].with_user(self.sale_manager)
        self.assertEqual(Order.search([("review_can_decide", "=", True)]), orders)
        self.approve(orders[0], self.sale_manager)
        self.assertEqual(Order.search([("review_can_decide", "=", True)]), orders[1])
        self.assertIn(orders[0], Order.search([("review_can_decide", "!=", True)]))
        self.assertFalse(
            self.env["sale.order"]
            .with_user(self.reviewer)
            .search([("review_can_decide", "=", True)])
        )

    def test_salesman_reviewer_reads_but_cannot_write(self):
        self.level1.reviewer_user_ids = self.salesman_other
        order = self.create_orders(qty=20)
        as_other = order.with_user(self.salesman_other)
        with self.assertRaises(AccessError):
            as_other.read(["name"])
        self.request(order)
        as_other.invalidate_recordset()
        self.assertEqual(as_other.read(["name"])[0]["name"], order.name)
        self.assertTrue(as_other.order_line.read(["product_uom_qty"]))
        self.assertTrue(as_other.review_ids.read(["state"]))
        with self.assertRaises(AccessError):
            as_other.write({"note": "Changed by a reviewer"})
        with self.assertRaises(AccessError):
            as_other.order_line.write({"product_uom_qty": 1})
        as_other.action_review_approve()
        self.assertEqual(order.review_state, "approved")
        # Other salespersons' orders stay out of sight.
        with self.assertRaises(AccessError):
            self.create_orders().with_user(self.salesman_other).read(["name"])

    def test_reassignment_keeps_the_approval(self):
        order = self.create_orders(qty=20)
        self.request(order)
        self.approve(order, self.sale_manager)
        order.write({"user_id": self.salesman_other.id})
        self.assertEqual(order.review_state, "approved")


@tagged("post_install", "-at_install")
class TestReviewGates(ReviewCommon):
    """While a required review is not approved nothing confirms or sends it."""

    def setUp(self):
        super().setUp()
        self.order = self.create_orders(qty=20, require_signature=True)

    def assertNamesRule(self, func, pattern="Large order"):
        with self.assertRaisesRegex(UserError, pattern):
            func()
        self.assertIn(self.order.state, ("draft", "sent"))

    def test_every_path_refused(self):
        for requested in (False, True):
            if requested:
                self.request(self.order)
            order = self.order.with_user(self.salesman)
            with self.subTest(requested=requested):
                self.assertNamesRule(order.action_confirm)
                self.assertNamesRule(order.action_quotation_send)
                self.assertNamesRule(
                    order.with_context(proforma=True).action_quotation_send
                )
                self.assertNamesRule(order.action_quotation_sent)
                self.assertNamesRule(
                    lambda order=order: order.with_context(
                        mark_so_as_sent=True
                    ).message_post(body="Your quotation")
                )
                # Mass confirmation: nothing confirmed, the orders named.
                other = self.create_orders(qty=1)
                self.assertNamesRule((order | other).action_confirm)
                self.assertEqual(other.state, "draft")
                # Portal: no signature, no payment offered.
                order_sudo = self.order.sudo()
                self.assertFalse(order_sudo._has_to_be_signed())
                self.assertFalse(order_sudo._has_to_be_paid())
        self.approve(self.order, self.sale_manager)
        self.assertTrue(self.order.sudo()._has_to_be_signed())
        self.order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(self.order.state, "sent")

    def test_confirm_button_requests_approval(self):
        action = (
            self.order.with_user(self.salesman)
            .with_context(sale_review_request_on_confirm=True)
            .action_confirm()
        )
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(self.order.review_state, "pending")
        self.assertEqual(self.order.state, "draft")
        # Once requested, the button says what it waits for.
        with self.assertRaisesRegex(UserError, "waiting for approval of Large order"):
            self.order.with_context(
                sale_review_request_on_confirm=True
            ).action_confirm()

    def test_online_payment_waits_for_approval(self):
        provider = self.env["payment.provider"].create(
            {"name": "Lifecycle provider", "code": "none", "state": "test"}
        )
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "amount": self.order.amount_total,
                "currency_id": self.order.currency_id.id,
                "partner_id": self.customer.id,
                "reference": "SOL-TX-1",
                "sale_order_ids": [Command.set(self.order.ids)],
            }
        )
        tx._set_done()
        # Odoo's own transaction total, which our payment status must not hide.
        self.assertEqual(self.order.amount_paid, self.order.amount_total)
        self.assertFalse(tx._check_amount_and_confirm_order())
        self.assertEqual(self.order.state, "draft")
        self.assertIn("SOL-TX-1", self.order.message_ids[0].body)
        self.request(self.order)
        self.approve(self.order, self.sale_manager)
        self.assertEqual(tx._check_amount_and_confirm_order(), self.order)
        self.assertEqual(self.order.state, "sale")

    def test_orders_without_rule_are_not_gated(self):
        order = self.create_orders(qty=1)
        order.action_quotation_sent()
        order.action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestReviewChanges(ReviewCommon):
    def approved_order(self, qty=20):
        order = self.create_orders(qty=qty)
        self.request(order)
        self.approve(order, self.sale_manager)
        self.assertEqual(order.review_state, "approved")
        return order

    def test_trivial_changes_keep_the_approval(self):
        order = self.approved_order()
        tag = self.env["crm.tag"].create({"name": "VIP"})
        with Form(order.with_user(self.salesman)) as form:
            form.note = "Deliver in the morning"
            form.client_order_ref = "PO-7"
            form.tag_ids.add(tag)
            form.validity_date = fields.Date.today() + timedelta(days=20)
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(len(order.review_ids), 1)

    def test_material_changes_ask_again(self):
        changes = {
            "quantity": lambda order: order.order_line.write({"product_uom_qty": 21}),
            "price": lambda order: order.order_line.write({"price_unit": 101.0}),
            "discount": lambda order: order.order_line.write({"discount": 1.0}),
            "new line": lambda order: order.write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ]
                }
            ),
            "removed line": lambda order: order.order_line[1:].unlink(),
            "customer": lambda order: order.write(
                {"partner_id": self.customer.copy({"name": "Another Customer"}).id}
            ),
            "pricelist": lambda order: order.write(
                {
                    "pricelist_id": self.env["product.pricelist"]
                    .create({"name": "Other"})
                    .id
                }
            ),
        }
        for name, change in changes.items():
            with self.subTest(change=name):
                order = self.approved_order()
                if name == "removed line":
                    order.order_line = [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ]
                    self.assertEqual(order.review_state, "pending")
                    self.approve(order, self.sale_manager)
                change(order.with_user(self.salesman))
                self.assertEqual(order.review_state, "pending")
                latest = order.review_ids.sorted("id")[-1]
                self.assertEqual(latest.state, "pending")
                self.assertIn("approved", order.review_ids.mapped("state"))
                self.assertEqual(self.activities(order).user_id, self.sale_manager)

    def test_form_edit_of_a_line_asks_again_once(self):
        order = self.approved_order()
        with (
            Form(order.with_user(self.salesman)) as form,
            form.order_line.edit(0) as line,
        ):
            line.product_uom_qty = 25
        self.assertEqual(order.review_state, "pending")
        self.assertEqual(
            order.review_ids.mapped("state").count("pending"), 1, order.review_ids
        )

    def test_change_below_every_rule_ends_the_review(self):
        order = self.approved_order()
        order.order_line.product_uom_qty = 1
        self.assertEqual(order.review_state, "none")
        self.assertEqual(order.review_ids.state, "approved")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_change_while_pending_replaces_the_activities(self):
        order = self.create_orders(qty=20)
        self.request(order)
        order.order_line.product_uom_qty = 22
        self.assertEqual(order.review_ids.mapped("state"), ["cancelled", "pending"])
        self.assertEqual(len(self.activities(order)), 1)

    def test_history_survives_cancel_and_copy(self):
        order = self.create_orders(qty=60)
        self.request(order)
        self.approve(order, self.sale_manager)
        reason = self.env.ref("sale_order_lifecycle.cancel_reason_duplicate")
        order.with_context(sale_cancel_reason_id=reason.id).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.review_ids.mapped("state"), ["approved", "cancelled"])
        self.assertFalse(self.activities(order))
        self.assertEqual(order.review_state, "none")
        copy = order.copy()
        self.assertFalse(copy.review_ids)
        self.assertEqual(copy.review_state, "none")

    def test_approved_order_set_back_to_quotation_is_reviewed_again(self):
        self.company.sale_cancel_final = False
        order = self.approved_order()
        reason = self.env.ref("sale_order_lifecycle.cancel_reason_duplicate")
        order.with_context(sale_cancel_reason_id=reason.id).action_cancel()
        order.action_draft()
        self.assertEqual(order.review_state, "none")
        with self.assertRaisesRegex(UserError, "needs approval"):
            order.action_confirm()


@tagged("post_install", "-at_install")
class TestReviewBatch(MockEmail, ReviewCommon):
    def test_request_queries_do_not_grow_with_orders(self):
        """Requesting approval for 20 orders costs what it costs for one, plus a
        constant: every figure is read for the batch."""
        warmup, one = self.create_orders(2, qty=60)
        twenty = self.create_orders(20, qty=60)
        # The first request fills the registry's caches (activity type, model ids).
        self.request(warmup)
        salesman_one = one.with_user(self.salesman)
        salesman_twenty = twenty.with_user(self.salesman)
        # Mails sent and deleted during the call, as under Odoo's own runner
        # (deleting clears the whole cache), whatever the runner.
        with self.mock_mail_gateway(mail_unlink_sent=True):
            queries_one = self.count_queries(salesman_one.action_request_review)
            queries_twenty = self.count_queries(salesman_twenty.action_request_review)
        self.assertEqual(len(twenty.review_ids), 40)
        self.assertEqual(len(self.activities(twenty)), 20)
        self.assertLessEqual(
            queries_twenty, queries_one + 2, (queries_one, queries_twenty)
        )

    def test_decision_queries_do_not_grow_with_orders(self):
        """Approving or rejecting a level of 20 orders costs what it costs for
        one, plus a constant: activities closed, history written and chatter
        notes logged in batch."""
        orders = self.create_orders(2 + 2 * (1 + 20), qty=60)
        warmup, approve_one, approve_twenty = orders[:2], orders[2:3], orders[3:23]
        reject_one, reject_twenty = orders[23:24], orders[24:]
        self.request(orders)
        # The first decisions fill the registry's caches.
        self.approve(warmup[0], self.sale_manager)
        self.reject(warmup[1], self.sale_manager)

        def approve(orders):
            return orders.with_user(self.sale_manager).action_review_approve

        def reject(orders):
            return lambda: orders.with_user(self.sale_manager)._review_reject("No")

        with self.mock_mail_gateway(mail_unlink_sent=True):
            counts = {
                "approve": [
                    self.count_queries(approve(approve_one)),
                    self.count_queries(approve(approve_twenty)),
                ],
                "reject": [
                    self.count_queries(reject(reject_one)),
                    self.count_queries(reject(reject_twenty)),
                ],
            }
        self.assertEqual(
            set(approve_twenty.review_ids.mapped("state")), {"approved", "pending"}
        )
        self.assertFalse(self.activities(approve_twenty, self.sale_manager))
        self.assertEqual(len(self.activities(approve_twenty, self.reviewer)), 20)
        self.assertEqual(set(reject_twenty.mapped("review_state")), {"rejected"})
        self.assertFalse(self.activities(reject_twenty))
        for decision, (one, twenty) in counts.items():
            self.assertLessEqual(twenty, one + 2, (decision, one, twenty))

    def test_review_sheet(self):
        order = self.create_orders(qty=60)
        self.request(order)
        self.approve(order, self.sale_manager)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.salesman)
            ._render_qweb_html(
                "sale_order_lifecycle.action_report_sale_order_review", order.ids
            )[0]
            .decode()
        )
        for text in (
            order.name,
            "All checks passed",
            "Large order",
            "Very large order",
            "Mia Manager",
            "Rex Reviewer",
            "Approved",
            "To Approve",
        ):
            self.assertIn(text, html)
