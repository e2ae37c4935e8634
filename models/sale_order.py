import logging
import threading
from datetime import timedelta

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_list, formatLang, split_every

_logger = logging.getLogger(__name__)

# Fields that Odoo's mail machinery maintains on any record, archived or not.
MAIL_FIELD_PREFIXES = ("message_", "activity_", "website_message_")
PAID_STATES = ("paid", "in_payment", "reversed")
# Changes that make an approval given to the order as it was worthless.
REVIEW_MATERIAL_FIELDS = {
    "order_line",
    "partner_id",
    "pricelist_id",
    "currency_id",
}
MATERIAL_CHANGE_GUARD = "sale_review_material_change_checked"
# Reasons and notes go to the chatter, activities and mails: a page is plenty.
MAX_NOTE_LENGTH = 10_000
REVIEW_WRITE = "sale_review_write"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    active = fields.Boolean(
        default=True,
        copy=False,
        index=True,
        help="Archived orders are finished orders kept as a read-only history.",
    )
    archived_date = fields.Datetime(
        copy=False,
        readonly=True,
        help="When the order was archived.",
    )
    archived_by_id = fields.Many2one(
        comodel_name="res.users",
        copy=False,
        readonly=True,
    )
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
    sale_cancel_final = fields.Boolean(
        related="company_id.sale_cancel_final",
    )
    origin_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Duplicated From",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The order this one was duplicated from.",
    )

    amount_invoiced_total = fields.Monetary(
        string="Invoiced (Net)",
        compute="_compute_payment_status",
        store=True,
        help="Posted invoices less posted credit notes, for this order's lines, in the "
        "order's currency.",
    )
    # Not ``amount_paid``: Odoo's sale already has it (online payments of the
    # quotation) and relies on it for prepayment and portal confirmation.
    amount_invoice_paid = fields.Monetary(
        string="Paid",
        compute="_compute_payment_status",
        store=True,
        help="The part of the posted invoices (less credit notes) that is paid.",
    )
    amount_due = fields.Monetary(
        string="Due",
        compute="_compute_payment_status",
        store=True,
    )
    payment_status = fields.Selection(
        selection=[
            ("not_invoiced", "Not Invoiced"),
            ("unpaid", "Unpaid"),
            ("partial", "Partially Paid"),
            ("paid", "Paid"),
            ("overpaid", "Overpaid"),
        ],
        compute="_compute_payment_status",
        store=True,
        index=True,
    )

    has_discrepancy = fields.Boolean(
        compute="_compute_discrepancy",
        store=True,
        index=True,
        help="The order, its invoices and its payments do not agree.",
    )
    discrepancy_note = fields.Text(
        compute="_compute_discrepancy",
        store=True,
        help="Each problem between the order, its invoices and its payments.",
    )
    discrepancy_notified = fields.Boolean(
        copy=False,
        readonly=True,
        help="The accountant was told of this discrepancy.",
    )

    assignment_ids = fields.One2many(
        comodel_name="sale.order.assignment",
        inverse_name="order_id",
        string="Reassignments",
    )
    previous_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sale_order_previous_user_rel",
        column1="order_id",
        column2="user_id",
        string="Former Salespersons",
        copy=False,
        readonly=True,
        help="Salespersons who handled the order before; they keep read access.",
    )

    review_state = fields.Selection(
        selection=[
            ("none", "Not Reviewed"),
            ("pending", "Waiting for Approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        string="Review",
        required=True,
        default="none",
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
    )
    review_required = fields.Boolean(
        compute="_compute_review_required",
        help="A review rule applies to the order as it is now.",
    )
    review_ids = fields.One2many(
        comodel_name="sale.order.review",
        inverse_name="order_id",
        string="Reviews",
        copy=False,
        readonly=True,
    )
    review_problems = fields.Text(
        compute="_compute_review_problems",
        help="What must be fixed before approval is requested or the order is "
        "confirmed.",
    )
    review_can_decide = fields.Boolean(
        string="To Approve by Me",
        compute="_compute_review_can_decide",
        search="_search_review_can_decide",
        help="You are a reviewer of the level the order waits for.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends(
        "state",
        "company_id",
        "partner_id",
        "pricelist_id",
        "currency_id",
        "warehouse_id",
        "amount_total",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.product_uom",
        "order_line.price_unit",
        "order_line.discount",
    )
    def _compute_review_required(self):
        quotations = self.filtered(lambda order: order.state in ("draft", "sent"))
        matches = self.env["sale.review.rule"]._match_orders(quotations)
        for order in self:
            order.review_required = order in matches

    @api.depends(
        "state",
        "commitment_date",
        "partner_invoice_id.street",
        "partner_invoice_id.city",
        "partner_shipping_id.street",
        "partner_shipping_id.city",
        "order_line.display_type",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.price_unit",
    )
    def _compute_review_problems(self):
        problems = self._get_review_problems()
        for order in self:
            order.review_problems = "\n".join(problems.get(order, [])) or False

    @api.depends_context("uid")
    @api.depends(
        "user_id",
        "review_ids.state",
        "review_ids.reviewer_user_ids",
        "review_ids.approved_user_ids",
    )
    def _compute_review_can_decide(self):
        for order in self:
            order.review_can_decide = any(
                review._is_current_reviewer(self.env.user)
                for review in order.review_ids
            )

    def _search_review_can_decide(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("This search is not supported."))
        domain = [
            (
                "review_ids",
                "any",
                [
                    ("state", "=", "pending"),
                    ("reviewer_user_ids", "in", self.env.uid),
                    ("approved_user_ids", "not in", self.env.uid),
                    "|",
                    ("forbid_self_approval", "=", False),
                    ("order_id.user_id", "!=", self.env.uid),
                ],
            )
        ]
        positive = (operator == "=") == value
        return domain if positive else ["!", *domain]

    @api.depends(
        "currency_id",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.amount_residual",
        "order_line.invoice_lines.move_id.amount_total",
        "order_line.invoice_lines.price_total",
    )
    def _compute_payment_status(self):
        for order in self:
            invoiced = paid = 0.0
            moves = order.order_line.invoice_lines.move_id.filtered(
                lambda move: move.state == "posted" and move.is_sale_document()
            )
            for move in moves:
                share = sum(
                    line.price_total
                    for line in move.invoice_line_ids
                    if order in line.sale_line_ids.order_id
                )
                paid_ratio = (
                    1 - move.amount_residual / move.amount_total
                    if move.amount_total
                    else 0
                )
                sign = -move.direction_sign
                invoiced += sign * move.currency_id._convert(
                    share, order.currency_id, move.company_id, move.date
                )
                paid += sign * move.currency_id._convert(
                    share * paid_ratio, order.currency_id, move.company_id, move.date
                )
            currency = order.currency_id
            order.amount_invoiced_total = invoiced
            order.amount_invoice_paid = paid
            order.amount_due = invoiced - paid
            if not moves:
                order.payment_status = "not_invoiced"
            elif currency.compare_amounts(paid, invoiced) > 0:
                order.payment_status = "overpaid"
            elif currency.is_zero(invoiced - paid):
                order.payment_status = "paid"
            elif currency.is_zero(paid):
                order.payment_status = "unpaid"
            else:
                order.payment_status = "partial"

    @api.depends(
        "state",
        "amount_total",
        "partner_id",
        "amount_invoiced_total",
        "amount_invoice_paid",
        "order_line.qty_delivered",
        "order_line.product_uom_qty",
        "order_line.price_total",
        "order_line.invoice_lines.move_id.currency_id",
        "order_line.invoice_lines.move_id.commercial_partner_id",
        "company_id.sale_discrepancy_tolerance",
    )
    def _compute_discrepancy(self):
        for order in self:
            problems = order._get_discrepancies()
            order.has_discrepancy = bool(problems)
            order.discrepancy_note = "\n".join(problems) or False

    def _get_discrepancies(self):
        """Sentences describing what does not agree, in the order's currency."""
        self.ensure_one()
        currency = self.currency_id
        company = self.company_id
        tolerance = company.currency_id._convert(
            company.sale_discrepancy_tolerance, currency, company, fields.Date.today()
        )

        def above(amount, reference):
            return currency.compare_amounts(amount - reference, tolerance) > 0

        def fmt(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        problems = []
        invoiced, paid = self.amount_invoiced_total, self.amount_invoice_paid
        if self.state == "cancel" and above(invoiced, 0):
            problems.append(
                self.env._(
                    "Cancelled, but posted invoices of %(amount)s are not reversed.",
                    amount=fmt(invoiced),
                )
            )
        if self.state == "sale":
            lines = self.order_line.filtered(
                lambda line: not line.display_type and line.product_uom_qty
            )
            delivered = sum(
                line.price_total * line.qty_delivered / line.product_uom_qty
                for line in lines
            )
            fully_delivered = lines and all(
                line.qty_delivered >= line.product_uom_qty
                for line in lines
                if line.product_id.type == "consu"
            )
            if fully_delivered and above(delivered, invoiced):
                problems.append(
                    self.env._(
                        "Delivered goods are worth %(delivered)s but only %(invoiced)s "
                        "is invoiced.",
                        delivered=fmt(delivered),
                        invoiced=fmt(invoiced),
                    )
                )
        if above(invoiced, self.amount_total):
            problems.append(
                self.env._(
                    "Invoiced %(invoiced)s, more than the order's %(total)s.",
                    invoiced=fmt(invoiced),
                    total=fmt(self.amount_total),
                )
            )
        if above(paid, invoiced):
            problems.append(
                self.env._(
                    "Paid %(paid)s, more than the %(invoiced)s invoiced.",
                    paid=fmt(paid),
                    invoiced=fmt(invoiced),
                )
            )
        posted = self.order_line.invoice_lines.move_id.filtered(
            lambda move: move.state == "posted"
        )
        for move in posted.filtered(lambda move: move.currency_id != currency):
            problems.append(
                self.env._(
                    "%(invoice)s is in %(invoice_currency)s, the order in "
                    "%(currency)s.",
                    invoice=move.name,
                    invoice_currency=move.currency_id.name,
                    currency=currency.name,
                )
            )
        customer = self.partner_id.commercial_partner_id
        for move in posted.filtered(
            lambda move: move.commercial_partner_id != customer
        ):
            problems.append(
                self.env._(
                    "%(invoice)s is addressed to %(partner)s, the order to "
                    "%(customer)s.",
                    invoice=move.name,
                    partner=move.commercial_partner_id.display_name,
                    customer=customer.display_name,
                )
            )
        return problems

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        toggled = self.browse()
        if "active" in vals:
            activate = bool(vals["active"])
            toggled = self.filtered(lambda order: order.active != activate)
            toggled._check_archive_transition(activate)
            vals = {
                **vals,
                "archived_date": not activate and fields.Datetime.now(),
                "archived_by_id": not activate and self.env.uid,
            }
        self._check_archived_readonly(vals)
        self._check_review_state_write(vals)
        handlers = None
        records = self
        if "user_id" in vals or "team_id" in vals:
            handlers = {order: (order.user_id, order.team_id) for order in self}
            # Odoo's "you have been assigned" mail goes once per order: our
            # notice replaces it with one digest per person. A pure reassignment
            # is told in the chatter by our note instead of field tracking.
            records = self.with_context(
                mail_auto_subscribe_no_notify=True,
                mail_notrack=vals.keys() <= {"user_id", "team_id"},
            )
        material = not self.env.context.get(MATERIAL_CHANGE_GUARD) and bool(
            vals.keys() & REVIEW_MATERIAL_FIELDS
        )
        if material:
            # Line commands inside this write are judged once, below.
            records = records.with_context(**{MATERIAL_CHANGE_GUARD: True})
        res = super(SaleOrder, records).write(vals)
        if material:
            self._review_on_material_change()
        if handlers:
            self._log_reassignments(handlers)
        if toggled:
            # One chatter note per order, logged in batch (field tracking would
            # cost queries per order on large archive runs).
            note = (
                self.env._("Order unarchived.")
                if vals["active"]
                else self.env._("Order archived: it is now a read-only history.")
            )
            toggled._message_log_batch(bodies=dict.fromkeys(toggled.ids, note))
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if (
            not self.env.su
            and not self.env.context.get(REVIEW_WRITE)
            and any(vals.get("review_state", "none") != "none" for vals in vals_list)
        ):
            raise UserError(self._review_state_write_error())
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_archived(self):
        if not self.env.su and not all(self.mapped("active")):
            raise UserError(
                self.env._(
                    "Archived orders are a read-only history and cannot be deleted: "
                    "unarchive them first."
                )
            )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for order, vals in zip(self, vals_list, strict=True):
            vals.setdefault("origin_order_id", order.id)
        return vals_list

    def copy(self, default=None):
        new_orders = super().copy(default)
        for origin, copy in zip(self, new_orders, strict=True):
            copy.message_post(
                body=self.env._(
                    "Duplicated from %(order)s.", order=origin._get_html_link()
                )
            )
            origin.message_post(
                body=self.env._("Duplicated as %(order)s.", order=copy._get_html_link())
            )
        return new_orders

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
                return self._notification(
                    self.env._(
                        "The cancellation of %(orders)s waits for a Sales "
                        "Administrator's approval.",
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
        return super().action_cancel()

    def action_confirm(self):
        self._check_no_pending_cancellation()
        if self.env.context.get("sale_review_request_on_confirm"):
            # The Confirm button of the form: a quotation that needs approval
            # asks for it instead of failing.
            to_request = self._get_review_blockers(not_requested_only=True)
            if to_request:
                to_request._action_request_review()
                others = self - to_request
                if others:
                    others.action_confirm()
                return self._notification(
                    self.env._(
                        "%(orders)s need approval before confirmation: the "
                        "reviewers have been asked.",
                        orders=", ".join(to_request.mapped("name")),
                    ),
                    kind="warning",
                )
        self._check_can_confirm()
        return super().action_confirm()

    def action_quotation_send(self):
        self._check_review_allows("send")
        return super().action_quotation_send()

    def action_quotation_sent(self):
        self._check_review_allows("send")
        return super().action_quotation_sent()

    def action_request_review(self):
        self.check_access("write")
        self._action_request_review()
        return True

    def action_review_approve(self):
        reviews = self._get_reviews_to_decide()
        self._action_review_approve(reviews)
        return True

    def action_review_reject(self):
        self._get_reviews_to_decide()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Approval"),
            "res_model": "sale.order.review.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def action_draft(self):
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
        res = super().action_draft()
        # A cancelled order that comes back is reviewed again from scratch.
        self.filtered(lambda order: order.review_state != "none")._set_review_state(
            "none"
        )
        return res

    def action_cancel_request_approve(self):
        self._check_cancel_approver()
        pending = self.filtered(lambda order: order.cancel_request_state == "pending")
        pending._action_cancel()
        pending.filtered(
            lambda order: order.cancel_reason_id.notify_customer
        )._send_cancel_mail()
        return True

    def action_cancel_request_reject(self):
        self._check_cancel_approver()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Cancellation"),
            "res_model": "sale.order.cancel.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    def action_open_reassign_wizard(self):
        self._check_can_reassign()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign Orders"),
            "res_model": "sale.order.reassign.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _create_invoices(self, grouped=False, final=False, date=None):
        self._check_no_pending_cancellation()
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _show_cancel_wizard(self):
        # Drafts too go through the reason step, unless the reason is given.
        return not self._get_context_cancel_reason()

    def _action_cancel(self):
        """Every path that cancels (wizard, mass cancel, approval, portal
        decline) ends here: refuse what must not be cancelled, then record who,
        when and why, close pending approvals and tell the salespersons."""
        self._check_cancel_allowed()
        reason = self._get_context_cancel_reason()
        res = super()._action_cancel()
        # Approved requests keep the reason, note and requester they recorded.
        requested = self.filtered(lambda order: order.cancel_request_state == "pending")
        values = {"cancel_date": fields.Datetime.now(), "cancel_request_state": "none"}
        requested.write(values)
        direct_values = {**values, "cancel_user_id": self.env.uid}
        if reason:
            direct_values["cancel_reason_id"] = reason.id
            direct_values["cancel_note"] = (
                self.env.context.get("sale_cancel_note") or False
            )
        (self - requested).write(direct_values)
        self._close_cancel_activities(self.env._("Order cancelled."))
        self._review_on_cancel()
        self._message_log_batch(
            bodies={order.id: order._get_cancel_summary_html() for order in self}
        )
        for user in self.user_id - self.env.user:
            orders = self.filtered(lambda order, user=user: order.user_id == user)
            self._notify_user(
                user,
                self.env._(
                    "%(user)s cancelled your orders: %(orders)s",
                    user=self.env.user.name,
                    orders=self._links(orders),
                ),
                subject=self.env._("Sales orders cancelled"),
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
            delivered = order.order_line.filtered(lambda line: line.qty_delivered > 0)
            if delivered:
                pickings = order.picking_ids.filtered(
                    lambda p: p.state == "done" and p.picking_type_code == "outgoing"
                )
                reasons.append(
                    self.env._(
                        "goods were delivered (%(pickings)s): create a return first",
                        pickings=", ".join(pickings.mapped("name"))
                        or delivered[0].name,
                    )
                )
            posted = order.invoice_ids.filtered(lambda move: move.state == "posted")
            if (
                posted
                and order.currency_id.compare_amounts(
                    sum(posted.mapped("amount_total_signed")), 0
                )
                > 0
            ):
                reasons.append(
                    self.env._(
                        "posted invoices not fully reversed (%(invoices)s): ask "
                        "accounting for a credit note",
                        invoices=", ".join(
                            posted.filtered(
                                lambda m: m.move_type == "out_invoice"
                            ).mapped("name")
                        ),
                    )
                )
            if reasons:
                blockers[order] = reasons
        return blockers

    def _check_cancel_allowed(self):
        blockers = self._get_cancel_blockers()
        if blockers:
            raise UserError(
                self.env._(
                    "Nothing was cancelled; these orders cannot be:\n%(details)s",
                    details=self._format_blockers(blockers),
                )
            )

    @api.model
    def _check_note(self, text, label):
        """Refuse notes and reasons that are not text, or too long to read."""
        if text and not isinstance(text, str):
            raise UserError(self.env._("The %(label)s must be text.", label=label))
        if text and len(text) > MAX_NOTE_LENGTH:
            raise UserError(
                self.env._(
                    "The %(label)s is too long (%(length)s characters): keep it under "
                    "%(limit)s.",
                    label=label,
                    length=len(text),
                    limit=MAX_NOTE_LENGTH,
                )
            )

    @api.model
    def _format_blockers(self, blockers):
        return "\n".join(
            f"- {order.name}: {'; '.join(reasons)}"
            for order, reasons in blockers.items()
        )

    def _check_no_pending_cancellation(self):
        pending = self.filtered(lambda order: order.cancel_request_state == "pending")
        if pending:
            raise UserError(
                self.env._(
                    "A cancellation of %(orders)s is waiting for approval: it cannot "
                    "go further until a Sales Administrator decides.",
                    orders=", ".join(pending.mapped("name")),
                )
            )

    def _check_cancel_approver(self):
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._(
                    "Only a Sales Administrator can decide on a cancellation request."
                )
            )
        own = self.filtered(lambda order: order.cancel_user_id == self.env.user)
        if own:
            raise AccessError(
                self.env._(
                    "You asked for the cancellation of %(orders)s: another Sales "
                    "Administrator must decide.",
                    orders=", ".join(own.mapped("name")),
                )
            )

    def _cancel_needs_approval(self, reason):
        """Orders of ``self`` whose cancellation needs a Sales Administrator,
        unless the current user is one."""
        if self.env.user.has_group("sales_team.group_sale_manager"):
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
        self._check_note(note, self.env._("cancellation note"))
        if reason.note_required and not (note or "").strip():
            raise UserError(
                self.env._(
                    "The reason %(reason)s needs a note explaining the cancellation.",
                    reason=reason.name,
                )
            )
        orders = self.filtered(lambda order: order.state != "cancel")
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
        return cancelled, requested

    def _request_cancel_approval(self, reason, note):
        self.write(
            {
                "cancel_request_state": "pending",
                "cancel_reason_id": reason.id,
                "cancel_note": note or False,
                "cancel_user_id": self.env.uid,
            }
        )
        approvers = self.env.ref("sales_team.group_sale_manager").users.filtered(
            lambda user: not user.share and user != self.env.user
        )
        self._message_log_batch(
            bodies={
                order.id: order._get_cancel_summary_html(requested=True)
                for order in self
            }
        )
        orders_sudo = self.sudo()
        for approver in approvers:
            orders_sudo.with_context(mail_activity_quick_update=True).activity_schedule(
                "sale_order_lifecycle.mail_activity_type_order_approval",
                summary=self.env._("Approve the cancellation"),
                note=reason.name + (f": {note}" if note else ""),
                user_id=approver.id,
            )

    def _reject_cancel_request(self, reason):
        self._check_cancel_approver()
        self._check_note(reason, self.env._("reason"))
        pending = self.filtered(lambda order: order.cancel_request_state == "pending")
        pending._close_cancel_activities(
            self.env._("Rejected: %(reason)s", reason=reason)
        )
        pending.write({"cancel_request_state": "rejected"})
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
                summary=self.env._("Cancellation rejected"),
                note=reason,
                user_id=requester.id,
            )

    def _close_cancel_activities(self, feedback):
        # The requester's and the other approvers' activities: not the user's.
        activities_sudo = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("sale_review_id", "=", False),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref(
                            "sale_order_lifecycle.mail_activity_type_order_approval"
                        ).id,
                    ),
                ]
            )
        )
        activities_sudo.action_feedback(feedback=feedback)

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

    def _send_cancel_mail(self):
        template = self.env.ref(
            "sale_order_lifecycle.mail_template_sale_cancellation_reason"
        )
        for order in self:
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def _check_archive_transition(self, activate):
        """Refuse archiving unfinished orders, and unarchiving without the right.

        ``self`` are the orders about to change. One place for both transitions:
        ``action_archive``, ``action_unarchive``, list actions, RPC ``write`` and
        the cron all go through ``write``.
        """
        if activate:
            if (
                self
                and not self.env.su
                and not self.env.user.has_group("sales_team.group_sale_manager")
            ):
                raise AccessError(
                    self.env._(
                        "Only a Sales Administrator can unarchive orders (%(orders)s).",
                        orders=", ".join(self.mapped("name")),
                    )
                )
            return
        blockers = self._get_archive_blockers()
        if blockers:
            raise UserError(
                self.env._(
                    "Only finished orders can be archived. Nothing was archived; "
                    "these orders are still open:\n%(details)s",
                    details=self._format_blockers(blockers),
                )
            )

    def _check_archived_readonly(self, vals=None):
        """Archived orders and their lines are read-only for users.

        ``vals`` are the values written on the orders; without them, their lines
        are being changed. Superuser flows (the cron, system updates) may write,
        and so may Odoo's mail machinery (followers, messages, activities).
        """
        if self.env.su:
            return
        archived = self.filtered(lambda order: not order.active)
        if not archived:
            return
        if vals is not None and all(
            name in ("active", "archived_date", "archived_by_id")
            or name.startswith(MAIL_FIELD_PREFIXES)
            for name in vals
        ):
            return
        raise UserError(
            self.env._(
                "Archived orders are read-only (%(orders)s). Duplicate the order to "
                "start a new one, or ask a Sales Administrator to unarchive it.",
                orders=", ".join(archived.mapped("name")),
            )
        )

    def _get_archive_blockers(self):
        """Return ``{order: [reason, ...]}`` for the orders of ``self`` that are
        not finished: cancelled, or confirmed, delivered, invoiced (and paid when
        the company asks for it)."""
        blockers = {}
        for order in self:
            if order.state == "cancel":
                continue
            reasons = []
            if order.state != "sale":
                reasons.append(
                    self.env._("it is a quotation; confirm or cancel it first")
                )
            else:
                open_pickings = order.picking_ids.filtered(
                    lambda p: p.state not in ("done", "cancel")
                )
                if open_pickings:
                    reasons.append(
                        self.env._(
                            "deliveries not done: %(pickings)s",
                            pickings=", ".join(open_pickings.mapped("name")),
                        )
                    )
                if order.invoice_status != "invoiced":
                    reasons.append(self.env._("not fully invoiced"))
                draft_invoices = order.invoice_ids.filtered(
                    lambda m: m.state == "draft"
                )
                if draft_invoices:
                    reasons.append(
                        self.env._(
                            "draft invoices: %(invoices)s",
                            invoices=", ".join(draft_invoices.mapped("display_name")),
                        )
                    )
                if order.company_id.sale_archive_require_paid:
                    unpaid = order.invoice_ids.filtered(
                        lambda m: (
                            m.state == "posted" and m.payment_state not in PAID_STATES
                        )
                    )
                    if unpaid:
                        reasons.append(
                            self.env._(
                                "invoices not paid: %(invoices)s",
                                invoices=", ".join(unpaid.mapped("name")),
                            )
                        )
            if reasons:
                blockers[order] = reasons
        return blockers

    # ------------------------------------------------------------------
    # Scheduled archive
    # ------------------------------------------------------------------

    @api.model
    def _cron_auto_archive(self, batch_size=1000):
        """Archive finished orders of the companies that enabled it, in batches.

        Each batch is committed on its own (outside tests) and reported through
        ``ir.cron``'s progress API. An order locked by another transaction, or
        one whose batch hits a concurrent update, is left for the next run; an
        order is either archived whole or not at all.
        """
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        candidate_ids = self._get_auto_archive_candidate_ids()
        done = archived = 0
        for batch_ids in split_every(batch_size, candidate_ids):
            try:
                with self.env.cr.savepoint():
                    archived += len(self.browse(batch_ids)._auto_archive_batch())
            except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
                _logger.info(
                    "Auto-archive: a batch met concurrent updates, retried next run"
                )
            done += len(batch_ids)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(candidate_ids) - done
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Auto-archive: %s of %s candidate orders archived", archived, done)
        return archived

    @api.model
    def _get_auto_archive_candidate_ids(self):
        """Ids of active orders, in companies with auto-archive, that may be
        finished and whose last invoice, delivery or cancellation is older than
        the company's delay. Final rules are checked on each batch."""
        companies = self.env["res.company"].search([("sale_auto_archive", "=", True)])
        ids = []
        for company in companies:
            cutoff = fields.Datetime.now() - timedelta(
                days=company.sale_auto_archive_days
            )
            self.env.cr.execute(
                SQL(
                    """
                    SELECT so.id
                      FROM sale_order so
                     WHERE so.active
                       AND so.company_id = %(company)s
                       AND (so.state = 'cancel'
                            OR (so.state = 'sale' AND so.invoice_status = 'invoiced'))
                       AND GREATEST(
                               CASE WHEN so.state = 'cancel'
                                    THEN COALESCE(so.cancel_date, so.write_date) END,
                               so.date_order,
                               (SELECT MAX(sp.date_done) FROM stock_picking sp
                                 WHERE sp.sale_id = so.id),
                               (SELECT MAX(am.invoice_date)::timestamp
                                  FROM sale_order_line sol
                                  JOIN sale_order_line_invoice_rel rel
                                    ON rel.order_line_id = sol.id
                                  JOIN account_move_line aml
                                    ON aml.id = rel.invoice_line_id
                                  JOIN account_move am ON am.id = aml.move_id
                                 WHERE sol.order_id = so.id AND am.state = 'posted')
                           ) < %(cutoff)s
                     ORDER BY so.id
                    """,
                    company=company.id,
                    cutoff=cutoff,
                )
            )
            ids += [row[0] for row in self.env.cr.fetchall()]
        return ids

    def _auto_archive_batch(self):
        """Lock what nobody else holds, then archive the finished orders of it."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order WHERE id IN %s AND active "
                "FOR NO KEY UPDATE SKIP LOCKED",
                tuple(self.ids),
            ),
            # A failure to serialize is expected: the batch waits for the next run.
            log_exceptions=False,
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        finished = locked - self.browse(
            order.id for order in locked._get_archive_blockers()
        )
        if finished:
            finished.action_archive()
        return finished

    # ------------------------------------------------------------------
    # Reassignment
    # ------------------------------------------------------------------

    @api.model
    def _get_open_orders_domain(self):
        """Orders still being worked on: quotations and confirmed orders that
        are neither locked, cancelled nor archived."""
        return [("state", "in", ("draft", "sent", "sale")), ("locked", "=", False)]

    def _check_can_reassign(self):
        """Salespersons reassign their own orders; Sales Administrators any.
        Cancelled and archived orders keep their history as it is."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            others = self.filtered(lambda order: order.user_id != self.env.user)
            if others:
                raise AccessError(
                    self.env._(
                        "Only a Sales Administrator can reassign orders handled by "
                        "someone else: %(orders)s",
                        orders=", ".join(
                            f"{order.name} ({order.user_id.name or '-'})"
                            for order in others
                        ),
                    )
                )
        problems = []
        for order in self:
            if not order.active:
                problems.append(self.env._("%(order)s is archived", order=order.name))
            elif order.state == "cancel":
                problems.append(self.env._("%(order)s is cancelled", order=order.name))
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was reassigned; these orders cannot be:\n%(list)s",
                    list="\n".join(f"- {problem}" for problem in problems),
                )
            )

    def _log_reassignments(self, handlers):
        """Record the history of the orders whose salesperson or team changed
        (``handlers``: {order: (user, team) before}) and tell the people."""
        assignments = self.env["sale.order.assignment"].create(
            [
                {
                    "order_id": order.id,
                    "from_user_id": user.id,
                    "to_user_id": order.user_id.id,
                    "from_team_id": team.id,
                    "to_team_id": order.team_id.id,
                    "reason": self.env.context.get("sale_reassign_reason"),
                }
                for order, (user, team) in handlers.items()
                if (user, team) != (order.user_id, order.team_id)
            ]
        )
        if assignments:
            assignments.order_id._apply_reassignment(assignments)

    def _apply_reassignment(self, assignments):
        """History, chatter notes, followers, activities and notifications of a
        reassignment, grouped by person rather than by order.

        Runs as superuser: the rights were checked on the write itself, and a
        salesperson who hands over an own order can no longer write it.
        """
        orders_sudo = self.sudo()
        orders_sudo._message_log_batch(
            bodies={row.order_id.id: row._get_summary_html() for row in assignments}
        )
        moved = assignments.filtered(lambda row: row.from_user_id != row.to_user_id)
        for from_user in moved.from_user_id:
            rows = moved.filtered(lambda row, user=from_user: row.from_user_id == user)
            orders_sudo = rows.order_id.sudo()
            orders_sudo.write({"previous_user_ids": [Command.link(from_user.id)]})
        activities_sudo = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", moved.order_id.ids),
                    ("user_id", "in", moved.from_user_id.ids),
                ]
            )
        )
        reason = self.env.context.get("sale_reassign_reason") or ""
        notify = self.env.context.get("sale_reassign_notify", True)
        for to_user in moved.to_user_id:
            rows = moved.filtered(lambda row, user=to_user: row.to_user_id == user)
            to_orders_sudo = rows.order_id.sudo()
            to_orders_sudo.message_subscribe(partner_ids=to_user.partner_id.ids)
            activities_sudo.filtered(
                lambda act, ids=set(to_orders_sudo.ids): act.res_id in ids
            ).with_context(mail_activity_quick_update=True).write(
                {"user_id": to_user.id}
            )
            if to_user == self.env.user:
                continue
            to_orders_sudo.with_context(
                mail_activity_quick_update=True
            ).activity_schedule(
                "sale_order_lifecycle.mail_activity_type_order_reassigned",
                note=reason,
                user_id=to_user.id,
            )
            if notify:
                self._notify_user(
                    to_user,
                    self.env._(
                        "Orders reassigned to you: %(orders)s",
                        orders=self._links(to_orders_sudo),
                    ),
                )
        if notify:
            for from_user in moved.from_user_id - self.env.user:
                rows = moved.filtered(
                    lambda row, user=from_user: row.from_user_id == user
                )
                self._notify_user(
                    from_user,
                    self.env._(
                        "Orders you handled were reassigned: %(orders)s. You can still "
                        "follow them (read only).",
                        orders=self._links(rows.order_id),
                    ),
                )

    @api.model
    def _links(self, orders):
        return Markup(
            format_list(self.env, [order._get_html_link() for order in orders])
        )

    @api.model
    def _notification(self, message, kind="success", sticky=False):
        """Client action: a notification, then close the dialog."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "sticky": sticky,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _notify_user(self, user, body, subject=None):
        self.env["mail.thread"].message_notify(
            partner_ids=user.partner_id.ids,
            subject=subject or self.env._("Sales orders reassigned"),
            body=Markup("<p>%s</p>") % body,
        )

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------

    def _has_to_be_signed(self):
        # The portal offers no signature while the order waits for approval.
        return super()._has_to_be_signed() and not self._get_review_blockers()

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._get_review_blockers()

    def message_post(self, **kwargs):
        if self.env.context.get("mark_so_as_sent"):
            self._check_review_allows("send")
        return super().message_post(**kwargs)

    def _check_review_state_write(self, vals):
        if (
            "review_state" in vals
            and not self.env.su
            and not self.env.context.get(REVIEW_WRITE)
        ):
            raise UserError(self._review_state_write_error())

    @api.model
    def _review_state_write_error(self):
        return self.env._(
            "The review of an order changes only through Request Approval, Approve "
            "and Reject."
        )

    def _set_review_state(self, state, track=True):
        """Write ``review_state``; ``track=False`` for batches, which log their
        own note instead of one tracking message per order."""
        context = {REVIEW_WRITE: True, MATERIAL_CHANGE_GUARD: True}
        self.with_context(**context, mail_notrack=not track).write(
            {"review_state": state}
        )

    def _get_review_problems(self):
        """Return ``{order: [problem, ...]}``: what the automatic checks find
        wrong in the quotations of ``self``."""
        now = fields.Datetime.now()
        problems = {}
        for order in self.filtered(lambda order: order.state in ("draft", "sent")):
            found = []
            lines = order.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )
            if not lines:
                found.append(self.env._("The order has no product line."))
            for line in lines:
                label = line.product_id.display_name or line.name
                if not line.product_id:
                    found.append(
                        self.env._("Line %(line)s has no product.", line=line.name)
                    )
                elif line.product_uom_qty <= 0:
                    found.append(
                        self.env._(
                            "%(product)s: the quantity must be positive.",
                            product=label,
                        )
                    )
                elif (
                    line.product_type != "combo"
                    and order.currency_id.is_zero(line.price_unit)
                    and not order.currency_id.is_zero(line._get_pricelist_price())
                ):
                    found.append(
                        self.env._(
                            "%(product)s has no price: set one, or a pricelist that "
                            "makes it free.",
                            product=label,
                        )
                    )
            for address, kind in (
                (order.partner_invoice_id, self.env._("invoice address")),
                (order.partner_shipping_id, self.env._("delivery address")),
            ):
                if not (address.street and address.city):
                    found.append(
                        self.env._(
                            "The %(kind)s %(partner)s needs a street and a city.",
                            kind=kind,
                            partner=address.display_name or self.env._("(none)"),
                        )
                    )
            if order.commitment_date and order.commitment_date < now:
                found.append(
                    self.env._(
                        "The delivery date %(date)s is in the past: set a new one.",
                        date=fields.Datetime.to_string(order.commitment_date),
                    )
                )
            if found:
                problems[order] = found
        return problems

    def _get_review_blockers(self, not_requested_only=False):
        """Quotations of ``self`` that may not be sent or confirmed yet, as
        ``{order: reason}``: waiting for approval, rejected, or needing an
        approval nobody asked for. With ``not_requested_only``, return the
        orders of the last kind only."""
        quotations = self.filtered(
            lambda order: (
                order.state in ("draft", "sent") and order.review_state != "approved"
            )
        )
        unrequested = quotations.filtered(
            lambda order: order.review_state in ("none", "rejected")
        )
        matches = self.env["sale.review.rule"]._match_orders(unrequested)
        if not_requested_only:
            return unrequested.filtered(lambda order: order in matches)
        blockers = {}
        for order in quotations:
            if order.review_state == "pending":
                pending = order.review_ids.filtered(
                    lambda review: review.state == "pending"
                )
                blockers[order] = self.env._(
                    "waiting for approval of %(rules)s",
                    rules=", ".join(pending.mapped("name")),
                )
            elif order in matches:
                rules = ", ".join(rule.name for rule, _reasons in matches[order])
                blockers[order] = (
                    self.env._(
                        "approval was rejected; change the order and request "
                        "approval again (%(rules)s)",
                        rules=rules,
                    )
                    if order.review_state == "rejected"
                    else self.env._(
                        "needs approval (%(rules)s): request it first", rules=rules
                    )
                )
        return blockers

    def _check_review_allows(self, operation):
        blockers = self._get_review_blockers()
        if blockers:
            details = "\n".join(
                f"- {order.name}: {reason}" for order, reason in blockers.items()
            )
            if operation == "send":
                message = self.env._(
                    "These quotations cannot be sent before they are approved:\n"
                    "%(details)s",
                    details=details,
                )
            else:
                message = self.env._(
                    "These quotations cannot be confirmed before they are "
                    "approved:\n%(details)s",
                    details=details,
                )
            raise UserError(message)

    def _check_can_confirm(self):
        """All at once: the automatic checks, then the reviews."""
        problems = self._get_review_problems()
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was confirmed; fix these quotations first:\n%(details)s",
                    details=self._format_blockers(problems),
                )
            )
        self._check_review_allows("confirm")

    def _action_request_review(self):
        """Check every order, then open the reviews of all of them, or of none."""
        problems = self._get_review_problems()
        matches = self.env["sale.review.rule"]._match_orders(self)
        blockers = {}
        for order in self:
            if order.state not in ("draft", "sent"):
                reasons = [self.env._("it is not a quotation")]
            elif order.review_state == "pending":
                reasons = [self.env._("approval is already requested")]
            elif order.review_state == "approved":
                reasons = [self.env._("it is already approved")]
            else:
                reasons = list(problems.get(order, []))
                if order not in matches:
                    reasons.append(
                        self.env._("no review rule applies to it: confirm it directly")
                    )
                else:
                    reasons += [
                        self.env._(
                            "nobody may approve %(rule)s: add reviewers to the rule",
                            rule=rule.name,
                        )
                        for rule, _reasons in matches[order]
                        if not rule._get_reviewers(order)
                    ]
            if reasons:
                blockers[order] = reasons
        if blockers:
            raise UserError(
                self.env._(
                    "Approval was not requested; fix these orders first:\n%(details)s",
                    details=self._format_blockers(blockers),
                )
            )
        self._open_reviews(matches)

    def _open_reviews(self, matches):
        """Create the review lines of the orders from the rules that apply
        (``matches`` as returned by ``sale.review.rule._match_orders``) and ask
        the reviewers of each order's lowest level."""
        vals_list = []
        for order in self:
            levels = [rule.sequence for rule, _reasons in matches[order]]
            for rule, reasons in matches[order]:
                vals_list.append(
                    {
                        "order_id": order.id,
                        "rule_id": rule.id,
                        "name": rule.name,
                        "level": rule.sequence,
                        "reason": "; ".join(reasons),
                        "approval_mode": rule.approval_mode,
                        "forbid_self_approval": rule.forbid_self_approval,
                        "reviewer_user_ids": [
                            Command.set(rule._get_reviewers(order).ids)
                        ],
                        "state": "pending"
                        if rule.sequence == min(levels)
                        else "waiting",
                    }
                )
        # Salespersons do not write review lines: the workflow does.
        reviews_sudo = self.env["sale.order.review"].sudo().create(vals_list)
        self._set_review_state("pending", track=False)
        reviews_sudo._schedule_activities()
        self._message_log_batch(
            bodies={
                order.id: self._review_summary_html(
                    self.env._("Approval requested. Review: Waiting for Approval."),
                    reviews_sudo.filtered(
                        lambda review, order=order: review.order_id == order
                    ),
                )
                for order in self
            }
        )

    @api.model
    def _review_summary_html(self, title, reviews):
        items = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "Level %(level)s, %(rule)s: %(reviewers)s (%(reason)s)",
                level=review.level,
                rule=review.name,
                reviewers=", ".join(review.reviewer_user_ids.mapped("name")),
                reason=review.reason,
            )
            for review in reviews
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (title, items)

    def _get_reviews_to_decide(self):
        """The pending reviews of ``self`` that the current user may decide,
        locked; refuse unless the user may decide on every order."""
        user = self.env.user
        pending = self.review_ids.filtered(lambda review: review.state == "pending")
        pending._lock()
        pending = pending.filtered(lambda review: review.state == "pending")
        mine = pending.filtered(lambda review: review._is_current_reviewer(user))
        refused = self - mine.order_id
        if refused:
            own = refused.filtered(
                lambda order: (
                    order.user_id == user
                    and order.review_ids.filtered(
                        lambda review: (
                            review.state == "pending" and review.forbid_self_approval
                        )
                    )
                )
            )
            if own:
                raise AccessError(
                    self.env._(
                        "You are the salesperson of %(orders)s: another reviewer "
                        "must approve.",
                        orders=", ".join(own.mapped("name")),
                    )
                )
            raise AccessError(
                self.env._(
                    "You cannot decide on %(orders)s: there is no approval waiting "
                    "for you.",
                    orders=", ".join(refused.mapped("name")),
                )
            )
        return mine

    def _action_review_approve(self, reviews):
        user = self.env.user
        reviews_sudo = reviews.sudo()
        for review in reviews_sudo.filtered(
            lambda review: review.approval_mode == "all"
        ):
            review.approved_user_ids = [Command.link(user.id)]
        decided = reviews_sudo.filtered(
            lambda review: (
                review.approval_mode == "any"
                or not review.reviewer_user_ids - review.approved_user_ids
            )
        )
        feedback = self.env._("Approved by %(user)s.", user=user.name)
        (reviews_sudo - decided)._close_activities(feedback, users=user)
        decided._close_activities(feedback)
        decided.write(decided._decision_values("approved"))
        self._message_log_batch(
            bodies={
                order.id: Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s approved: %(rules)s.",
                    user=user.name,
                    rules=", ".join(
                        reviews_sudo.filtered(
                            lambda review, order=order: review.order_id == order
                        ).mapped("name")
                    ),
                )
                for order in self
            }
        )
        self._review_advance()

    def _review_advance(self):
        """After decisions: open the next level of the orders whose current
        level is complete, or mark them approved when none is left."""
        orders_sudo = self.sudo()
        to_open_sudo = self.env["sale.order.review"].sudo()
        approved_sudo = orders_sudo.browse()
        for order in orders_sudo:
            reviews = order.review_ids
            if reviews.filtered(lambda review: review.state == "pending"):
                continue
            waiting = reviews.filtered(lambda review: review.state == "waiting")
            if waiting:
                level = min(waiting.mapped("level"))
                to_open_sudo |= waiting.filtered(
                    lambda review, lv=level: review.level == lv
                )
            else:
                approved_sudo |= order
        to_open_sudo.write({"state": "pending"})
        to_open_sudo._schedule_activities()
        if approved_sudo:
            approved_sudo._review_approved()

    def _review_approved(self):
        """Every level approved: confirm if the company says so, and tell the
        salespersons, in batch (one activity per order, one notice per person)."""
        self._set_review_state("approved", track=False)
        self._message_log_batch(
            bodies=dict.fromkeys(
                self.ids,
                Markup("<p>%s</p>")
                % self.env._("Every level approved. Review: Approved."),
            )
        )
        confirmed = self._review_auto_confirm(
            self.filtered(lambda order: order.company_id.sale_review_auto_confirm)
        )
        todo = self.filtered("user_id")
        if not todo:
            return
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": todo_type.id,
                    "summary": self.env._("Order approved and confirmed")
                    if order in confirmed
                    else self.env._("Order approved: confirm it"),
                    "user_id": order.user_id.id,
                    "date_deadline": today,
                }
                for order in todo
            ]
        )
        for user in todo.user_id:
            self._notify_user(
                user,
                self.env._(
                    "These orders are approved: %(orders)s",
                    orders=self._links(
                        todo.filtered(lambda order, user=user: order.user_id == user)
                    ),
                ),
                subject=self.env._("Sales orders approved"),
            )

    def _review_auto_confirm(self, orders):
        """Confirm ``orders``, all at once, else one by one so that one refusal
        (a check that fails since the request) does not hold back the others.
        The last reviewer may not be allowed to confirm orders (stock moves,
        ...): the approval confirms, not the user. Return the confirmed ones."""
        if not orders:
            return orders
        orders_sudo = orders.sudo()
        try:
            with self.env.cr.savepoint():
                orders_sudo.action_confirm()
            return orders
        except UserError as error:
            _logger.info(
                "Confirming %s approved orders at once was refused (%s): one by one.",
                len(orders),
                error,
            )
        confirmed = self.browse()
        for order_sudo in orders_sudo:
            try:
                with self.env.cr.savepoint():
                    order_sudo.action_confirm()
                confirmed |= order_sudo
            except UserError as error:
                order_sudo._message_log(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Approved, but the order could not be confirmed "
                        "automatically: %(error)s",
                        error=error.args[0],
                    )
                )
        return confirmed

    def _review_reject(self, reason):
        reviews = self._get_reviews_to_decide()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the rejection."))
        self._check_note(reason, self.env._("reason"))
        user = self.env.user
        reviews_sudo = reviews.sudo()
        orders_sudo = self.sudo()
        open_sudo = (
            orders_sudo.review_ids.filtered(
                lambda review: review.state in ("waiting", "pending")
            )
            - reviews_sudo
        )
        feedback = self.env._(
            "Rejected by %(user)s: %(reason)s", user=user.name, reason=reason
        )
        (reviews_sudo | open_sudo)._close_activities(feedback)
        reviews_sudo.write(reviews_sudo._decision_values("rejected", reason))
        open_sudo.write({"state": "cancelled"})
        # A reviewer may not write the order itself.
        orders_sudo._set_review_state("rejected")
        orders_sudo._message_log_batch(
            bodies=dict.fromkeys(self.ids, Markup("<p>%s</p>") % feedback)
        )
        for order in orders_sudo.filtered("user_id"):
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Approval rejected"),
                note=Markup("<p>%s</p>") % feedback,
                user_id=order.user_id.id,
            )

    def _review_on_material_change(self):
        """The order changed in a way its reviewers must see: close the open
        reviews, and ask again if a rule still applies. History is kept."""
        orders = self.filtered(
            lambda order: (
                order.state in ("draft", "sent") and order.review_state != "none"
            )
        )
        if not orders:
            return
        feedback = self.env._("The order changed: approval is asked again.")
        orders._cancel_open_reviews(feedback)
        again = orders.filtered(
            lambda order: order.review_state in ("pending", "approved")
        )
        matches = self.env["sale.review.rule"]._match_orders(again)
        again = again.filtered(lambda order: order in matches)
        reset = orders - again
        if reset:
            reset._set_review_state("none")
            reset._message_log_batch(
                bodies=dict.fromkeys(
                    reset.ids,
                    Markup("<p>%s</p>")
                    % self.env._("The order changed: its review starts over."),
                )
            )
        if again:
            again._set_review_state("none", track=False)
            again._open_reviews(matches)

    def _review_on_material_change_unless_checked(self):
        # Inside an order's write, the order judges the change once at the end.
        if not self.env.context.get(MATERIAL_CHANGE_GUARD):
            self._review_on_material_change()

    def _review_on_cancel(self):
        """Cancellation ends the open reviews; the decided ones stay as history."""
        self._cancel_open_reviews(self.env._("Order cancelled."))
        self.filtered(lambda order: order.review_state == "pending")._set_review_state(
            "none"
        )

    def _cancel_open_reviews(self, feedback):
        orders_sudo = self.sudo()
        open_sudo = orders_sudo.review_ids.filtered(
            lambda review: review.state in ("waiting", "pending")
        )
        open_sudo._close_activities(feedback)
        open_sudo.write({"state": "cancelled"})

    # ------------------------------------------------------------------
    # Discrepancies
    # ------------------------------------------------------------------

    @api.model
    def _cron_notify_discrepancies(self):
        """Give each company's accountant one activity listing the new
        discrepancies; forget the ones that were fixed."""
        self.search(
            [("discrepancy_notified", "=", True), ("has_discrepancy", "=", False)]
        ).write({"discrepancy_notified": False})
        new = self.with_context(active_test=False).search(
            [("has_discrepancy", "=", True), ("discrepancy_notified", "=", False)]
        )
        for company in new.company_id.filtered("sale_discrepancy_user_id"):
            orders = new.filtered(
                lambda order, company=company: order.company_id == company
            )
            orders[:1].activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "%(count)s new order discrepancies", count=len(orders)
                ),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "Orders whose invoices or payments do not agree: %(orders)s",
                    orders=self._links(orders),
                ),
                user_id=company.sale_discrepancy_user_id.id,
            )
        new.write({"discrepancy_notified": True})
