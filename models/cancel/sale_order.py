from collections import defaultdict
from contextlib import contextmanager

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import (
    SALE_MANAGER_GROUP,
    check_note,
    close_activities,
    format_blockers,
    html_links,
    is_sale_manager,
    notification_action,
    notify_user,
    text_to_html,
    user_lang_env,
)
from .notices import CANCEL_NOTICES_KEY, CancelNotices

CANCEL_APPROVAL = "sale_order_lifecycle.mail_activity_type_cancel_approval"
# Marks the environment of the cancellation flow, which logs one note per order
# and per delivery instead of the tracking of their states.
CANCEL_LOGGED = object()
CANCEL_LOGGED_KEY = "sale_cancel_logged"
# What a cancellation records on the order; none of it is tracked.
CANCEL_FIELDS = (
    "cancel_approval_user_ids",
    "cancel_date",
    "cancel_reason_id",
    "cancel_note",
    "cancel_user_id",
    "cancel_request_state",
)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    cancel_date = fields.Datetime(
        string="Cancelled On",
        copy=False,
        readonly=True,
    )

    cancel_reason_id = fields.Many2one(
        comodel_name="sale.order.cancel.reason",
        string="Cancellation Reason",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )

    cancel_note = fields.Text(
        string="Cancellation Note",
        copy=False,
        readonly=True,
    )

    cancel_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Cancelled By",
        copy=False,
        readonly=True,
        help="Who cancelled the order, or asked for its cancellation.",
    )

    cancel_request_state = fields.Selection(
        selection=[
            ("none", "None"),
            ("pending", "Waiting for Approval"),
            ("rejected", "Rejected"),
        ],
        string="Cancellation Request",
        default="none",
        copy=False,
        readonly=True,
        index=True,
    )

    cancel_approval_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sale_order_cancel_approval_user_rel",
        column1="order_id",
        column2="user_id",
        string="Cancellation Approvers",
        copy=False,
        readonly=True,
        help="Who was asked to decide the cancellation at its current level. "
        "They (and their substitutes) may read the order; who may decide is "
        "checked again when they do.",
    )

    sale_cancel_final = fields.Boolean(
        related="company_id.sale_cancel_final",
    )

    @api.constrains("cancel_note")
    def _check_cancel_note(self):
        for order in self:
            check_note(
                self.env,
                order.cancel_note,
                self.env._("cancellation note"),
                error=ValidationError,
            )

    @api.model
    def _get_lifecycle_protected_fields(self):
        how = self.env._("with Cancel and the cancellation approval")
        return {
            **super()._get_lifecycle_protected_fields(),
            **dict.fromkeys(CANCEL_FIELDS, how),
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_cancel(self):
        """Every cancellation goes through the reason wizard; RPC callers may give
        the reason in the context (``sale_cancel_reason_id``, ``sale_cancel_note``)."""
        reason = self._get_context_cancel_reason()
        if reason:
            _cancelled, requested = self._cancel_with_reason(
                reason, self.env.context.get("sale_cancel_note")
            )
            if requested:
                return notification_action(
                    self.env._(
                        "The cancellation of %(orders)s waits for approval.",
                        orders=", ".join(requested.mapped("name")),
                    ),
                    kind="warning",
                )
            return True
        if len(self) > 1:
            raise UserError(
                self.env._(
                    "Give the reason of the cancellation: cancel one order from its "
                    "form, or several with the Cancel action of the list."
                )
            )
        self._check_cancel_wizard_opening()
        return super().action_cancel()

    def action_cancel_request_approve(self):
        with self._cancel_notices_batch() as orders:
            orders._check_cancel_approver()
            # The approver was checked: approvers from outside Sales (a rule's
            # reviewer, a substitute) may not write the orders themselves.
            pending_sudo = orders._filter_cancel_pending().sudo()
            pending_sudo._action_cancel_approved()
            # Orders with a higher approval level left are not cancelled yet.
            pending_sudo.filtered(
                lambda order: (
                    order.state == "cancel" and order.cancel_reason_id.notify_customer
                )
            )._send_cancel_mail()
        return True

    def action_cancel_request_reject(self):
        self._check_cancel_approver()
        return self.env["sale.order.cancel.reject.wizard"]._action_open(
            self, self.env._("Reject Cancellation")
        )

    # ------------------------------------------------------------------
    # Steps of the shared entry points
    # ------------------------------------------------------------------

    def _cancel_prepare_write(self, vals):
        """Step of ``write``: the cancellation flow's writes are not tracked.
        Its note on each order tells the new state, and the cancellation
        fields have no tracking. Return the records to write with."""
        if (
            self.env.context.get(CANCEL_LOGGED_KEY) is CANCEL_LOGGED
            and vals.keys() <= {"state", *CANCEL_FIELDS}
            and vals.get("state", "cancel") == "cancel"
        ):
            return self.with_context(mail_notrack=True)
        return self

    def _check_cancel_not_final(self):
        """Step of ``action_draft``: a final cancellation stays final."""
        final = self.filtered(
            lambda order: order.state == "cancel" and order.company_id.sale_cancel_final
        )
        if final:
            raise UserError(
                self.env._(
                    "Cancelled orders are final (%(orders)s): duplicate the order to "
                    "start again.",
                    orders=", ".join(final.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _create_invoices(self, grouped=False, final=False, date=None):
        self._check_no_pending_cancellation()
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _action_cancel_approved(self):
        """Cancel the orders whose cancellation request was just approved."""
        self._action_cancel()

    def _show_cancel_wizard(self):
        # Drafts too go through the reason step, unless the reason is given.
        return not self._get_context_cancel_reason()

    def _action_cancel(self):
        """Every path that cancels (wizard, mass cancel, approval, portal
        decline) ends here: refuse what must not be cancelled, then record who,
        when and why, close pending approvals, log a note on each order and
        delivery and tell the salespersons."""
        self._check_cancel_allowed()
        reason = self._get_context_cancel_reason()
        pickings = self.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        )
        draft_invoices = self.invoice_ids.filtered(lambda move: move.state == "draft")
        # sale_stock reads the origin moves of each order's moves one order at
        # a time: read them for all the orders at once.
        self.order_line.move_ids.fetch(["move_orig_ids"])
        orders = self._lifecycle_internal().with_context(
            **{CANCEL_LOGGED_KEY: CANCEL_LOGGED}
        )
        res = super(SaleOrder, orders)._action_cancel()
        # Approved requests keep the reason, note and requester they recorded.
        requested = orders._filter_cancel_pending()
        values = {"cancel_date": fields.Datetime.now(), "cancel_request_state": "none"}
        requested.write(values)
        direct_values = {**values, "cancel_user_id": self.env.uid}
        if reason:
            direct_values["cancel_reason_id"] = reason.id
            direct_values["cancel_note"] = (
                self.env.context.get("sale_cancel_note") or False
            )
        (orders - requested).write(direct_values)
        self._close_cancel_activities(self.env._("Order cancelled."))
        self._lifecycle_post_cancel()
        summaries = {order: order._get_cancel_summary_html() for order in self}
        self._lifecycle_log(
            {order.id: body for order, body in summaries.items()},
            "sale_order_lifecycle.mt_order_cancelled",
        )
        self._lifecycle_notify("cancelled")
        # The note replaces the tracking of the deliveries' state too.
        cancelled_pickings = pickings.filtered(lambda p: p.state == "cancel")
        cancelled_pickings._message_log_batch(
            bodies={p.id: summaries[p.sale_id] for p in cancelled_pickings}
        )
        self._cancel_collect_notices(
            deliveries=cancelled_pickings.filtered(
                lambda p: p.picking_type_code == "outgoing"
            ),
            invoices=draft_invoices.filtered(lambda move: move.state == "cancel"),
        )
        for user in self.user_id - self.env.user:
            orders = self.filtered(lambda order, user=user: order.user_id == user)
            user_env = user_lang_env(self.env, user)
            notify_user(
                user_env,
                user,
                user_env._("Sales orders cancelled"),
                user_env._(
                    "%(user)s cancelled your orders: %(orders)s",
                    user=self.env.user.name,
                    orders=html_links(user_env, orders),
                ),
            )
        return res

    @api.model
    def _get_context_cancel_reason(self):
        """The reason given by RPC callers in the context, checked."""
        reason_id = self.env.context.get("sale_cancel_reason_id")
        if not reason_id:
            return False
        if not isinstance(reason_id, int) or isinstance(reason_id, bool):
            raise UserError(
                self.env._(
                    "Give the cancellation reason by its id (a number), not %(value)s.",
                    value=repr(reason_id),
                )
            )
        reason = self.env["sale.order.cancel.reason"].browse(reason_id).exists()
        if not reason:
            raise UserError(
                self.env._(
                    "The cancellation reason %(id)s does not exist: choose one of "
                    "Sales > Configuration > Cancellation Reasons.",
                    id=reason_id,
                )
            )
        return reason

    def _get_cancel_blockers(self):
        """Return ``{order: [reason, ...]}`` for the orders that must not be
        cancelled as they are: locked, delivered, or invoiced."""
        blockers = {}
        for order in self.filtered(lambda order: order.state != "cancel"):
            reasons = []
            if order.locked:
                reasons.append(self.env._("it is locked: unlock it first"))
            reasons += order._get_cancel_document_blockers()
            if reasons:
                blockers[order] = reasons
        return blockers

    def _get_cancel_document_blockers(self):
        """The reasons why the documents of the order (done deliveries,
        posted invoices) forbid its cancellation as it is."""
        self.ensure_one()
        reasons = []
        delivered = self.order_line.filtered(lambda line: line.qty_delivered > 0)
        if delivered:
            pickings = self._get_cancel_done_deliveries()
            reasons.append(
                self.env._(
                    "goods were delivered (%(pickings)s): create a return first",
                    pickings=", ".join(pickings.mapped("name")) or delivered[0].name,
                )
            )
        posted = self.invoice_ids.filtered(lambda move: move.state == "posted")
        if (
            posted
            and self.currency_id.compare_amounts(
                sum(posted.mapped("amount_total_signed")), 0
            )
            > 0
        ):
            reasons.append(
                self.env._(
                    "posted invoices not fully reversed (%(invoices)s): ask "
                    "accounting for a credit note",
                    invoices=", ".join(
                        posted.filtered(lambda m: m.move_type == "out_invoice").mapped(
                            "name"
                        )
                    ),
                )
            )
        return reasons

    def _get_cancel_done_deliveries(self):
        """The done deliveries to the customer of the orders."""
        return self.picking_ids.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
        )

    def _check_cancel_allowed(self):
        self._raise_cancel_blockers(self._get_cancel_blockers())

    def _raise_cancel_blockers(self, blockers):
        """Refuse the whole cancellation if any order of it cannot be
        cancelled (``blockers``: ``{order: [reason, ...]}``), saying why."""
        if blockers:
            raise UserError(
                self.env._(
                    "Nothing was cancelled; these orders cannot be:\n%(details)s",
                    details=format_blockers(blockers),
                )
            )

    def _check_cancel_wizard_opening(self):
        """Say at once why the order cannot be cancelled, before the wizard
        asks for a reason."""
        self._check_no_pending_cancellation()
        self._check_cancel_allowed()

    def _check_no_pending_cancellation(self):
        pending = self._filter_cancel_pending()
        if pending:
            raise UserError(
                self.env._(
                    "A cancellation of %(orders)s is waiting for approval: it cannot "
                    "go further until its approvers decide.",
                    orders=", ".join(pending.mapped("name")),
                )
            )

    def _check_cancel_approver(self):
        """Refuse unless the current user may decide on the cancellation of
        every order of ``self``: the one check behind the decision and the
        Approve and Reject Cancellation buttons (``cancel_can_approve``)."""
        own, others = self._split_cancel_approver_refusals()
        if own:
            raise AccessError(
                self.env._(
                    "You asked for the cancellation of %(orders)s: another Sales "
                    "Administrator must decide.",
                    orders=", ".join(own.mapped("name")),
                )
            )
        if others:
            raise AccessError(
                self.env._(
                    "You may not decide on the cancellation of %(orders)s: it "
                    "waits for its approvers' decision.",
                    orders=", ".join(others.mapped("name")),
                )
            )

    def _split_cancel_approver_refusals(self):
        """``(own, others)``: the orders of ``self`` whose cancellation the
        current user asked for, and those whose approvers they are not."""
        user = self.env.user
        own = self.filtered(lambda order: order.cancel_user_id == user)
        others = (self - own).filtered(
            lambda order: user not in order._cancel_approval_users()
        )
        return own, others

    def _cancel_needs_approval(self, reason, reverse=False):
        """Orders of ``self`` whose cancellation needs a Sales Administrator,
        unless the current user is one. ``reverse``: the cancellation returns
        the goods and credits the invoices."""
        if is_sale_manager(self.env):
            return self.browse()
        if reason.requires_approval:
            return self.filtered(lambda order: order.state != "cancel")

        def above_threshold(order):
            threshold = order.company_id.sale_cancel_approval_amount
            if not threshold:
                return False
            amount = order.currency_id._convert(
                order.amount_total,
                order.company_id.currency_id,
                order.company_id,
                order.date_order or fields.Date.context_today(order),
            )
            return order.company_id.currency_id.compare_amounts(amount, threshold) >= 0

        return self.filtered(
            lambda order: order.state != "cancel" and above_threshold(order)
        )

    def _cancel_with_reason(self, reason, note=False):
        """Cancel the orders for ``reason``, or ask for approval where needed.

        Nothing is applied when one order is refused. Returns the cancelled
        orders and those now waiting for approval.
        """
        with self._cancel_notices_batch() as batch:
            batch._check_cancel_reason_note(reason, note)
            orders = batch.filtered(lambda order: order.state != "cancel")
            orders._check_no_pending_cancellation()
            orders._check_cancel_allowed()
            requested = orders._cancel_needs_approval(reason)
            if requested:
                requested._request_cancel_approval(reason, note)
            cancelled = orders - requested
            if cancelled:
                cancelled.with_context(
                    sale_cancel_reason_id=reason.id, sale_cancel_note=note
                )._action_cancel()
        return cancelled.with_env(self.env), requested.with_env(self.env)

    @api.model
    def _check_cancel_reason_note(self, reason, note):
        check_note(self.env, note, self.env._("cancellation note"))
        if reason.note_required and not (note or "").strip():
            raise UserError(
                self.env._(
                    "The reason %(reason)s needs a note explaining the cancellation.",
                    reason=reason.name,
                )
            )

    def _request_cancel_approval(self, reason, note):
        self._lifecycle_internal().write(
            {
                "cancel_request_state": "pending",
                "cancel_reason_id": reason.id,
                "cancel_note": note or False,
                "cancel_user_id": self.env.uid,
            }
        )
        self._lifecycle_log(
            {
                order.id: order._get_cancel_summary_html(requested=True)
                for order in self
            },
            "sale_order_lifecycle.mt_order_cancel_requested",
        )
        self._lifecycle_notify("cancel_requested")
        # The reason's name in the approver's language; the note as written.
        self._schedule_cancel_approval_activities(
            lambda env: text_to_html(
                reason.with_env(env).name + (f": {note}" if note else "")
            )
        )

    def _schedule_cancel_approval_activities(self, get_note):
        """An approval activity for each assignee of each order, its summary
        and ``get_note(env)`` in the assignee's language; the approvers asked
        are recorded on the order (they read it)."""
        approvers = {order: order._cancel_approval_users() for order in self}
        by_approvers = defaultdict(lambda: self.browse())
        for order, users in approvers.items():
            by_approvers[users] |= order
        for users, orders in by_approvers.items():
            orders._lifecycle_internal().with_context(mail_notrack=True).write(
                {"cancel_approval_user_ids": [Command.set(users.ids)]}
            )
        assignees = {order: order._cancel_approval_assignees() for order in self}
        for assignee in self.env["res.users"].union(*assignees.values()):
            # The requester may not write the orders' activities.
            orders_sudo = self.sudo().filtered(
                lambda order, user=assignee: user in assignees[order]
            )
            assignee_env = user_lang_env(self.env, assignee)
            orders_sudo.with_context(mail_activity_quick_update=True).activity_schedule(
                CANCEL_APPROVAL,
                summary=assignee_env._("Approve the cancellation"),
                note=get_note(assignee_env),
                user_id=assignee.id,
            )

    def _cancel_approval_users(self):
        """The users who decide on the cancellation request of the order: the
        only place that chooses them, for the approval rules and delegation to
        extend. Sales Administrators of its company, never the requester."""
        self.ensure_one()
        # Called for each order: the cached id, not env.ref()'s query.
        group_id = self.env["ir.model.data"]._xmlid_to_res_id(SALE_MANAGER_GROUP)
        return (
            self.env["res.groups"]
            .browse(group_id)
            .users.filtered(
                lambda user: (
                    not user.share
                    and self.company_id in user.company_ids
                    and user != self.cancel_user_id
                )
            )
        )

    def _cancel_approval_assignees(self):
        """Who gets the order's approval activity: its approvers (delegation
        hands the work of those away to their substitute)."""
        self.ensure_one()
        return self._cancel_approval_users()

    def _reject_cancel_request(self, reason):
        self._check_cancel_approver()
        check_note(self.env, reason, self.env._("reason"))
        pending = self._filter_cancel_pending()
        pending._close_cancel_activities(
            self.env._("Rejected: %(reason)s", reason=reason)
        )
        # The approver was checked: approvers from outside Sales (a rule's
        # reviewer, a substitute) may not write the orders themselves.
        pending_sudo = pending.sudo()
        pending_sudo._lifecycle_internal().write({"cancel_request_state": "rejected"})
        pending._message_log_batch(
            bodies={
                order.id: Markup("<p>%s</p>")
                % self.env._("Cancellation rejected: %(reason)s", reason=reason)
                for order in pending
            }
        )
        for requester in pending.cancel_user_id:
            orders = pending.filtered(
                lambda order, user=requester: order.cancel_user_id == user
            )
            # The requester may not write the order any more.
            orders_sudo = orders.sudo()
            orders_sudo.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=user_lang_env(self.env, requester)._("Cancellation rejected"),
                note=text_to_html(reason),
                user_id=requester.id,
            )

    def _close_cancel_activities(self, feedback):
        # Every approver's activity, not only the deciding user's; a caller's
        # context may not skip it.
        orders_sudo = self.sudo().with_context(mail_activity_automation_skip=False)
        close_activities(orders_sudo.activity_search([CANCEL_APPROVAL]), feedback)

    def _filter_cancel_pending(self):
        """The orders of ``self`` whose cancellation waits for approval."""
        return self.filtered(lambda order: order.cancel_request_state == "pending")

    def _get_cancel_summary_html(self, requested=False):
        self.ensure_one()
        reason = self.cancel_reason_id.name or self.env._("no reason given")
        if requested:
            text = self.env._(
                "Cancellation requested, waiting for approval: %(reason)s",
                reason=reason,
            )
        else:
            text = self.env._("Order cancelled: %(reason)s", reason=reason)
        if self.cancel_note:
            text = self.env._(
                "%(text)s. Note: %(note)s", text=text, note=self.cancel_note
            )
        return Markup("<p>%s</p>") % text

    @contextmanager
    def _cancel_notices_batch(self):
        """``self`` inside a cancellation batch: what it cancels of the
        warehouse's deliveries and accounting's invoices is told to each
        person once, when the outermost batch ends without error."""
        if CancelNotices.of(self.env):
            yield self
            return
        notices = CancelNotices()
        yield self.with_context(**{CANCEL_NOTICES_KEY: notices})
        notices.send(self.env)

    def _cancel_collect_notices(self, deliveries=(), invoices=(), credit_notes=()):
        """Note for the batch's notices the open ``deliveries`` and draft
        ``invoices`` cancelled with the orders of ``self``, and the
        ``credit_notes`` reversing unpaid invoices; sent at once outside a
        batch."""
        notices = CancelNotices.of(self.env)
        batch = notices or CancelNotices()
        batch.deliveries += [(p.id, p.sale_id.id) for p in deliveries]
        for order in self:
            batch.invoices += [
                (move.id, order.id, False)
                for move in order.invoice_ids
                if move in invoices
            ]
        batch.invoices += [
            (move.reversed_entry_id.id, self[:1].id, move.id) for move in credit_notes
        ]
        if not notices:
            batch.send(self.env)

    def _send_cancel_mail(self):
        template = self.env.ref(
            "sale_order_lifecycle.mail_template_sale_cancellation_reason"
        )
        for order in self:
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
