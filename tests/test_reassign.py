from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestReassign(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_a = cls.env["crm.team"].create({"name": "Team A"})
        cls.team_b = cls.env["crm.team"].create(
            {"name": "Team B", "member_ids": [cls.salesman_other.id]}
        )

    def reassign(
        self, orders, user=None, team=None, reason="Holiday cover", by=None, **extra
    ):
        wizard = (
            self.env["sale.order.reassign.wizard"]
            .with_user(by or self.sale_manager)
            .create(
                {
                    "order_ids": orders.ids,
                    "user_id": user and user.id,
                    "team_id": team and team.id,
                    "reason": reason,
                    **extra,
                }
            )
        )
        return wizard.action_reassign()

    def test_reassign_records_history_followers_activities_and_messages(self):
        order = self.create_orders(team_id=self.team_a.id)
        todo = order.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.salesman.id
        )
        self.reassign(order, user=self.salesman_other, team=self.team_b)

        self.assertEqual(order.user_id, self.salesman_other)
        self.assertEqual(order.team_id, self.team_b)
        self.assertRecordValues(
            order.assignment_ids,
            [
                {
                    "from_user_id": self.salesman.id,
                    "to_user_id": self.salesman_other.id,
                    "from_team_id": self.team_a.id,
                    "to_team_id": self.team_b.id,
                    "reason": "Holiday cover",
                    "assigned_by_id": self.sale_manager.id,
                }
            ],
        )
        self.assertEqual(order.previous_user_ids, self.salesman)
        followers = order.message_partner_ids
        self.assertIn(
            self.salesman_other.partner_id, followers, "new salesperson follows"
        )
        self.assertIn(
            self.salesman.partner_id, followers, "former salesperson still follows"
        )
        # The former salesperson's open activity moved; a new one carries the reason.
        self.assertEqual(todo.user_id, self.salesman_other)
        reassigned = order.activity_ids.filtered(
            lambda act: (
                act.activity_type_id
                == self.env.ref(
                    "sale_order_lifecycle.mail_activity_type_order_reassigned"
                )
            )
        )
        self.assertEqual(reassigned.user_id, self.salesman_other)
        self.assertIn("Holiday cover", reassigned.note)
        self.assertIn("Holiday cover", order.message_ids[0].body)
        # One notification each for the new and the former salesperson.
        for user in (self.salesman, self.salesman_other):
            notices = self.env["mail.message"].search(
                [
                    ("model", "=", False),
                    ("subject", "=", "Sales orders reassigned"),
                    ("partner_ids", "in", user.partner_id.ids),
                ]
            )
            self.assertEqual(len(notices), 1, user.name)
            self.assertIn(order.name, notices.body)

    def test_former_salesperson_reads_but_cannot_change(self):
        order = self.create_orders()
        self.reassign(order, user=self.salesman_other)
        as_former = order.with_user(self.salesman)
        as_former.invalidate_recordset()
        self.assertEqual(as_former.name, order.name)
        self.assertEqual(
            as_former.order_line.with_user(self.salesman).product_id, self.product
        )
        self.assertIn(order, self.env["sale.order"].with_user(self.salesman).search([]))
        with self.assertRaises(AccessError):
            as_former.write({"client_order_ref": "NOPE"})
        with self.assertRaises(AccessError):
            as_former.order_line.write({"product_uom_qty": 5})
        with self.assertRaises(AccessError):
            as_former.action_confirm()
        # The new salesperson works on it.
        order.with_user(self.salesman_other).write({"client_order_ref": "OK"})
        self.assertEqual(order.client_order_ref, "OK")
        # A salesperson who never handled it sees nothing.
        stranger = self.env["res.users"].create(
            {
                "name": "Stranger",
                "login": "sol_stranger",
                "groups_id": [
                    (6, 0, self.env.ref("sales_team.group_sale_salesman").ids)
                ],
            }
        )
        with self.assertRaises(AccessError):
            order.with_user(stranger).read(["name"])

    def test_salesperson_reassigns_own_orders_only(self):
        own = self.create_orders(user=self.salesman)
        # Handed over to a colleague: the salesperson still reads it (former
        # salesperson) but it is no longer theirs to reassign.
        other = self.create_orders(user=self.salesman)
        self.reassign(other, user=self.salesman_other)
        # Never theirs: they do not even read it.
        unseen = self.create_orders(user=self.salesman_other)
        # Read as an RPC would: from the database, through the record rules.
        self.env.invalidate_all()
        with self.assertRaisesRegex(AccessError, "Only a Sales Administrator"):
            self.reassign(own | other, user=self.sale_manager, by=self.salesman)
        with self.assertRaises(AccessError):
            self.reassign(own | unseen, user=self.sale_manager, by=self.salesman)
        self.assertEqual(own.user_id, self.salesman, "nothing half-applied")
        self.reassign(own, user=self.salesman_other, by=self.salesman)
        self.assertEqual(own.user_id, self.salesman_other)
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            other.with_user(self.salesman).action_open_reassign_wizard()
        with self.assertRaises(AccessError):
            unseen.with_user(self.salesman).action_open_reassign_wizard()

    def test_cancelled_and_archived_orders_are_refused(self):
        cancelled = self.create_orders()
        cancelled._action_cancel()
        archived = self.create_orders()
        archived._action_cancel()
        archived.action_archive()
        open_order = self.create_orders()
        with self.assertRaises(UserError) as error:
            self.reassign(cancelled | archived | open_order, user=self.salesman_other)
        self.assertIn(f"{cancelled.name} is cancelled", str(error.exception))
        self.assertIn(f"{archived.name} is archived", str(error.exception))
        self.assertEqual(open_order.user_id, self.salesman)

    def test_bad_input(self):
        order = self.create_orders()
        with self.assertRaisesRegex(UserError, "new salesperson, a new sales team"):
            self.reassign(order)
        with self.assertRaisesRegex(UserError, "reason"):
            self.reassign(order, user=self.salesman_other, reason="  ")
        with self.assertRaisesRegex(UserError, "Select the orders"):
            self.reassign(self.env["sale.order"], user=self.salesman_other)
        self.assertFalse(order.assignment_ids)

    def test_open_orders_of_a_leaving_salesperson(self):
        leaving = self.create_orders(3, user=self.salesman)
        leaving[2]._action_cancel()
        kept = self.create_orders(user=self.salesman_other)
        action = self.salesman.with_user(
            self.sale_manager
        ).action_reassign_open_sale_orders()
        wizard = Form(
            self.env["sale.order.reassign.wizard"].with_context(**action["context"])
        )
        self.assertEqual(wizard.from_user_id, self.salesman)
        self.assertEqual(set(wizard.order_ids.ids), set(leaving[:2].ids))
        wizard.user_id = self.salesman_other
        wizard.reason = "Leaves the company"
        wizard.save().action_reassign()
        self.assertEqual(leaving[:2].user_id, self.salesman_other)
        self.assertEqual(leaving[2].user_id, self.salesman, "cancelled orders stay")
        self.assertFalse(kept.assignment_ids)
        with self.assertRaises(AccessError):
            self.salesman.with_user(
                self.salesman_other
            ).action_reassign_open_sale_orders()

    def test_candidates_filtered_by_team_with_their_load(self):
        self.create_orders(2, user=self.salesman_other)
        wizard = Form(
            self.env["sale.order.reassign.wizard"].with_context(
                default_order_ids=self.create_orders().ids
            )
        )
        wizard.team_filter_id = self.team_b
        wizard.reason = "Balance the load"
        self.assertEqual(wizard.team_id, self.team_b)
        candidates = wizard.save().candidate_user_ids
        self.assertEqual(candidates, self.salesman_other)
        label = candidates.with_context(sale_reassign_load=True).display_name
        self.assertEqual(label, "Olga Salesman (2 open orders)")

    def test_form_edit_of_salesperson_is_recorded(self):
        order = self.create_orders()
        with Form(order.with_user(self.sale_manager)) as form:
            form.user_id = self.salesman_other
        self.assertEqual(order.assignment_ids.to_user_id, self.salesman_other)
        self.assertEqual(order.assignment_ids.assigned_by_id, self.sale_manager)

    def test_reassignment_history_access(self):
        order = self.create_orders()
        self.reassign(order, user=self.salesman_other)
        row = order.assignment_ids
        self.assertEqual(row.with_user(self.salesman).reason, "Holiday cover")
        with self.assertRaises(AccessError):
            row.with_user(self.salesman_other).write({"reason": "rewritten"})
        with self.assertRaises(AccessError):
            row.with_user(self.sale_manager).unlink()

    def test_mass_reassign_query_count_does_not_grow(self):
        """Confirmed orders: on quotations Odoo's own sale_stock recomputes the
        warehouse of each order (one search per quotation) when the
        salesperson changes; that is Odoo's cost, not this module's."""
        five = self.create_orders(5)
        fifty = self.create_orders(50)
        (five | fifty).action_confirm()
        queries_five = self.count_queries(
            lambda: self.reassign(five, user=self.salesman_other, team=self.team_b)
        )
        self.env.invalidate_all()
        with self.assertQueryCount(queries_five + 4):
            self.reassign(fifty, user=self.salesman_other, team=self.team_b)
        self.assertEqual(fifty.user_id, self.salesman_other)
        self.assertEqual(len(fifty.assignment_ids), 50)
