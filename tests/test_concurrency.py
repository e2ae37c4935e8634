"""Races between two real transactions that commit.

Each test prepares committed data, then runs two calls in two threads, each
with its own database cursor, the way two workers would serve two requests:
the first call does its work and keeps its transaction open a moment, the
second starts while it is open. Calls go through Odoo's own ``retrying`` (what
RPC does), so a serialization failure is retried, never turned into data.
The data is deleted at the end.

Under Odoo's own runner (``odoo-bin --test-enable``) the post-install tests run
while the main thread holds the class-wide ``Registry._lock``
(``ThreadedServer.run``), and every ``api.Environment`` of another thread takes
it (``Registry(dbname)``): the threads would wait for the end of the tests. So
each test swaps it for a ``DummyRLock``, as Odoo's own ``auth_ldap`` test with
committing cursors does ("prevent deadlock (see #161438)"), and as the
registry's test mode does for HTTP tests. The registry must not be in test
mode: its cursors would all share one transaction and nothing would race.
"""

import threading
import time
import uuid
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger

HOLD = 1.0  # seconds the first transaction stays open after its work


@tagged("post_install", "-at_install")
class TestConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        self.assertFalse(
            self.registry.in_test_mode(), "the registry must give real cursors"
        )
        self.patch(Registry, "_lock", DummyRLock())
        self.tag = uuid.uuid4().hex[:8]
        self.created = []  # (model, ids) to delete at the end
        self.addCleanup(self.cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.ids = self.prepare(env)

    def prepare(self, env):
        """Users, a customer, a storable product with stock: committed."""
        users = {
            name: new_test_user(
                env,
                login=f"sol_race_{name}_{self.tag}",
                name=f"Race {name}",
                groups=group,
            )
            for name, group in (
                ("salesman", "sales_team.group_sale_salesman"),
                ("reviewer_a", "sales_team.group_sale_manager"),
                ("reviewer_b", "sales_team.group_sale_manager"),
                ("stock", "stock.group_stock_manager"),
            )
        }
        customer = env["res.partner"].create(
            {
                "name": f"Race customer {self.tag}",
                "street": "1 Race St",
                "city": "Xi'an",
            }
        )
        product = env["product.product"].create(
            {
                "name": f"Race item {self.tag}",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
            }
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 5
        )
        self.track(customer, product, *users.values())
        # Only this test's rules apply (demo data may have others): restored
        # at the end.
        others = env["sale.review.rule"].search([])
        others.active = False
        self.addCleanup(
            self.check,
            lambda env: (
                env["sale.review.rule"].browse(others.ids).write({"active": True})
            ),
        )
        return {
            "users": {name: user.id for name, user in users.items()},
            "customer": customer.id,
            "product": product.id,
            "company": env.company.id,
        }

    def track(self, *records):
        for record in records:
            self.created.append((record._name, record.ids))

    def cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            for model, ids in reversed(self.created):
                records = env[model].browse(ids).exists()
                if model == "sale.order":
                    env["mail.activity"].search(
                        [("res_model", "=", model), ("res_id", "in", records.ids)]
                    ).unlink()
                    records.filtered(lambda o: o.state != "cancel").with_context(
                        disable_cancel_warning=True
                    )._action_cancel()
                if model in ("res.users", "res.partner", "product.product"):
                    records.active = False  # referenced by messages and moves
                else:
                    records.unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def env_as(self, cr, name=None, **context):
        uid = self.ids["users"][name] if name else SUPERUSER_ID
        return api.Environment(cr, uid, context)

    def quotation(self, env, qty=20, **values):
        order = env["sale.order"].create(
            {
                "partner_id": self.ids["customer"],
                "user_id": self.ids["users"]["salesman"],
                "order_line": [
                    Command.create(
                        {"product_id": self.ids["product"], "product_uom_qty": qty}
                    )
                ],
                **values,
            }
        )
        self.track(order)
        return order

    def review_rule(self, env):
        rule = env["sale.review.rule"].create(
            {
                "name": f"Race rule {self.tag}",
                "min_amount": 1000.0,
                "reviewer_user_ids": [
                    Command.set(
                        [
                            self.ids["users"]["reviewer_a"],
                            self.ids["users"]["reviewer_b"],
                        ]
                    )
                ],
            }
        )
        self.track(rule)
        return rule

    def race(self, first, second):
        """Run ``first(env)`` then, while its transaction is still open,
        ``second(env)``, each in its own thread and cursor, through
        ``retrying``. Return each call's exception (or None) and how many
        times each was attempted."""
        first_done = threading.Event()
        outcomes = {}
        attempts = {"first": 0, "second": 0}

        def worker(label, func):
            threading.current_thread().testing = True  # no mail sent
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})

                    def call():
                        attempts[label] += 1
                        func(cr)
                        cr.flush()
                        if label == "first":
                            # Done, not committed yet: let the second one in.
                            first_done.set()
                            time.sleep(HOLD)

                    if label == "second":
                        first_done.wait()
                    retrying(call, env)  # commits
                outcomes[label] = None
            except (UserError, AccessError) as error:
                outcomes[label] = error
            finally:
                first_done.set()

        threads = [
            threading.Thread(target=worker, args=("first", first)),
            threading.Thread(target=worker, args=("second", second)),
        ]
        # The second one's failure to serialize is expected, and retried: not
        # an ERROR of the test log.
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
                self.assertFalse(thread.is_alive(), "a transaction never ended")
        return outcomes, attempts

    def check(self, func):
        """``func(env)`` in a transaction of its own, committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            result = func(env)
            # The commit flushes only the environments still alive.
            env.flush_all()
            return result

    # ------------------------------------------------------------------
    # Races
    # ------------------------------------------------------------------

    def requested_order(self):
        with self.registry.cursor() as cr:
            env = self.env_as(cr)
            self.review_rule(env)
            order = self.quotation(env)
            order.with_user(self.ids["users"]["salesman"]).action_request_review()
            return order.id

    def approve(self, order_id, reviewer):
        def call(cr):
            self.env_as(cr, reviewer)["sale.order"].browse(
                order_id
            ).action_review_approve()

        return call

    def cancel(self, order_id, user="reviewer_a"):
        def call(cr):
            env = self.env_as(cr, user)
            reason = env.ref("sale_order_lifecycle.cancel_reason_customer_request")
            env["sale.order"].browse(order_id).with_context(
                sale_cancel_reason_id=reason.id
            ).action_cancel()

        return call

    def test_two_reviewers_approve_the_same_level(self):
        order_id = self.requested_order()
        outcomes, attempts = self.race(
            self.approve(order_id, "reviewer_a"), self.approve(order_id, "reviewer_b")
        )
        self.assertIsNone(outcomes["first"])
        self.assertIsInstance(outcomes["second"], AccessError)
        self.assertGreater(attempts["second"], 1, "the second one waited and retried")

        def state(env):
            order = env["sale.order"].browse(order_id)
            notes = order.message_ids.filtered(lambda m: "approved:" in (m.body or ""))
            return (
                order.review_state,
                order.review_ids.mapped("state"),
                order.review_ids.decided_by_id.ids,
                len(notes),
                len(order.activity_ids.filtered("sale_review_id")),
            )

        self.assertEqual(
            self.check(state),
            ("approved", ["approved"], [self.ids["users"]["reviewer_a"]], 1, 0),
        )

    def test_cancel_while_approving(self):
        order_id = self.requested_order()
        outcomes, _attempts = self.race(
            self.approve(order_id, "reviewer_b"), self.cancel(order_id)
        )
        self.assertEqual(outcomes, {"first": None, "second": None})
        self.assertEqual(
            self.check(
                lambda env: (
                    env["sale.order"].browse(order_id).state,
                    env["sale.order"].browse(order_id).review_ids.mapped("state"),
                )
            ),
            ("cancel", ["approved"]),
        )

    def test_approve_while_cancelling(self):
        order_id = self.requested_order()
        outcomes, attempts = self.race(
            self.cancel(order_id), self.approve(order_id, "reviewer_b")
        )
        self.assertIsNone(outcomes["first"])
        self.assertIsInstance(outcomes["second"], AccessError)
        self.assertGreater(attempts["second"], 1)

        def state(env):
            order = env["sale.order"].browse(order_id)
            return (
                order.state,
                order.review_state,
                order.review_ids.mapped("state"),
                bool(order.activity_ids.filtered("sale_review_id")),
                bool(order.cancel_reason_id and order.cancel_user_id),
            )

        self.assertEqual(
            self.check(state), ("cancel", "none", ["cancelled"], False, True)
        )

    def finished_order(self):
        with self.registry.cursor() as cr:
            env = self.env_as(cr)
            company = env["res.company"].browse(self.ids["company"])
            settings = {
                "sale_auto_archive": company.sale_auto_archive,
                "sale_auto_archive_days": company.sale_auto_archive_days,
            }
            self.addCleanup(
                self.check,
                lambda env: env["res.company"].browse(company.id).write(settings),
            )
            company.write({"sale_auto_archive": True, "sale_auto_archive_days": 1})
            order = self.quotation(env, qty=1)
            reason = env.ref("sale_order_lifecycle.cancel_reason_customer_request")
            order.with_context(sale_cancel_reason_id=reason.id).action_cancel()
            long_ago = fields.Datetime.now() - timedelta(days=10)
            order.write({"date_order": long_ago, "cancel_date": long_ago})
            return order.id

    def archive_job(self, cr):
        self.env_as(cr)["sale.order"]._cron_auto_archive()

    def edit(self, order_id):
        def call(cr):
            self.env_as(cr, "reviewer_a")["sale.order"].browse(order_id).write(
                {"client_order_ref": "EDITED"}
            )

        return call

    def archive_state(self, order_id):
        def read(env):
            order = env["sale.order"].browse(order_id)
            return (
                order.active,
                bool(order.archived_date),
                bool(order.archived_by_id),
                order.client_order_ref,
            )

        return self.check(read)

    def test_archive_job_skips_an_order_being_edited(self):
        order_id = self.finished_order()
        outcomes, _attempts = self.race(self.edit(order_id), self.archive_job)
        self.assertEqual(outcomes, {"first": None, "second": None})
        self.assertEqual(self.archive_state(order_id), (True, False, False, "EDITED"))
        # The next run archives it, whole.
        self.check(lambda env: env["sale.order"]._cron_auto_archive())
        self.assertEqual(self.archive_state(order_id), (False, True, True, "EDITED"))

    def test_edit_during_the_archive_job_is_refused(self):
        order_id = self.finished_order()
        outcomes, attempts = self.race(self.archive_job, self.edit(order_id))
        self.assertIsNone(outcomes["first"])
        self.assertRegex(str(outcomes["second"]), "read-only")
        self.assertGreater(attempts["second"], 1)
        self.assertEqual(self.archive_state(order_id), (False, True, True, False))

    def test_two_low_stock_evaluations(self):
        with self.registry.cursor() as cr:
            env = self.env_as(cr)
            rule = env["stock.low.stock.rule"].create(
                {
                    "name": f"Race low stock {self.tag}",
                    "scope": "product",
                    "product_ids": [Command.set([self.ids["product"]])],
                    "trigger": "min_qty",
                    "min_qty": 10,
                }
            )
            self.track(rule)
            rule_id = rule.id

        def evaluate(cr):
            self.env_as(cr, "stock")["stock.low.stock.rule"].browse(
                rule_id
            ).action_evaluate()

        outcomes, attempts = self.race(evaluate, evaluate)
        self.assertEqual(outcomes, {"first": None, "second": None})
        self.assertGreater(attempts["second"], 1)

        def open_alerts(env):
            alerts = env["stock.low.stock.alert"].search(
                [("rule_id", "=", rule_id), ("state", "!=", "resolved")]
            )
            return sorted(
                (alert.product_id.id, alert.warehouse_id.id) for alert in alerts
            )

        alerts = self.check(open_alerts)
        self.assertTrue(alerts)
        self.assertEqual(len(alerts), len(set(alerts)), "one open alert per key")
