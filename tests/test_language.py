"""What someone reads is in their language, not in the language of whoever
triggered it: activities of our own types assigned to someone else, notices,
and the customer's mails and statements."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import AccountingCommon, activate_languages

CANCEL_APPROVAL = "sale_order_lifecycle.mail_activity_type_cancel_approval"
FOLLOW_UP = "sale_order_lifecycle.mail_activity_type_order_notification"
STATEMENT = "report.sale_order_lifecycle.report_customer_statement"


@tagged("post_install", "-at_install")
class TestLanguage(MockEmail, AccountingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_languages(cls.env, "zh_CN")
        cls.salesman.lang = "en_US"
        cls.sale_manager.lang = "en_US"
        cls.manager_zh = new_test_user(
            cls.env,
            login="sol_manager_zh",
            name="Wang Manager",
            groups="sales_team.group_sale_manager",
            lang="zh_CN",
        )
        cls.salesman_zh = new_test_user(
            cls.env,
            login="sol_salesman_zh",
            name="Zhang Salesman",
            groups="sales_team.group_sale_salesman",
            lang="zh_CN",
        )
        cls.customer.lang = "en_US"
        cls.customer_zh = cls.env["res.partner"].create(
            {
                "name": "Ningbo Trading",
                "email": "ningbo@example.com",
                "street": "2 Harbour Road",
                "city": "Ningbo",
                "lang": "zh_CN",
            }
        )
        Reason = cls.env["sale.order.cancel.reason"]
        cls.reason_approval = Reason.create(
            {"name": "Wrong price", "requires_approval": True}
        )
        cls.reason_approval.update_field_translations("name", {"zh_CN": "价格错误"})
        cls.reason_notify = Reason.create(
            {"name": "No more stock", "notify_customer": True}
        )
        cls.reason_notify.update_field_translations("name", {"zh_CN": "已无库存"})

    def confirmed(self, user, partner=None):
        order = self.create_orders(user=user, partner_id=(partner or self.customer).id)
        order.action_confirm()
        return order

    def approval_activities(self, order):
        return order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(CANCEL_APPROVAL)
        )

    def test_cancellation_approval_in_each_approvers_language(self):
        order = self.confirmed(self.salesman)
        order.with_user(self.salesman).with_context(
            lang="en_US",
            sale_cancel_reason_id=self.reason_approval.id,
            sale_cancel_note="Typo",
        ).action_cancel()
        activities = self.approval_activities(order)
        zh = activities.filtered(lambda a: a.user_id == self.manager_zh)
        en = activities.filtered(lambda a: a.user_id == self.sale_manager)
        self.assertEqual(zh.summary, "审批取消申请")
        self.assertIn("价格错误: Typo", str(zh.note))
        self.assertEqual(en.summary, "Approve the cancellation")
        self.assertIn("Wrong price: Typo", str(en.note))

    def test_cancellation_rejected_in_the_requesters_language(self):
        order = self.confirmed(self.salesman_zh)
        order.with_user(self.salesman_zh).with_context(
            lang="zh_CN", sale_cancel_reason_id=self.reason_approval.id
        ).action_cancel()
        action = (
            order.with_user(self.sale_manager)
            .with_context(lang="en_US")
            .action_cancel_request_reject()
        )
        self.env["sale.order.cancel.reject.wizard"].with_user(
            self.sale_manager
        ).with_context(**action["context"]).create(
            {"reason": "Confirmed by phone"}
        ).action_reject()
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesman_zh)
        self.assertEqual(todo.summary, "取消申请被驳回")
        self.assertIn("Confirmed by phone", str(todo.note))

    def test_cancelled_notice_in_the_salespersons_language(self):
        order = self.confirmed(self.salesman_zh)
        order.with_user(self.sale_manager).with_context(
            lang="en_US", sale_cancel_reason_id=self.reason_notify.id
        ).action_cancel()
        self.assertEqual(order.state, "cancel")
        notice = self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.salesman_zh.partner_id.ids),
            ]
        )
        self.assertIn("销售订单已取消", notice.mapped("subject"))

    def cancel_by_wizard(self, order, user, lang):
        """Odoo's cancel dialog, with its mail to the customer."""
        action = order.with_user(user).with_context(lang=lang).action_cancel()
        form = Form(
            self.env["sale.order.cancel"]
            .with_user(user)
            .with_context(**action["context"], lang=lang)
        )
        form.reason_id = self.reason_notify
        form.save().action_send_mail_and_cancel()

    def cancel_by_mass_wizard(self, order, user, lang):
        """The mass cancel, with our template (as a final approval does)."""
        self.env["sale.mass.cancel.orders"].with_user(user).with_context(
            lang=lang, active_ids=order.ids
        ).create({"reason_id": self.reason_notify.id}).action_mass_cancel()

    def test_cancellation_mail_in_the_customers_language(self):
        """A Chinese user cancelling an English customer's order mails them in
        English, reason included, and the other way round, from the dialog as
        from the mass cancel."""
        cases = [
            (self.manager_zh, "zh_CN", self.customer),
            (self.sale_manager, "en_US", self.customer_zh),
        ]
        for cancel in (self.cancel_by_wizard, self.cancel_by_mass_wizard):
            for user, user_lang, partner in cases:
                with self.subTest(path=cancel.__name__, customer=partner.lang):
                    order = self.confirmed(self.salesman, partner)
                    with self.mock_mail_gateway():
                        cancel(order, user, user_lang)
                    self.assertEqual(order.state, "cancel")
                    mail = self.env["mail.mail"].search(
                        [
                            ("model", "=", "sale.order"),
                            ("res_id", "=", order.id),
                            ("recipient_ids", "in", partner.ids),
                        ]
                    )
                    self.assertEqual(len(mail), 1)
                    body = str(mail.body_html)
                    if partner.lang == "en_US":
                        self.assertIn("No more stock", body)
                        self.assertNotIn("已无库存", body)
                        self.assertNotIn("原因", body)
                        self.assertIn("Reason", body)
                    else:
                        self.assertIn("已无库存", body)
                        self.assertNotIn("No more stock", body)
                        self.assertIn("原因", body)
                    if cancel == self.cancel_by_mass_wizard:
                        if partner.lang == "en_US":
                            self.assertIn("You will not be charged", body)
                            self.assertIn("Cancelled", mail.subject)
                        else:
                            self.assertIn("我们不会就此订单向您收费", body)
                            self.assertNotIn("Please be advised", body)

    def test_notification_rule_activity_in_the_recipients_language(self):
        rule = self.env["sale.order.notification.rule"].create(
            {
                "name": "Order confirmed",
                "event": "confirmed",
                "notify_salesperson": True,
                "channel": "activity",
                "digest": False,
                "message": "Call the customer",
            }
        )
        rule.update_field_translations("name", {"zh_CN": "订单已确认"})
        rule.update_field_translations("message", {"zh_CN": "致电客户"})
        orders = self.create_orders(user=self.salesman_zh) | self.create_orders()
        orders.with_user(self.sale_manager).with_context(lang="en_US").action_confirm()
        follow_ups = self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", self.env.ref(FOLLOW_UP).id),
                ("res_id", "in", orders.ids),
            ]
        )
        zh = follow_ups.filtered(lambda a: a.user_id == self.salesman_zh)
        en = follow_ups.filtered(lambda a: a.user_id == self.salesman)
        self.assertEqual(zh.summary, "订单已确认")
        self.assertIn("致电客户", str(zh.note))
        self.assertEqual(en.summary, "Order confirmed")
        self.assertIn("Call the customer", str(en.note))

    def test_low_stock_activity_in_the_responsibles_language(self):
        stock_manager_zh = new_test_user(
            self.env,
            login="sol_stock_manager_zh",
            groups="stock.group_stock_manager",
            lang="zh_CN",
        )
        category = self.env["product.category"].create({"name": "Watched"})
        self.env["product.product"].create(
            {"name": "Watched item", "is_storable": True, "categ_id": category.id}
        )
        rule = self.env["stock.low.stock.rule"].create(
            {
                "name": "Watched",
                "warehouse_ids": [Command.set(self.warehouse.ids)],
                "scope": "category",
                "categ_ids": [Command.set(category.ids)],
                "trigger": "min_qty",
                "min_qty": 10,
                "target_days": 0,
                "user_id": stock_manager_zh.id,
            }
        )
        rule.with_context(lang="en_US")._evaluate()
        activity = rule.activity_ids
        self.assertEqual(activity.user_id, stock_manager_zh)
        self.assertEqual(activity.summary, "低库存：1 条新预警")

    def test_statement_labels_in_the_customers_language(self):
        for partner, invoice_label, payment_label in (
            (self.customer, "Invoice", "Payment"),
            (self.customer_zh, "发票", "付款"),
        ):
            with self.subTest(customer=partner.lang):
                invoice = self.env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": fields.Date.today() - timedelta(days=3),
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Goods", "price_unit": 100, "tax_ids": []}
                            )
                        ],
                    }
                )
                invoice.action_post()
                self.env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({"amount": 40})._create_payments()
                html = (
                    self.env["ir.actions.report"]
                    .with_context(lang="en_US" if partner.lang != "en_US" else "zh_CN")
                    ._render_qweb_html(
                        "sale_order_lifecycle.action_report_customer_statement",
                        partner.ids,
                        data={
                            "date_from": fields.Date.to_string(
                                fields.Date.today() - timedelta(days=30)
                            ),
                            "date_to": fields.Date.to_string(fields.Date.today()),
                        },
                    )[0]
                    .decode()
                )
                self.assertIn(f"{invoice_label} {invoice.name}", html)
                self.assertIn(payment_label, html)

    def test_late_deliveries_in_each_readers_language(self):
        """The cron's digest activity and the salesperson's notice are in the
        language of whoever receives them."""
        stock_user_zh = new_test_user(
            self.env,
            login="sol_stock_user_zh",
            groups="stock.group_stock_user",
            lang="zh_CN",
        )
        day_one = fields.Datetime.now() - timedelta(days=3)
        with freeze_time(day_one):
            order = self.create_orders(user=self.salesman_zh)
            order.action_confirm()
        order.picking_ids.user_id = stock_user_zh
        self.env["stock.picking"].with_context(
            lang="en_US"
        )._cron_report_late_deliveries()
        activity = self.env["mail.activity"].search(
            [
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "sale_order_lifecycle.mail_activity_type_late_delivery"
                    ).id,
                ),
                ("user_id", "=", stock_user_zh.id),
            ]
        )
        self.assertEqual(activity.summary, "1 笔逾期交货")
        notice = self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.salesman_zh.partner_id.ids),
            ]
        )
        self.assertIn("您的订单有逾期交货", notice.mapped("subject"))

    def test_discrepancy_digest_in_the_accountants_language(self):
        accountant_zh = new_test_user(
            self.env,
            login="sol_accountant_zh",
            groups="account.group_account_invoice,"
            "sales_team.group_sale_salesman_all_leads",
            lang="zh_CN",
        )
        # The discrepancies already in the database (the demo data has one)
        # were reported before.
        self.env["sale.order"]._lifecycle_internal().with_context(
            active_test=False
        ).search([("has_discrepancy", "=", True)]).write({"discrepancy_notified": True})
        self.company.sale_discrepancy_user_id = accountant_zh
        order = self.create_orders()
        order.action_confirm()
        invoice = order._create_invoices()
        with Form(invoice) as form, form.invoice_line_ids.edit(0) as line:
            line.quantity = 3
        invoice.action_post()
        self.env["sale.order"].with_context(lang="en_US")._cron_notify_discrepancies()
        digest = self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("user_id", "=", accountant_zh.id)]
        )
        self.assertEqual(digest.summary, "1 条新的订单差异")
