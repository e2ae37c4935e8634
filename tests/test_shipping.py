"""Shipping status on the order, the daily late-delivery check, the courier and
tracking number in the delivery confirmation and on the delivery slip, and the
shipping list of the warehouse."""

import subprocess
import tempfile
import unicodedata
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from ..models.fulfilment import shipping_columns
from .common import LifecycleCommon, LifecycleHttpCommon, activate_languages
from .test_fulfilment import FulfilmentMixin

DAY_ONE = datetime(2026, 11, 2, 9, 0)
LATE_SUBJECT = "Late deliveries of your orders"


class ShippingMixin(FulfilmentMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_manager = new_test_user(
            cls.env,
            login="sol_stock_manager",
            name="Wu Warehouse",
            groups="stock.group_stock_manager",
        )
        cls.late_type = cls.env.ref(
            "sale_order_lifecycle.mail_activity_type_late_delivery"
        )

    def ship(self, picking, ref="SF100", qty=None):
        """Validate ``picking`` with a tracking number; with ``qty``, ship that
        much only and keep a backorder."""
        picking.carrier_tracking_ref = ref
        if qty is not None:
            picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        action = picking.button_validate()
        if isinstance(action, dict) and action.get("res_model") == (
            "stock.backorder.confirmation"
        ):
            self.env["stock.backorder.confirmation"].with_context(
                **action["context"]
            ).create({}).process()


@tagged("post_install", "-at_install")
class TestShippingStatus(ShippingMixin, LifecycleCommon):
    def test_status_follows_the_deliveries(self):
        order, picking = self.confirmed_delivery(
            qty=4, commitment_date=fields.Datetime.now() + timedelta(days=5)
        )
        quotation = self.create_orders()
        self.assertFalse(quotation.shipping_status, "nothing to deliver yet")
        self.assertEqual(order.shipping_status, "not_shipped")
        self.assertEqual(order.shipping_carrier_id, self.sf)
        self.ship(picking, qty=1)
        self.assertEqual(order.shipping_status, "partial")
        backorder = order.picking_ids - picking
        backorder.carrier_id = self.env.ref("sale_order_lifecycle.carrier_zto")
        self.assertEqual(order.shipping_carrier_id.name, "ZTO Express")
        self.ship(backorder, ref="ZT200")
        self.assertEqual(order.shipping_status, "shipped")
        # The salesperson reads and filters it.
        orders = self.env["sale.order"].with_user(self.salesman)
        self.assertEqual(orders.browse(order.id).shipping_status, "shipped")
        self.assertIn(order, orders.search([("shipping_status", "=", "shipped")]))
        self.assertNotIn(order, orders.search([("shipping_status", "=", "late")]))

    def test_delivered_after_the_promise_is_late(self):
        with freeze_time(DAY_ONE):
            promised, promised_picking = self.confirmed_delivery(
                commitment_date=DAY_ONE + timedelta(days=1)
            )
            # No commitment date: the lead time promises.
            leadtime, leadtime_picking = self.confirmed_delivery()
            leadtime.order_line.customer_lead = 2
            on_time, on_time_picking = self.confirmed_delivery(
                commitment_date=DAY_ONE + timedelta(days=10)
            )
        with freeze_time(DAY_ONE + timedelta(days=3)):
            self.ship(promised_picking | leadtime_picking | on_time_picking)
        self.assertEqual(promised.shipping_status, "late")
        self.assertEqual(leadtime.shipping_status, "late")
        self.assertEqual(on_time.shipping_status, "shipped")
        # Done later on the promised day is on time.
        with freeze_time(DAY_ONE):
            same_day, same_day_picking = self.confirmed_delivery()
        with freeze_time(DAY_ONE + timedelta(hours=5)):
            self.ship(same_day_picking)
        self.assertEqual(same_day.shipping_status, "shipped")
        # A cancelled delivery does not count.
        cancelled, cancelled_picking = self.confirmed_delivery()
        cancelled_picking.action_cancel()
        self.assertFalse(cancelled.shipping_status)

    def test_sql_fill_at_install_matches_the_orm(self):
        with freeze_time(DAY_ONE):
            late, late_picking = self.confirmed_delivery(
                commitment_date=DAY_ONE + timedelta(days=1)
            )
            partial, partial_picking = self.confirmed_delivery(qty=4)
            open_order, _open_picking = self.confirmed_delivery()
            shipped, shipped_picking = self.confirmed_delivery(picking_policy="one")
            shipped.order_line.customer_lead = 7
            quotation = self.create_orders()
            self.ship(partial_picking, qty=1)
        with freeze_time(DAY_ONE + timedelta(days=3)):
            self.ship(late_picking | shipped_picking)
        orders = late | partial | open_order | shipped | quotation
        self.env.flush_all()
        expected = orders.read(["shipping_status", "shipping_carrier_id"])
        self.assertEqual(
            [values["shipping_status"] for values in expected],
            ["late", "partial", "not_shipped", "shipped", False],
        )
        self.env.invalidate_all()
        self.env.cr.execute(
            SQL(
                "ALTER TABLE sale_order %s",
                SQL(", ").join(
                    SQL("DROP COLUMN %s", SQL.identifier(name))
                    for name in shipping_columns.COLUMNS
                ),
            )
        )
        queries = self.env.cr.sql_log_count
        shipping_columns.fill(self.env.cr)
        # Two columns and one update, whatever the number of orders.
        self.assertEqual(self.env.cr.sql_log_count - queries, 3)
        self.env.invalidate_all()
        self.assertEqual(
            orders.read(["shipping_status", "shipping_carrier_id"]), expected
        )


@tagged("post_install", "-at_install")
class TestLateDeliveries(ShippingMixin, LifecycleCommon):
    def late_deliveries(self, count, user=None):
        with freeze_time(DAY_ONE):
            orders = self.create_orders(count)
            orders.action_confirm()
        pickings = orders.picking_ids
        pickings.user_id = user
        return pickings

    def run_check(self):
        self.env["stock.picking"]._cron_report_late_deliveries()

    def activities(self):
        return self.env["mail.activity"].search(
            [("activity_type_id", "=", self.late_type.id)]
        )

    def notices(self):
        return self.env["mail.message"].search(
            [
                ("subject", "=", LATE_SUBJECT),
                ("partner_ids", "in", self.salesman.partner_id.ids),
            ]
        )

    def test_one_digest_per_person_and_idempotent(self):
        mine = self.late_deliveries(2, user=self.stock_user)
        unassigned = self.late_deliveries(1)
        with freeze_time(DAY_ONE):
            # Not late yet: scheduled for now.
            self.run_check()
        self.assertFalse(self.activities())
        with freeze_time(DAY_ONE + timedelta(days=1, hours=1)):
            self.run_check()
            activities = self.activities()
            stock_user_activity = activities.filtered(
                lambda a: a.user_id == self.stock_user
            )
            self.assertEqual(len(stock_user_activity), 1, "one digest")
            self.assertEqual(stock_user_activity.res_model, "stock.picking")
            for picking in mine:
                self.assertIn(picking.name, stock_user_activity.note)
            self.assertNotIn(unassigned.name, stock_user_activity.note)
            # The unassigned delivery goes to the company's stock managers.
            manager_activity = activities.filtered(
                lambda a: a.user_id == self.stock_manager
            )
            self.assertEqual(len(manager_activity), 1)
            self.assertIn(unassigned.name, manager_activity.note)
            self.assertNotIn(mine[0].name, manager_activity.note)
            # The salesperson gets one notice listing all three.
            notice = self.notices()
            self.assertEqual(len(notice), 1)
            for picking in mine | unassigned:
                self.assertIn(picking.name, notice.body)
            # The warehouse sees its activity and the delivery.
            self.assertTrue(
                stock_user_activity.with_user(self.stock_user).read(["summary"])
            )
            # Twice the same day: nothing new.
            self.run_check()
            self.assertEqual(self.activities(), activities)
            self.assertEqual(self.notices(), notice)
        with freeze_time(DAY_ONE + timedelta(days=2)):
            # The next day: still nothing new for the same deliveries.
            self.run_check()
            self.assertEqual(self.activities(), activities)
            # Re-scheduled and late again: reported again, once.
            mine[0].scheduled_date = DAY_ONE + timedelta(days=1)
            self.run_check()
            new = self.activities() - activities
            self.assertEqual(len(new), 1)
            self.assertEqual(new.user_id, self.stock_user)
            self.assertIn(mine[0].name, new.note)
            self.assertNotIn(mine[1].name, new.note)
            self.run_check()
            self.assertEqual(self.activities() - activities, new)

    def test_done_and_incoming_are_not_reported(self):
        delivered = self.late_deliveries(1, user=self.stock_user)
        self.ship(delivered)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "user_id": self.stock_user.id,
                "scheduled_date": DAY_ONE,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        with freeze_time(DAY_ONE + timedelta(days=3)):
            self.run_check()
        self.assertFalse(self.activities())

    def test_archived_responsible_falls_back_to_stock_managers(self):
        gone = new_test_user(
            self.env, login="sol_stock_gone", groups="stock.group_stock_user"
        )
        picking = self.late_deliveries(1, user=gone)
        gone.active = False
        with freeze_time(DAY_ONE + timedelta(days=3)):
            self.run_check()
        users = self.activities().user_id
        self.assertNotIn(gone, users)
        self.assertIn(self.stock_manager, users)
        self.assertIn(picking.name, self.activities()[0].note)

    def test_deadline_alone_makes_a_delivery_late(self):
        picking = self.late_deliveries(1, user=self.stock_user)
        picking.scheduled_date = DAY_ONE + timedelta(days=30)
        picking.move_ids.date_deadline = DAY_ONE + timedelta(days=1)
        with freeze_time(DAY_ONE + timedelta(days=3)):
            self.run_check()
        self.assertEqual(len(self.activities()), 1)

    def test_queries_do_not_grow_with_deliveries(self):
        counts = []
        for count in (1, 2, 12):
            self.late_deliveries(count, user=self.stock_user)
            self.activities().unlink()
            with freeze_time(DAY_ONE + timedelta(days=3)):
                counts.append(self.count_queries(self.run_check))
            activity = self.activities()
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.summary, f"{count} late deliveries")
        # The first run warms the caches up.
        self.assertEqual(counts[1], counts[2], counts)


@tagged("post_install", "-at_install")
class TestShippingDocuments(ShippingMixin, LifecycleCommon):
    def test_confirmation_mail_carries_courier_and_tracking(self):
        self.company.stock_move_email_validation = True
        template = self.env.ref(
            "sale_order_lifecycle.mail_template_delivery_confirmation_courier"
        )
        self.assertEqual(self.company.stock_mail_confirmation_template_id, template)
        _order, picking = self.confirmed_delivery()
        self.ship(picking, ref="SF20261130")
        message = picking.message_ids.filtered(lambda m: "SF20261130" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertIn("SF Express", message.body)
        self.assertIn(
            "https://www.kuaidi100.com/chaxun?com=shunfeng&amp;nu=SF20261130",
            message.body,
        )
        # A tracking link that is not a web address is no link.
        _order, other = self.confirmed_delivery(carrier=self.free_carrier)
        self.free_carrier.tracking_url = "javascript:alert(1)"
        self.ship(other, ref="VAN-7")
        body = other.message_ids.filtered(lambda m: "VAN-7" in (m.body or "")).body
        self.assertIn(self.free_carrier.name, body)
        self.assertNotIn("javascript", body)

    def test_new_company_sends_the_courier_confirmation(self):
        company = self.env["res.company"].create({"name": "Second Lifecycle Co"})
        self.assertEqual(
            company.stock_mail_confirmation_template_id,
            self.env.ref(
                "sale_order_lifecycle.mail_template_delivery_confirmation_courier"
            ),
        )

    def test_delivery_slip_shows_courier_tracking_and_link(self):
        _order, picking = self.confirmed_delivery()
        picking.carrier_tracking_ref = "SF555666"
        html = str(
            self.env["ir.actions.report"]
            .with_user(self.stock_user)
            ._render_qweb_html("stock.action_report_delivery", picking.ids)[0]
        )
        self.assertIn("SF Express", html)
        self.assertIn("SF555666", html)
        self.assertIn("com=shunfeng&amp;nu=SF555666", html)

    def test_shipping_list_by_day_and_courier(self):
        zto = self.env.ref("sale_order_lifecycle.carrier_zto")
        with freeze_time(DAY_ONE):
            _order, sf_done = self.confirmed_delivery()
            _order, zto_open = self.confirmed_delivery(carrier=zto)
            _order, sf_other_day = self.confirmed_delivery()
            self.ship(sf_done, ref="SF-DONE")
        sf_other_day.scheduled_date = DAY_ONE + timedelta(days=1)
        other_warehouse = self.env["stock.warehouse"].create(
            {"name": "Second Warehouse", "code": "WH2"}
        )
        wizard = Form(self.env["stock.shipping.list.wizard"].with_user(self.stock_user))
        wizard.date = DAY_ONE.date()
        wizard.warehouse_id = self.warehouse
        wizard = wizard.save()
        self.assertEqual(wizard._get_pickings(), sf_done | zto_open)
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "sale_order_lifecycle.report_shipping_list"
        )
        self.assertEqual(
            set(action["context"]["active_ids"]), set((sf_done | zto_open).ids)
        )
        wizard.carrier_id = zto
        self.assertEqual(wizard._get_pickings(), zto_open)
        html = str(
            self.env["ir.actions.report"]
            .with_user(self.stock_user)
            ._render_qweb_html(
                "sale_order_lifecycle.action_report_shipping_list",
                (sf_done | zto_open).ids,
            )[0]
        )
        self.assertIn("SF-DONE", html)
        self.assertIn("ZTO Express", html)
        self.assertIn("SF Express", html)
        self.assertIn(self.customer.street, html)
        self.assertLess(html.index("SF Express"), html.index("ZTO Express"))
        wizard.warehouse_id = other_warehouse
        with self.assertRaises(UserError):
            wizard.action_print()


@tagged("post_install", "-at_install")
class TestShippingHttp(ShippingMixin, LifecycleHttpCommon):
    def test_tour_salesperson_sees_shipping_and_tracking(self):
        order, picking = self.confirmed_delivery()
        self.ship(picking, ref="SF20261130")
        self.assertEqual(order.shipping_status, "shipped")
        self.start_tour(
            "/odoo/action-sale.action_orders",
            "sale_order_lifecycle_shipping",
            login=self.salesman.login,
        )

    def test_shipping_list_pdf_in_chinese(self):
        activate_languages(self.env, "zh_CN")
        _order, picking = self.confirmed_delivery()
        self.ship(picking, ref="SF7788")
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_user(self.stock_user)
            .with_context(lang="zh_CN", force_report_rendering=True)
            ._render_qweb_pdf(
                "sale_order_lifecycle.action_report_shipping_list", picking.ids
            )
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            text = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", file.name, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            fonts = subprocess.run(
                ["pdffonts", file.name], check=True, capture_output=True, text=True
            ).stdout
        # The CJK fonts map some glyphs to the Kangxi radicals: NFKC gives
        # back the ideographs the template printed.
        text = unicodedata.normalize("NFKC", text)
        self.assertIn("CJK", fonts)
        self.assertIn("发货清单", text)
        self.assertIn("顺丰速运", text)
        self.assertIn("SF7788", text)
