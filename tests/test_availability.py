from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import LifecycleCommon, LifecycleHttpCommon


class AvailabilityMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.warehouse.lot_stock_id
        cls.warehouse2 = cls.env["stock.warehouse"].create(
            {"name": "Second Warehouse", "code": "WH2", "company_id": cls.company.id}
        )
        Product = cls.env["product.product"]
        cls.widget = Product.create(
            {"name": "Verdict Widget", "is_storable": True, "list_price": 10.0}
        )
        cls.gadget = Product.create(
            {"name": "Verdict Gadget", "is_storable": True, "list_price": 10.0}
        )
        cls.service = Product.create(
            {"name": "Verdict Service", "type": "service", "list_price": 10.0}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.widget, cls.stock, 10)
        Quant._update_available_quantity(cls.widget, cls.warehouse2.lot_stock_id, 3)
        cls.dozen = cls.env.ref("uom.product_uom_dozen")

    @classmethod
    def quote(cls, lines, user=None, warehouse=None, **values):
        """A quotation of ``[(product, qty), ...]`` (or ``(product, qty, uom)``)."""
        return cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": (user or cls.salesman).id,
                "warehouse_id": (warehouse or cls.warehouse).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": line[0].id,
                            "product_uom_qty": line[1],
                            **({"product_uom": line[2].id} if len(line) > 2 else {}),
                        }
                    )
                    for line in lines
                ],
                **values,
            }
        )

    def receive(self, product, qty, days):
        """A confirmed receipt of ``qty`` into the warehouse in ``days`` days."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock.id,
                "scheduled_date": fields.Datetime.now() + timedelta(days=days),
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.stock.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking

    def refresh(self):
        """The debounce path as a commit and the job would run it."""
        self.env.cr.precommit.run()
        self.env["sale.availability.refresh"]._cron_refresh()


@tagged("post_install", "-at_install")
class TestAvailabilityVerdict(AvailabilityMixin, LifecycleCommon):
    def test_available_partial_and_replenish(self):
        order = self.quote(
            [(self.widget, 4), (self.widget, 9), (self.gadget, 2), (self.service, 1)]
        )
        first, second, gadget, service = order.order_line
        self.assertEqual(first.availability_state, "available")
        # Lines of the same product in one quotation are served in their order.
        self.assertEqual(second.availability_state, "partial")
        self.assertEqual(second.availability_short_qty, 3)
        self.assertEqual(second.availability_free_qty, 10)
        self.assertEqual(gadget.availability_state, "replenish")
        self.assertEqual(gadget.availability_short_qty, 2)
        self.assertFalse(service.availability_state)
        self.assertEqual(order.availability_state, "partial")
        self.assertEqual(
            self.quote([(self.widget, 10)]).availability_state, "available"
        )
        self.assertEqual(self.quote([(self.gadget, 1)]).availability_state, "replenish")

    def test_order_change_is_judged_at_once(self):
        order = self.quote([(self.widget, 4)])
        self.assertEqual(order.availability_state, "available")
        order.order_line.product_uom_qty = 12
        self.assertEqual(order.order_line.availability_state, "partial")
        self.assertEqual(order.availability_state, "partial")
        order.warehouse_id = self.warehouse2
        self.assertEqual(order.order_line.availability_short_qty, 9)

    def test_several_warehouses(self):
        here = self.quote([(self.widget, 5)])
        there = self.quote([(self.widget, 5)], warehouse=self.warehouse2)
        self.assertEqual(here.availability_state, "available")
        self.assertEqual(there.availability_state, "partial")
        self.assertEqual(there.order_line.availability_free_qty, 3)
        self.assertEqual(there.order_line.availability_short_qty, 2)

    def test_units_of_measure(self):
        order = self.quote([(self.widget, 1, self.dozen)])
        line = order.order_line
        self.assertEqual(line.availability_state, "partial")
        # 12 asked, 10 free: in dozens.
        self.assertAlmostEqual(line.availability_free_qty, 10 / 12, places=2)
        self.assertAlmostEqual(line.availability_short_qty, 2 / 12, places=2)
        self.assertEqual(
            self.quote([(self.widget, 0.5, self.dozen)]).availability_state,
            "available",
        )

    def test_reservations_and_confirmed_orders_first(self):
        confirmed = self.quote([(self.widget, 8)])
        confirmed.action_confirm()
        self.assertEqual(confirmed.picking_ids.move_ids.quantity, 8)
        # Its own reservation serves it.
        confirmed.order_line._availability_recompute()
        self.assertEqual(confirmed.availability_state, "available")
        # A second confirmed order reserves the 2 left, 4 are not reserved.
        second = self.quote([(self.widget, 6)])
        second.action_confirm()
        second.order_line._availability_recompute()
        self.assertEqual(second.availability_state, "partial")
        self.assertEqual(second.order_line.availability_short_qty, 4)
        self.assertEqual(second.order_line.availability_free_qty, 0)
        # A quotation comes after what confirmed orders still need.
        self.assertEqual(self.quote([(self.widget, 1)]).availability_state, "replenish")
        self.receive(self.widget, 5, days=0)
        quotation = self.quote([(self.widget, 1)])
        self.assertEqual(quotation.availability_state, "available")
        self.assertEqual(quotation.order_line.availability_incoming_qty, 5)
        self.assertEqual(self.quote([(self.widget, 2)]).availability_state, "partial")

    def test_incoming_receipts_by_date(self):
        self.receive(self.gadget, 20, days=3)
        later = self.quote(
            [(self.gadget, 5)],
            commitment_date=fields.Datetime.now() + timedelta(days=5),
        )
        self.assertEqual(later.availability_state, "available")
        self.assertEqual(later.order_line.availability_incoming_qty, 20)
        sooner = self.quote(
            [(self.gadget, 5)],
            commitment_date=fields.Datetime.now() + timedelta(days=1),
        )
        self.assertEqual(sooner.availability_state, "replenish")
        self.assertEqual(sooner.order_line.availability_incoming_qty, 0)
        # Without a commitment date, the lead time gives the date.
        lead = self.quote([(self.gadget, 5)])
        self.assertEqual(lead.availability_state, "replenish")
        lead.order_line.customer_lead = 4
        self.assertEqual(lead.availability_state, "available")

    def test_closed_orders_are_not_judged(self):
        order = self.quote([(self.widget, 2)])
        order.action_confirm()
        self.deliver(order)
        self.assertFalse(order.order_line.availability_state)
        cancelled = self.quote([(self.widget, 2)])
        cancelled._action_cancel()
        self.assertFalse(cancelled.availability_state)

    def test_stock_moves_refresh_through_the_queue(self):
        order = self.quote([(self.gadget, 5)])
        self.assertEqual(order.availability_state, "replenish")
        self.env["stock.quant"]._update_available_quantity(self.gadget, self.stock, 2)
        # Nothing is judged again during the transaction that moved stock.
        self.assertEqual(order.availability_state, "replenish")
        Queue = self.env["sale.availability.refresh"]
        self.env.cr.precommit.run()
        self.assertIn(self.gadget, Queue.search([]).product_id)
        Queue._cron_refresh()
        self.assertEqual(order.availability_state, "partial")
        self.assertEqual(order.order_line.availability_free_qty, 2)
        self.assertFalse(Queue.search([]))
        # Twice: nothing more to do.
        Queue._cron_refresh()
        self.assertEqual(order.availability_state, "partial")
        # A confirmation elsewhere moves the verdict of competing quotations.
        other = self.quote([(self.gadget, 2)])
        self.assertEqual(other.availability_state, "available")
        other.action_confirm()
        self.refresh()
        self.assertEqual(order.availability_state, "replenish")
        self.assertEqual(other.availability_state, "available")

    def test_verdict_queries_constant_in_lines(self):
        def lines_of(count):
            orders = self.env["sale.order"].create(
                [
                    {
                        "partner_id": self.customer.id,
                        "order_line": [
                            Command.create({"product_id": product.id})
                            for product in (self.widget, self.gadget, self.service)
                        ],
                    }
                    for _i in range(count)
                ]
            )
            # Read back as the job finds them (their own prefetch set).
            return self.env["sale.order.line"].browse(orders.order_line.ids)

        small, large = lines_of(2), lines_of(40)
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        small._availability_recompute()
        expected = self.env.cr.sql_log_count - queries
        self.env.invalidate_all()
        with self.assertQueryCount(expected):
            large._availability_recompute()
        self.assertEqual(
            set(large.mapped("availability_state")), {"available", "replenish", False}
        )


@tagged("post_install", "-at_install")
class TestOverselling(AvailabilityMixin, LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A supplier route, so that lines replenished on order can be procured.
        cls.mto = cls.env.ref("stock.route_warehouse0_mto")
        cls.mto.active = True
        cls.supply_route = cls.env["stock.route"].create(
            {
                "name": "Verdict supply",
                "product_selectable": True,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "From suppliers",
                            "action": "pull",
                            "picking_type_id": cls.warehouse.in_type_id.id,
                            "location_src_id": cls.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": cls.warehouse.lot_stock_id.id,
                            "procure_method": "make_to_stock",
                        }
                    )
                ],
            }
        )
        cls.gadget.route_ids = cls.supply_route

    def set_policy(self, policy):
        self.company.sale_oversell_policy = policy

    def test_off_confirms(self):
        for user in (self.salesman, self.sale_manager):
            order = self.quote([(self.gadget, 3)], user=user)
            order.with_user(user).action_confirm()
            self.assertEqual(order.state, "sale")

    def test_warn_confirms_with_a_note(self):
        self.set_policy("warn")
        for user in (self.salesman, self.sale_manager):
            order = self.quote([(self.gadget, 3)], user=user)
            order.with_user(user).action_confirm()
            self.assertEqual(order.state, "sale")
            notes = order.message_ids.filtered(
                lambda message: "stock cannot serve" in (message.body or "")
            )
            self.assertEqual(len(notes), 1)
            self.assertIn("Verdict Gadget", notes.body)

    def test_block_refuses_listing_short_lines(self):
        self.set_policy("block")
        for user in (self.salesman, self.sale_manager):
            order = self.quote(
                [(self.widget, 12), (self.gadget, 3), (self.widget, 1)], user=user
            )
            with self.assertRaises(UserError) as error:
                order.with_user(user).action_confirm()
            message = str(error.exception)
            self.assertIn("Verdict Gadget", message)
            self.assertIn("Verdict Widget", message)
            self.assertIn("short by 3", message)
            self.assertEqual(order.state, "draft")
        fine = self.quote([(self.widget, 5)])
        fine.with_user(self.salesman).action_confirm()
        self.assertEqual(fine.state, "sale")

    def test_block_then_replenish_on_order(self):
        self.set_policy("block")
        order = self.quote([(self.widget, 2), (self.gadget, 3)])
        gadget_line = order.order_line.filtered(lambda l: l.product_id == self.gadget)
        order.with_user(self.salesman).action_availability_replenish_on_order()
        self.assertEqual(gadget_line.route_id, self.mto)
        self.assertTrue(gadget_line.availability_on_order)
        self.assertFalse(
            order.order_line.filtered(lambda l: l.product_id == self.widget).route_id
        )
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        # The line procures for itself: a receipt is waiting for it.
        self.assertTrue(
            self.env["stock.move"].search(
                [("product_id", "=", self.gadget.id), ("picking_code", "=", "incoming")]
            )
        )

    def test_replenish_on_order_refusals(self):
        confirmed = self.quote([(self.widget, 1)])
        confirmed.action_confirm()
        with self.assertRaises(UserError):
            confirmed.order_line.with_user(
                self.salesman
            ).action_availability_replenish_on_order()
        with self.assertRaises(UserError):
            self.quote([(self.widget, 1)]).with_user(
                self.salesman
            ).action_availability_replenish_on_order()
        self.mto.active = False
        order = self.quote([(self.gadget, 1)])
        with self.assertRaises(UserError) as error:
            order.order_line.with_user(
                self.salesman
            ).action_availability_replenish_on_order()
        self.assertIn("Routes", str(error.exception))

    def test_approval_through_the_review_rules(self):
        self.set_policy("approval")
        rule = self.env["sale.review.rule"].search(
            [("company_id", "=", self.company.id), ("stock_verdict", "=", True)]
        )
        self.assertEqual(len(rule), 1)
        # Setting it again does not add another rule.
        self.set_policy("approval")
        self.assertEqual(
            self.env["sale.review.rule"].search_count(
                [("company_id", "=", self.company.id), ("stock_verdict", "=", True)]
            ),
            1,
        )
        order = self.quote([(self.gadget, 3)])
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("Overselling", str(error.exception))
        # Available orders do not need it.
        fine = self.quote([(self.widget, 3)])
        fine.with_user(self.salesman).action_confirm()
        self.assertEqual(fine.state, "sale")
        order.with_user(self.salesman).action_request_review()
        self.assertEqual(order.review_state, "pending")
        self.assertIn("Verdict Gadget", order.review_ids.reason)
        order.with_user(self.sale_manager).action_review_approve()
        self.assertEqual(order.review_state, "approved")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_approval_without_an_active_rule_is_still_refused(self):
        self.set_policy("approval")
        self.env["sale.review.rule"].search(
            [("stock_verdict", "=", True)]
        ).active = False
        order = self.quote([(self.gadget, 3)])
        for user in (self.salesman, self.sale_manager):
            with self.assertRaises(UserError) as error:
                order.with_user(user).action_confirm()
            self.assertIn("needs approval", str(error.exception))
        self.assertEqual(order.state, "draft")

    def test_online_payment_does_not_confirm_a_refused_order(self):
        self.set_policy("block")
        order = self.quote([(self.gadget, 3)])
        provider = self.env["payment.provider"].create(
            {"name": "Verdict provider", "code": "none", "state": "test"}
        )
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": self.customer.id,
                "reference": "SOL-VERDICT-TX",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        tx._set_done()
        self.assertFalse(tx._check_amount_and_confirm_order())
        self.assertEqual(order.state, "draft")
        self.assertIn("SOL-VERDICT-TX", order.message_ids[0].body)
        self.set_policy("off")
        self.assertEqual(tx._check_amount_and_confirm_order(), order)

    def test_customer_is_not_shown_stock_figures(self):
        self.set_policy("block")
        order = self.quote([(self.gadget, 3)])
        portal = self.env["res.users"].create(
            {
                "name": "Verdict Portal",
                "login": "sol_verdict_portal",
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        with self.assertRaises(UserError) as error:
            order.with_user(portal).sudo().action_confirm()
        self.assertNotIn("Verdict Gadget", str(error.exception))
        self.assertIn("salesperson", str(error.exception))

    def test_policy_is_read_now_not_from_the_stored_verdict(self):
        self.set_policy("block")
        order = self.quote([(self.widget, 5)])
        self.assertEqual(order.availability_state, "available")
        # Stock leaves; the stored verdict waits for the job.
        self.env["stock.quant"]._update_available_quantity(self.widget, self.stock, -8)
        self.assertEqual(order.availability_state, "available")
        with self.assertRaises(UserError):
            order.action_confirm()


@tagged("post_install", "-at_install")
class TestOversellingRpc(AvailabilityMixin, LifecycleHttpCommon):
    def test_block_refuses_action_confirm_over_json_rpc(self):
        self.company.sale_oversell_policy = "block"
        order = self.quote([(self.gadget, 3)])
        self.authenticate(self.salesman.login, self.salesman.login)
        _result, error = self.call_kw(
            "sale.order",
            "action_confirm",
            order.ids,
            context={"sale_lifecycle_internal": True, "skip_oversell": True},
        )
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("Verdict Gadget", error["message"])
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")

    def test_tour_block_mode(self):
        self.company.sale_oversell_policy = "block"
        self.customer.name = "Verdict Tour Customer"
        order = self.quote([(self.gadget, 3)])
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "sale_order_lifecycle_availability",
            login=self.salesman.login,
        )
        self.assertEqual(order.state, "draft")
