"""Bad input to every wizard and action, as an RPC caller could send it.

Each call must fail with a clear UserError, ValidationError or AccessError
(MissingError is a UserError) and leave the database as it was: the counts
and states below are compared before and after. Actions are checked in the
same transaction, so a change applied before the refusal would show even
though RPC rolls it back. Constraints run after the ORM has written, as in
Odoo everywhere: those calls run in a savepoint, the RPC transaction's
stand-in.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import LifecycleCommon

# AccessError, ValidationError and MissingError are all UserErrors.
REFUSED = UserError
HYPOTHESIS = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
HUGE = "x" * 10_001


# Out of range by more than the fields' rounding (0.01), which would bring a
# value like -0.004 back to 0.
def below(limit):
    return st.floats(max_value=limit - 0.01, allow_nan=False)


def above(limit):
    return st.floats(min_value=limit + 0.01, allow_nan=False)


def huge():
    return st.floats(min_value=1e12, exclude_min=True) | st.just(float("nan"))


@tagged("post_install", "-at_install")
class TestBadInput(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["sale.review.rule"].create(
            {
                "name": "Bad input rule",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set(cls.sale_manager.ids)],
            }
        )
        cls.reason = cls.env.ref("sale_order_lifecycle.cancel_reason_customer_request")
        cls.quotation = cls.create_orders()
        cls.large = cls.create_orders(qty=20)
        cls.confirmed = cls.create_orders()
        cls.confirmed.action_confirm()
        cls.pending = cls.create_orders(qty=20)
        cls.pending.with_user(cls.salesman).action_request_review()
        cls.low_rule = cls.env["stock.low.stock.rule"].create(
            {
                "name": "Bad input low stock",
                "scope": "product",
                "product_ids": [Command.set(cls.product.ids)],
                "trigger": "min_qty",
                "min_qty": 5,
            }
        )
        cls.orders = cls.quotation | cls.large | cls.confirmed | cls.pending

    def snapshot(self):
        counts = self.count_records(
            "sale.order",
            "sale.order.line",
            "sale.order.review",
            "sale.order.assignment",
            "sale.review.rule",
            "stock.low.stock.rule",
            "stock.low.stock.alert",
            "mail.activity",
            "mail.message",
        )
        states = self.orders.read(
            [
                "state",
                "review_state",
                "cancel_reason_id",
                "cancel_note",
                "cancel_request_state",
                "user_id",
                "active",
                "note",
            ]
        )
        return counts, states, self.rule.read(), self.low_rule.read()

    def assertRefusedUnchanged(
        self, call, exceptions=REFUSED, message=None, rollback=False
    ):
        before = self.snapshot()
        with self.assertRaises(exceptions) as caught:
            if rollback:
                with self.env.cr.savepoint():
                    call()
            else:
                call()
        if message:
            self.assertRegex(str(caught.exception), message)
        self.assertEqual(self.snapshot(), before, "the database changed")
        return caught.exception

    def missing_id(self, model):
        return self.env[model].search([], order="id desc", limit=1).id + 1000

    # ------------------------------------------------------------------
    # Missing or wrong values
    # ------------------------------------------------------------------

    def test_cancel_without_or_with_a_wrong_reason(self):
        orders = self.quotation | self.large
        for value in (None, "customer", 3.5, [self.reason.id], True):
            with self.subTest(value=value):
                context = {} if value is None else {"sale_cancel_reason_id": value}
                self.assertRefusedUnchanged(
                    lambda context=context: orders.with_context(
                        **context
                    ).action_cancel()
                )
        self.assertRefusedUnchanged(
            lambda: orders.with_context(
                sale_cancel_reason_id=self.missing_id("sale.order.cancel.reason")
            ).action_cancel(),
            message="does not exist",
        )
        wizard = self.env["sale.mass.cancel.orders"].with_context(
            active_model="sale.order", active_ids=orders.ids
        )
        self.assertRefusedUnchanged(
            lambda: wizard.create({}).action_mass_cancel(), message="reason"
        )
        self.assertRefusedUnchanged(
            lambda: (
                self.env["sale.order.cancel"]
                .create({"order_id": self.quotation.id})
                .action_cancel()
            ),
            message="reason",
        )

    def test_cancel_note_of_the_wrong_type_or_size(self):
        for note in (HUGE, 42, ["a list"]):
            with self.subTest(note=str(note)[:10]):
                self.assertRefusedUnchanged(
                    lambda note=note: self.quotation.with_context(
                        sale_cancel_reason_id=self.reason.id, sale_cancel_note=note
                    ).action_cancel()
                )
        self.reason.note_required = True
        self.assertRefusedUnchanged(
            lambda: self.quotation.with_context(
                sale_cancel_reason_id=self.reason.id, sale_cancel_note="   "
            ).action_cancel(),
            message="needs a note",
        )

    def test_reject_reasons(self):
        def reject(reason):
            return (
                self.env["sale.order.review.reject.wizard"]
                .with_user(self.sale_manager)
                .create({"order_ids": self.pending.ids, "reason": reason})
                .action_reject()
            )

        for reason in (False, "", "   ", HUGE):
            with self.subTest(reason=str(reason)[:10]):
                self.assertRefusedUnchanged(lambda reason=reason: reject(reason))

    def test_reassign_reasons_and_targets(self):
        def reassign(**values):
            return (
                self.env["sale.order.reassign.wizard"]
                .with_user(self.sale_manager)
                .create(
                    {
                        "order_ids": self.quotation.ids,
                        "user_id": self.salesman_other.id,
                        "reason": "Holidays",
                        **values,
                    }
                )
                .action_reassign()
            )

        for values in (
            {"reason": False},
            {"reason": HUGE},
            {"user_id": False},
            {"order_ids": [Command.clear()]},
        ):
            with self.subTest(values=str(values)[:40]):
                self.assertRefusedUnchanged(lambda values=values: reassign(**values))

    # ------------------------------------------------------------------
    # Wrong states
    # ------------------------------------------------------------------

    def test_wrong_states(self):
        calls = {
            "request review of a confirmed order": lambda: self.confirmed.with_user(
                self.sale_manager
            ).action_request_review(),
            "request review twice": lambda: self.pending.with_user(
                self.salesman
            ).action_request_review(),
            "request review where no rule applies": lambda: self.quotation.with_user(
                self.salesman
            ).action_request_review(),
            "approve what waits for nobody": lambda: self.large.with_user(
                self.sale_manager
            ).action_review_approve(),
            "confirm a pending quotation": lambda: self.pending.with_user(
                self.sale_manager
            ).action_confirm(),
            "archive an open order": lambda: self.confirmed.action_archive(),
            "reassign nothing": lambda: (
                self.env["sale.order"]
                .with_user(self.sale_manager)
                .action_open_reassign_wizard()
                and self.env["sale.order.reassign.wizard"]
                .with_user(self.sale_manager)
                .create({"reason": "x", "user_id": self.salesman.id})
                .action_reassign()
            ),
            "write the review state": lambda: self.quotation.with_user(
                self.salesman
            ).write({"review_state": "approved"}),
        }
        for label, call in calls.items():
            with self.subTest(label):
                self.assertRefusedUnchanged(call)

    def test_final_cancellation_does_not_come_back(self):
        self.quotation.with_context(
            sale_cancel_reason_id=self.reason.id
        ).action_cancel()
        self.orders = self.orders | self.quotation
        self.assertRefusedUnchanged(
            self.quotation.action_draft, message="duplicate the order"
        )

    # ------------------------------------------------------------------
    # Deleted and foreign records
    # ------------------------------------------------------------------

    def test_deleted_records(self):
        ghost = self.env["sale.order"].browse(self.missing_id("sale.order"))
        for method in (
            "action_request_review",
            "action_review_approve",
            "action_review_reject",
            "action_cancel_request_approve",
            "action_open_reassign_wizard",
            "action_confirm",
        ):
            with self.subTest(method):
                self.assertRefusedUnchanged(
                    getattr(ghost.with_user(self.sale_manager), method)
                )
        # An order deleted while its reviewer writes the rejection.
        doomed = self.create_orders(qty=20)
        doomed.with_user(self.salesman).action_request_review()
        wizard = (
            self.env["sale.order.review.reject.wizard"]
            .with_user(self.sale_manager)
            .create({"order_ids": doomed.ids, "reason": "Gone"})
        )
        doomed.with_context(sale_cancel_reason_id=self.reason.id).action_cancel()
        doomed.unlink()
        wizard.invalidate_recordset()
        self.assertRefusedUnchanged(wizard.action_reject, message="no longer exist")
        ghost_alert = self.env["stock.low.stock.alert"].browse(
            self.missing_id("stock.low.stock.alert")
        )
        self.assertRefusedUnchanged(ghost_alert.action_acknowledge)

    def test_foreign_company_records(self):
        company_b = self.env["res.company"].create({"name": "Bad Input B"})
        self.sale_manager.company_ids = self.company
        foreign_rule = self.env["sale.review.rule"].create(
            {
                "name": "Foreign",
                "company_id": company_b.id,
                "reviewer_user_ids": [Command.set(self.sale_manager.ids)],
            }
        )
        self.assertRefusedUnchanged(
            lambda: foreign_rule.with_user(self.sale_manager).write({"min_amount": 1}),
            exceptions=AccessError,
            rollback=True,
        )
        self.assertRefusedUnchanged(
            lambda: (
                self.env["customer.statement.wizard"]
                .with_user(self.accountant)
                .create({"partner_ids": self.customer.ids, "company_id": company_b.id})
                .action_print()
            ),
            exceptions=AccessError,
        )

    # ------------------------------------------------------------------
    # Thresholds, generated
    # ------------------------------------------------------------------

    @HYPOTHESIS
    @given(min_amount=below(0) | huge())
    def test_absurd_review_amounts(self, min_amount):
        self.assertRefusedUnchanged(
            lambda: self.rule.write({"min_amount": min_amount}),
            exceptions=ValidationError,
            rollback=True,
        )

    @HYPOTHESIS
    @given(discount=below(0) | above(100))
    def test_absurd_review_discounts(self, discount):
        self.assertRefusedUnchanged(
            lambda: self.rule.write({"max_discount": discount}),
            exceptions=ValidationError,
            rollback=True,
        )

    @HYPOTHESIS
    @given(margin=below(-100) | above(100))
    def test_absurd_review_margins(self, margin):
        self.assertRefusedUnchanged(
            lambda: self.rule.write({"min_margin": margin}),
            exceptions=ValidationError,
            rollback=True,
        )

    @HYPOTHESIS
    @given(value=st.text() | st.lists(st.integers()) | st.booleans().filter(bool))
    def test_review_thresholds_of_the_wrong_type(self, value):
        self.assertRefusedUnchanged(
            lambda: self.rule.write({"min_amount": value}),
            exceptions=ValidationError,
            rollback=True,
        )

    @HYPOTHESIS
    @given(domain=st.text(max_size=60))
    def test_review_rule_domains(self, domain):
        """Any text is refused unless it is a filter on sales orders."""
        before = self.snapshot()
        try:
            with self.env.cr.savepoint():
                self.rule.write({"domain": domain})
        except ValidationError:
            self.assertEqual(self.snapshot(), before)
        else:
            self.assertIsInstance(self.rule._get_domain(), list)
            self.env["sale.order"].search_count(self.rule._get_domain())

    @HYPOTHESIS
    @given(
        values=st.fixed_dictionaries({"min_qty": below(0) | huge()})
        | st.fixed_dictionaries({"target_days": below(0) | huge()})
        | st.fixed_dictionaries(
            {"window_days": st.integers(max_value=0) | st.integers(min_value=3651)}
        )
    )
    def test_absurd_low_stock_thresholds(self, values):
        self.assertRefusedUnchanged(
            lambda: self.low_rule.write(values),
            exceptions=ValidationError,
            rollback=True,
        )

    @HYPOTHESIS
    @given(
        amount=below(0) | huge(),
        days=st.integers(max_value=0) | st.integers(min_value=2**31),
    )
    def test_absurd_company_settings(self, amount, days):
        for values in (
            {"sale_cancel_approval_amount": amount},
            {"sale_discrepancy_tolerance": amount},
            {"sale_auto_archive": True, "sale_auto_archive_days": days},
        ):
            before = self.company.read(list(values))
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.company.write(values)
            self.company.invalidate_recordset()
            self.assertEqual(self.company.read(list(values)), before, values)
