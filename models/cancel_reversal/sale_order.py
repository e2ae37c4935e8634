"""Cancel a delivered or invoiced order by undoing its documents.

Instead of refusing the order, the cancellation returns its done deliveries
through Odoo's ``stock.return.picking`` and credits its posted invoices through
Odoo's ``account.move.reversal``; the order is cancelled only when all of its
reversals succeeded, each order in its own savepoint.
"""

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from ..cancel.notices import CancelNotices
from ..tools import html_links, is_sale_manager, user_lang_env

CANCEL_RETURN = "sale_order_lifecycle.mail_activity_type_cancel_return"
CANCEL_REFUND = "sale_order_lifecycle.mail_activity_type_cancel_refund"
# Marks the environment in which an order's documents have just been reversed:
# its done deliveries no longer forbid its cancellation.
CANCEL_REVERSED = object()
CANCEL_REVERSED_KEY = "sale_cancel_reversed"
REVERSAL_RETURNS_KEY = "sale_cancel_reversal_returns"


class ReversalReturns(frozenset):
    """The ids of the returns a cancellation created, which cancelling the
    order's open deliveries must keep. A context value of this class cannot
    come from a JSON-RPC caller."""


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    cancel_reverse = fields.Boolean(
        string="Cancel With Reversal",
        copy=False,
        readonly=True,
        help="The cancellation returns the delivered goods and credits the posted "
        "invoices.",
    )
    cancel_return_ids = fields.Many2many(
        comodel_name="stock.picking",
        relation="sale_order_cancel_return_rel",
        column1="order_id",
        column2="picking_id",
        string="Cancellation Returns",
        copy=False,
        readonly=True,
    )
    cancel_credit_note_ids = fields.Many2many(
        comodel_name="account.move",
        relation="sale_order_cancel_credit_note_rel",
        column1="order_id",
        column2="move_id",
        string="Cancellation Credit Notes",
        copy=False,
        readonly=True,
    )
    cancel_return_count = fields.Integer(
        compute="_compute_cancel_reversal_counts",
    )
    cancel_credit_note_count = fields.Integer(
        compute="_compute_cancel_reversal_counts",
    )

    @api.depends("cancel_return_ids", "cancel_credit_note_ids")
    def _compute_cancel_reversal_counts(self):
        for order in self:
            order.cancel_return_count = len(order.cancel_return_ids)
            order.cancel_credit_note_count = len(order.cancel_credit_note_ids)

    @api.model
    def _get_lifecycle_protected_fields(self):
        how = self.env._("with Cancel and its reversal option")
        return {
            **super()._get_lifecycle_protected_fields(),
            **dict.fromkeys(
                ("cancel_reverse", "cancel_return_ids", "cancel_credit_note_ids"), how
            ),
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_cancel_returns(self):
        self.ensure_one()
        return self.cancel_return_ids._get_records_action(
            name=self.env._("Cancellation Returns")
        )

    def action_view_cancel_credit_notes(self):
        self.ensure_one()
        return self.cancel_credit_note_ids._get_records_action(
            name=self.env._("Cancellation Credit Notes")
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_cancel_document_blockers(self):
        if self.env.context.get(CANCEL_REVERSED_KEY) is CANCEL_REVERSED:
            # Returned (or return ready) and credited just now.
            return []
        return super()._get_cancel_document_blockers()

    def _check_cancel_wizard_opening(self):
        reversing = self._filter_cancel_needs_reversal()
        if not reversing or not reversing._cancel_reversal_allowed():
            return super()._check_cancel_wizard_opening()
        # The wizard offers to return and credit: only what reversing cannot
        # solve refuses it.
        self._check_no_pending_cancellation()
        self._raise_cancel_blockers(self._get_cancel_blockers_with_reversal())

    def _action_cancel_approved(self):
        reversing = self.filtered("cancel_reverse")
        if reversing:
            _done, failed = reversing._cancel_reverse_each()
            if failed:
                raise UserError(
                    self.env._(
                        "Nothing was approved: the reversal of these orders "
                        "failed.\n%(details)s",
                        details=self._format_reversal_failures(failed),
                    )
                )
        return super(SaleOrder, self - reversing)._action_cancel_approved()

    def _get_cancel_summary_html(self, requested=False):
        summary = super()._get_cancel_summary_html(requested=requested)
        if requested and self.cancel_reverse:
            summary += Markup("<p>%s</p>") % self.env._(
                "Once approved, the delivered goods are returned and the posted "
                "invoices credited."
            )
        if self.cancel_return_ids:
            summary += Markup("<p>%s</p>") % self.env._(
                "Returns: %(returns)s",
                returns=html_links(self.env, self.cancel_return_ids),
            )
        if self.cancel_credit_note_ids:
            summary += Markup("<p>%s</p>") % self.env._(
                "Credit notes: %(credit_notes)s",
                credit_notes=html_links(self.env, self.cancel_credit_note_ids),
            )
        return summary

    def _cancel_reversal_allowed(self):
        """Whether the current user may cancel the orders of ``self`` with
        returns and credit notes, by the setting of each order's company."""
        manager = is_sale_manager(self.env)
        return all(
            policy == "user" or (policy == "manager" and manager)
            for policy in self.company_id.mapped("sale_cancel_reversal")
        )

    def _check_cancel_reversal_allowed(self):
        if not self._cancel_reversal_allowed():
            raise AccessError(
                self.env._(
                    "You may not cancel delivered or invoiced orders with returns "
                    "and credit notes (%(orders)s): ask a Sales Administrator, or "
                    "see Sales > Configuration > Settings > Cancellation.",
                    orders=", ".join(self.mapped("name")),
                )
            )

    def _filter_cancel_needs_reversal(self):
        """The orders of ``self`` that cannot be cancelled without returning
        their goods or crediting their invoices."""
        return self.filtered(
            lambda order: (
                order.state != "cancel" and order._get_cancel_document_blockers()
            )
        )

    def _get_cancel_blockers_with_reversal(self):
        """``{order: [reason, ...]}`` for the orders that cannot be cancelled
        even with returns and credit notes."""
        return self.with_context(
            **{CANCEL_REVERSED_KEY: CANCEL_REVERSED}
        )._get_cancel_blockers()

    def _get_cancel_invoices_to_credit(self):
        """The posted customer invoices of the order not yet credited."""
        return self.invoice_ids.filtered(
            lambda move: (
                move.state == "posted"
                and move.move_type == "out_invoice"
                and move.payment_state != "reversed"
                and not move.reversal_move_ids.filtered(lambda r: r.state == "posted")
            )
        )

    def _get_cancel_reversal_info(self):
        """What cancelling the order with reversal does, for the wizards."""
        self.ensure_one()
        lines = []
        deliveries = self._get_cancel_done_deliveries()
        if deliveries:
            lines.append(
                self.env._(
                    "Return the goods of %(deliveries)s",
                    deliveries=", ".join(deliveries.mapped("name")),
                )
            )
        invoices = self._get_cancel_invoices_to_credit()
        if invoices:
            lines.append(
                self.env._(
                    "Credit %(invoices)s",
                    invoices=", ".join(invoices.mapped("name")),
                )
            )
        return "\n".join(lines)

    def _cancel_with_reversal(self, reason, note=False):
        """Cancel the orders for ``reason``, returning the delivered goods and
        crediting the posted invoices of those that need it.

        Orders that need approval are only requested. Each reversing order is
        reversed and cancelled in its own savepoint: one order's failure leaves
        it untouched and the others go on. Returns the cancelled orders, those
        waiting for approval and ``{order: [reason]}`` for the failures.
        """
        with self._cancel_notices_batch() as batch:
            batch._check_cancel_reason_note(reason, note)
            orders = batch.filtered(lambda order: order.state != "cancel")
            reversing = orders._filter_cancel_needs_reversal()
            if not reversing:
                cancelled, requested = orders._cancel_with_reason(reason, note)
                return cancelled.with_env(self.env), requested.with_env(self.env), {}
            reversing._check_cancel_reversal_allowed()
            orders._check_no_pending_cancellation()
            orders._raise_cancel_blockers(orders._get_cancel_blockers_with_reversal())
            plain = orders - reversing
            cancelled, requested = plain._cancel_with_reason(reason, note)
            need_approval = reversing._cancel_needs_approval(reason, reverse=True)
            if not is_sale_manager(self.env):
                need_approval |= reversing.filtered(
                    "company_id.sale_cancel_reversal_approval"
                )
            if need_approval:
                need_approval._lifecycle_internal().with_context(
                    mail_notrack=True
                ).write({"cancel_reverse": True})
                need_approval._request_cancel_approval(reason, note)
            done, failed = (
                (reversing - need_approval)
                .with_context(sale_cancel_reason_id=reason.id, sale_cancel_note=note)
                ._cancel_reverse_each()
            )
            # Out of the batch: its notices are sent when it ends.
            return (
                (cancelled | done).with_env(self.env),
                (requested | need_approval).with_env(self.env),
                {order.with_env(self.env): why for order, why in failed.items()},
            )

    def _cancel_reverse_each(self):
        """Reverse and cancel each order in its own savepoint. Returns the
        cancelled orders and ``{order: [reason]}`` for the others."""
        done = self.browse()
        failed = {}
        notices = CancelNotices.of(self.env)
        for order in self:
            mark = notices and notices.mark()
            try:
                with self.env.cr.savepoint():
                    returns = order._cancel_reverse_documents()
                    order.with_context(
                        **{
                            CANCEL_REVERSED_KEY: CANCEL_REVERSED,
                            REVERSAL_RETURNS_KEY: ReversalReturns(returns.ids),
                        }
                    )._action_cancel()
            except (UserError, ValidationError) as error:
                failed[order] = [str(error.args[0])]
                if notices:
                    notices.rollback(mark)
            else:
                done |= order
        return done, failed

    def _format_reversal_failures(self, failed):
        return "\n".join(
            f"- {order.name}: {'; '.join(reasons)}" for order, reasons in failed.items()
        )

    def _cancel_reverse_documents(self):
        """Return the done deliveries and credit the posted invoices of the
        order; link them on it. Returns the returns created."""
        self.ensure_one()
        # The company's setting lets this user reverse; the returns and credit
        # notes are the workflow's, whatever the user's Inventory and Invoicing
        # rights.
        order_sudo = self.sudo().with_company(self.company_id)
        returns = order_sudo._cancel_create_returns()
        credit_notes = order_sudo._cancel_create_credit_notes()
        self._lifecycle_internal().with_context(mail_notrack=True).write(
            {
                "cancel_reverse": True,
                "cancel_return_ids": [Command.link(r.id) for r in returns],
                "cancel_credit_note_ids": [Command.link(m.id) for m in credit_notes],
            }
        )
        return returns.with_env(self.env)

    def _cancel_create_returns(self):
        """One return per done delivery, of what was delivered and not yet
        returned (lots and serial numbers of the delivery kept by Odoo),
        validated or left ready as the company chooses."""
        self.ensure_one()
        returns = self.env["stock.picking"]
        for picking in self._get_cancel_done_deliveries():
            wizard = (
                self.env["stock.return.picking"]
                .with_context(
                    active_id=picking.id,
                    active_ids=picking.ids,
                    active_model="stock.picking",
                )
                .create({"picking_id": picking.id})
            )
            to_return = False
            for line in wizard.product_return_moves:
                move = line.move_id
                quantity = move.product_qty - sum(
                    move.returned_move_ids.filtered(
                        lambda m: m.state != "cancel"
                    ).mapped("product_qty")
                )
                rounding = line.product_id.uom_id.rounding
                if float_compare(quantity, 0, precision_rounding=rounding) > 0:
                    line.write({"quantity": quantity, "to_refund": True})
                    to_return = True
                else:
                    line.quantity = 0
            if to_return:
                returns |= wizard._create_return()
        if not returns:
            return returns
        if self.company_id.sale_cancel_return_validate:
            returns._cancel_validate_return()
        else:
            self._cancel_schedule_return_activities(returns)
        return returns

    def _cancel_schedule_return_activities(self, returns):
        """The warehouse receives the goods: an activity on each return for the
        delivery's responsible, or the company's Inventory Administrators."""
        managers = self.env.ref("stock.group_stock_manager").users.filtered(
            lambda user: not user.share and self.company_id in user.company_ids
        )
        for picking in returns:
            users = picking.return_id.user_id or managers or self.env.user
            for user in users:
                picking.activity_schedule(
                    CANCEL_RETURN,
                    summary=user_lang_env(self.env, user)._(
                        "Receive the goods of cancelled %(order)s", order=self.name
                    ),
                    user_id=user.id,
                )

    def _cancel_create_credit_notes(self):
        """A full credit note of each posted customer invoice not yet credited,
        through Odoo's reversal wizard; an unpaid invoice is reconciled with
        it, the customer of a paid one is to be refunded by accounting."""
        self.ensure_one()
        invoices = self._get_cancel_invoices_to_credit()
        if not invoices:
            return invoices
        paid = invoices.filtered(
            lambda move: move.payment_state in ("paid", "in_payment", "partial")
        )
        credit_notes = self.env["account.move"]
        # One reversal per journal: each credit note in its invoice's journal.
        for journal in invoices.journal_id:
            journal_invoices = invoices.filtered(lambda m, j=journal: m.journal_id == j)
            wizard = (
                self.env["account.move.reversal"]
                .with_context(
                    active_model="account.move", active_ids=journal_invoices.ids
                )
                .create(
                    {
                        "move_ids": [Command.set(journal_invoices.ids)],
                        "journal_id": journal.id,
                        "company_id": self.company_id.id,
                        "reason": self.env._(
                            "Cancellation of %(order)s", order=self.name
                        ),
                    }
                )
            )
            wizard.refund_moves()
            credit_notes |= wizard.new_move_ids
        credit_notes.filtered(lambda move: move.state == "draft").action_post()
        for credit_note in credit_notes:
            invoice = credit_note.reversed_entry_id
            # The open part of the invoice is settled by the credit note; what
            # the customer paid stays open on the credit note, to refund.
            (invoice.line_ids | credit_note.line_ids).filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            ).reconcile()
        to_refund = credit_notes.filtered(lambda move: move.reversed_entry_id in paid)
        if to_refund:
            self._cancel_schedule_refund_activities(to_refund)
        # Accounting is told of the unpaid ones, settled by their credit note.
        self._cancel_collect_notices(credit_notes=credit_notes - to_refund)
        return credit_notes

    def _cancel_schedule_refund_activities(self, credit_notes):
        """Accounting refunds what the customer paid: an activity on each
        credit note for the invoice's responsible if they may invoice, or the
        company's accountant."""
        for credit_note in credit_notes:
            user = credit_note.invoice_user_id
            if not user or not user.has_group("account.group_account_invoice"):
                user = self.company_id.sale_discrepancy_user_id or self.env.user
            user_env = user_lang_env(self.env, user)
            credit_note.activity_schedule(
                CANCEL_REFUND,
                summary=user_env._(
                    "Refund the customer of cancelled %(order)s", order=self.name
                ),
                note=Markup("<p>%s</p>")
                % user_env._(
                    "%(invoice)s was paid: refund %(amount)s to the customer "
                    "by registering a payment on this credit note.",
                    invoice=credit_note.reversed_entry_id.name,
                    amount=credit_note.currency_id.format(credit_note.amount_residual),
                ),
                user_id=user.id,
            )
