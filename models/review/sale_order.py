import hashlib
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import (
    QUOTATION_STATES,
    check_note,
    format_blockers,
    html_links,
    notification_action,
    notify_user,
    user_lang_env,
)

_logger = logging.getLogger(__name__)

# Inside an order's write, its lines' changes are judged once, by the order:
# the lines see this object in the context. A caller cannot send it.
REVIEW_JUDGED = object()
REVIEW_JUDGED_KEY = "sale_review_judged"


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

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

    review_fingerprint = fields.Char(
        copy=False,
        readonly=True,
        help="What the review rules judged when approval was requested: an "
        "approval holds only for the order as it was then.",
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
        quotations = self.filtered(lambda order: order.state in QUOTATION_STATES)
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
    @api.depends_context("lang")
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
        domain = self.env["sale.order.review"]._get_current_reviewer_domain(
            self.env.user
        )
        decidable = self.review_ids.filtered_domain(domain).order_id
        for order in self:
            order.review_can_decide = order in decidable

    def _search_review_can_decide(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("This search is not supported."))
        reviews = self.env["sale.order.review"]._get_current_reviewer_domain(
            self.env.user
        )
        domain = [("review_ids", "any", reviews)]
        positive = (operator == "=") == value
        return domain if positive else ["!", *domain]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def message_post(self, **kwargs):
        if not self.env.context.get("mark_so_as_sent"):
            return super().message_post(**kwargs)
        # Marking as sent writes the state: checked here, then Odoo's own flow.
        self._check_review_allows("send")
        orders = self._lifecycle_internal()
        return super(SaleOrder, orders).message_post(**kwargs).with_env(self.env)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_quotation_send(self):
        self._check_review_allows("send")
        return super().action_quotation_send()

    def action_quotation_sent(self):
        self._check_review_allows("send")
        return super(SaleOrder, self._lifecycle_internal()).action_quotation_sent()

    def action_request_review(self):
        self.check_access("write")
        self._action_request_review()
        return True

    def action_review_approve(self):
        reviews = self.env["sale.order.review"]._get_to_decide(self)
        self._action_review_approve(reviews)
        return True

    def action_review_reject(self):
        self.env["sale.order.review"]._get_to_decide(self)
        return self.env["sale.order.review.reject.wizard"]._action_open(
            self, self.env._("Reject Approval")
        )

    # ------------------------------------------------------------------
    # Steps of the shared entry points
    # ------------------------------------------------------------------

    def _review_prepare_write(self, vals):
        """Step of ``write``: the orders under review are judged once, after
        the write (line commands inside it included), whatever it changes.
        Return the records to write with and whether to judge them."""
        if self._is_review_judged() or not self._filter_in_review():
            return self, False
        return self.with_context(**{REVIEW_JUDGED_KEY: REVIEW_JUDGED}), True

    def _review_request_on_confirm(self):
        """Step of ``action_confirm``: from the form's Confirm button, a
        quotation that needs approval asks for it instead of failing. Return the
        action to show when approval was requested, else None."""
        if not self.env.context.get("sale_review_request_on_confirm"):
            return None
        to_request = self._get_review_blockers(not_requested_only=True)
        if not to_request:
            return None
        to_request._action_request_review()
        others = self - to_request
        if others:
            others.action_confirm()
        return notification_action(
            self.env._(
                "%(orders)s need approval before confirmation: the reviewers have "
                "been asked.",
                orders=", ".join(to_request.mapped("name")),
            ),
            kind="warning",
        )

    def _review_reset_on_draft(self):
        """Step of ``action_draft``: a cancelled order that comes back is
        reviewed again from scratch."""
        self.filtered(lambda order: order.review_state != "none")._set_review_state(
            "none"
        )

    def _lifecycle_post_cancel(self):
        """Cancellation ends the open reviews; the decided ones stay as history."""
        res = super()._lifecycle_post_cancel()
        self._cancel_open_reviews(self.env._("Order cancelled."))
        self.filtered(lambda order: order.review_state == "pending")._set_review_state(
            "none"
        )
        return res

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _has_to_be_signed(self):
        # The portal offers no signature while the order waits for approval.
        return super()._has_to_be_signed() and not self._get_review_blockers()

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._get_review_blockers()

    @api.model
    def _get_lifecycle_protected_fields(self):
        how = self.env._("with Request Approval, Approve and Reject")
        return {
            **super()._get_lifecycle_protected_fields(),
            **dict.fromkeys(("review_state", "review_ids", "review_fingerprint"), how),
        }

    def _is_review_judged(self):
        return self.env.context.get(REVIEW_JUDGED_KEY) is REVIEW_JUDGED

    def _filter_in_review(self):
        return self.filtered(
            lambda order: (
                order.state in QUOTATION_STATES and order.review_state != "none"
            )
        )

    def _set_review_state(self, state, track=True):
        """Write ``review_state`` (and, when approval is requested, what the
        rules judge); ``track=False`` for batches, which log their own note
        instead of one tracking message per order."""
        orders = self._lifecycle_internal().with_context(
            **{REVIEW_JUDGED_KEY: REVIEW_JUDGED}, mail_notrack=not track
        )
        orders.write({"review_state": state})
        if state == "pending":
            # Access was checked by the write above; one write per order, as
            # each has its own figures.
            orders_sudo = orders.sudo()
            for order_sudo, digest in orders_sudo._get_review_fingerprints().items():
                order_sudo.review_fingerprint = digest

    def _get_review_fingerprints(self):
        """``{order: digest}`` of what the review rules read: customer,
        pricelist, currency, warehouse, totals, and each line's product,
        quantity in the product's unit, price, discount and taxes."""
        self.order_line.fetch(["display_type", "product_id", "product_uom", "tax_id"])
        fingerprints = {}
        for order in self:
            lines = order.order_line.filtered(lambda line: not line.display_type)
            figures = (
                order.partner_id.id,
                order.partner_id.commercial_partner_id.id,
                order.pricelist_id.id,
                order.currency_id.id,
                order.warehouse_id.id,
                order.currency_id.round(order.amount_untaxed),
                order.currency_id.round(order.amount_total),
                sorted(lines.mapped(lambda line: line._get_review_figures())),
            )
            fingerprints[order] = hashlib.sha256(repr(figures).encode()).hexdigest()
        return fingerprints

    def _get_review_problems(self):
        """Return ``{order: [problem, ...]}``: what the automatic checks find
        wrong in the quotations of ``self``."""
        now = fields.Datetime.now()
        problems = {}
        for order in self.filtered(lambda order: order.state in QUOTATION_STATES):
            found = []
            lines = order.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )
            if not lines:
                found.append(self.env._("The order has no product line."))
            found += [
                problem for line in lines if (problem := line._get_review_problem())
            ]
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
        ``{order: reason}``: waiting for approval, rejected, needing an approval
        nobody asked for, or approved but no longer as they are. With
        ``not_requested_only``, return the orders of the last two kinds."""
        void = self.env["sale.order.review"]._get_void_approvals(self)
        quotations = self.filtered(
            lambda order: (
                order.state in QUOTATION_STATES
                and (order.review_state != "approved" or order in void)
            )
        )
        unrequested = quotations.filtered(
            lambda order: order.review_state in ("none", "rejected") or order in void
        )
        matches = self.env["sale.review.rule"]._match_orders(unrequested)
        if not_requested_only:
            return unrequested.filtered(lambda order: order in matches)
        blockers = {}
        for order in quotations:
            if order in void:
                if order in matches:
                    blockers[order] = self.env._(
                        "its approval no longer holds (%(reasons)s): request "
                        "approval again",
                        reasons="; ".join(void[order]),
                    )
            elif order.review_state == "pending":
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
                    details=format_blockers(problems),
                )
            )
        self._check_review_allows("confirm")

    def _action_request_review(self):
        """Check every order, then open the reviews of all of them, or of none."""
        problems = self._get_review_problems()
        matches = self.env["sale.review.rule"]._match_orders(self)
        void = self.env["sale.order.review"]._get_void_approvals(self)
        blockers = {}
        for order in self:
            if order.state not in QUOTATION_STATES:
                reasons = [self.env._("it is not a quotation")]
            elif order.review_state == "pending":
                reasons = [self.env._("approval is already requested")]
            elif order.review_state == "approved" and order not in void:
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
                    details=format_blockers(blockers),
                )
            )
        self._open_reviews(matches)

    def _open_reviews(self, matches):
        """Create the review lines of the orders from the rules that apply
        (``matches`` as returned by ``sale.review.rule._match_orders``) and ask
        the reviewers of each order's lowest level."""
        vals_list = []
        for order in self:
            first_level = min(rule.sequence for rule, _reasons in matches[order])
            vals_list += [
                rule._prepare_review_vals(order, reasons, first_level)
                for rule, reasons in matches[order]
            ]
        # Salespersons do not write review lines: the workflow does.
        orders_sudo = self.sudo()
        orders_sudo.review_ids.filtered("is_current").is_current = False
        reviews_sudo = self.env["sale.order.review"].sudo().create(vals_list)
        reviews_sudo._snapshot_languages()
        self._set_review_state("pending", track=False)
        reviews_sudo._schedule_activities()
        # One prefetch set for every order's reviews: the notices of the
        # activities may have cleared the cache (a sent mail is deleted).
        reviews_by_order = reviews_sudo.grouped("order_id")
        title = self.env._("Approval requested. Review: Waiting for Approval.")
        self._lifecycle_log(
            {
                order.id: reviews_by_order[order]._get_summary_html(title)
                for order in self
            },
            "sale_order_lifecycle.mt_order_approval_requested",
        )
        self._lifecycle_notify("approval_requested")

    def _action_review_approve(self, reviews):
        # Reviewers may not write review lines: the workflow does.
        reviews_sudo = reviews.sudo()
        reviews_sudo._record_approval()
        self._message_log_batch(
            bodies={
                order.id: Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s approved: %(rules)s.",
                    user=self.env.user.name,
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
        self._lifecycle_log(
            dict.fromkeys(
                self.ids,
                Markup("<p>%s</p>")
                % self.env._("Every level approved. Review: Approved."),
            ),
            "sale_order_lifecycle.mt_order_approved",
        )
        self._lifecycle_notify("approved")
        confirmed = self._review_auto_confirm(
            self.filtered(lambda order: order.company_id.sale_review_auto_confirm)
        )
        todo = self.env["sale.order.review"]._schedule_salesperson_todo(
            self,
            lambda order, env: (
                env._("Order approved and confirmed")
                if order in confirmed
                else env._("Order approved: confirm it")
            ),
        )
        for user in todo.user_id:
            # In the salesperson's language, not the reviewer's.
            user_env = user_lang_env(self.env, user)
            notify_user(
                user_env,
                user,
                user_env._("Sales orders approved"),
                user_env._(
                    "These orders are approved: %(orders)s",
                    orders=html_links(
                        user_env,
                        todo.filtered(lambda order, user=user: order.user_id == user),
                    ),
                ),
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
        reviews = self.env["sale.order.review"]._get_to_decide(self)
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the rejection."))
        check_note(self.env, reason, self.env._("reason"))
        reviews_sudo = reviews.sudo()
        orders_sudo = self.sudo()
        feedback = self.env._(
            "Rejected by %(user)s: %(reason)s", user=self.env.user.name, reason=reason
        )
        reviews_sudo._record_rejection(reason, feedback)
        # A reviewer may not write the order itself. The note below tells the
        # decision: no tracking message per order.
        orders_sudo._set_review_state("rejected", track=False)
        orders_sudo._lifecycle_log(
            dict.fromkeys(self.ids, Markup("<p>%s</p>") % feedback),
            "sale_order_lifecycle.mt_order_rejected",
        )
        self._lifecycle_notify("rejected")
        self.env["sale.order.review"]._schedule_salesperson_todo(
            orders_sudo,
            lambda _order, env: env._("Approval rejected"),
            lambda env: (
                Markup("<p>%s</p>")
                % env._(
                    "Rejected by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            ),
        )

    def _review_on_material_change(self):
        """Orders under review that changed in what the rules judge: close the
        open reviews, and ask again if a rule still applies. History is kept."""
        # Reading the figures may recompute lines (prices), which writes them:
        # those writes are part of this judgement, not new changes.
        in_review = self.with_context(
            **{REVIEW_JUDGED_KEY: REVIEW_JUDGED}
        )._filter_in_review()
        current = in_review._get_review_fingerprints()
        orders = in_review.filtered(
            lambda order: order.review_fingerprint != current[order]
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
        if not self._is_review_judged():
            self._review_on_material_change()

    def _cancel_open_reviews(self, feedback):
        orders_sudo = self.sudo()
        open_sudo = orders_sudo.review_ids.filtered(
            lambda review: review.state in ("waiting", "pending")
        )
        open_sudo._close_activities(feedback)
        open_sudo.write({"state": "cancelled"})
