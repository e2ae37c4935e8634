from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.tools import format_blockers, is_sale_manager, notification_action


class SaleOrderCancel(models.TransientModel):
    _name = "sale.order.cancel"
    _inherit = ["sale.order.cancel", "sale.order.cancel.reason.mixin"]

    notify_customer = fields.Boolean(
        compute="_compute_notify_customer",
        store=True,
        readonly=False,
        help="Send the cancellation e-mail, with the reason, to the customer.",
    )
    needs_approval = fields.Boolean(
        compute="_compute_needs_approval",
    )
    can_reverse = fields.Boolean(
        compute="_compute_can_reverse",
        help="The order was delivered or invoiced and you may reverse it.",
    )
    reverse = fields.Boolean(
        string="Return and Credit",
        help="Return the delivered goods and credit the posted invoices, then "
        "cancel the order.",
    )
    reversal_info = fields.Text(
        compute="_compute_can_reverse",
    )

    @api.depends("order_id")
    def _compute_can_reverse(self):
        for wizard in self:
            order = wizard.order_id
            needs = order._filter_cancel_needs_reversal()
            wizard.can_reverse = bool(needs) and needs._cancel_reversal_allowed()
            wizard.reversal_info = (
                order._get_cancel_reversal_info() if wizard.can_reverse else False
            )

    @api.depends("reason_id")
    def _compute_notify_customer(self):
        for wizard in self:
            wizard.notify_customer = wizard.reason_id.notify_customer

    @api.depends("reason_id", "order_id", "reverse")
    def _compute_needs_approval(self):
        manager = is_sale_manager(self.env)
        for wizard in self:
            order = wizard.order_id
            wizard.needs_approval = bool(
                wizard.reason_id
                and order._cancel_needs_approval(
                    wizard.reason_id, reverse=wizard.reverse and wizard.can_reverse
                )
            ) or bool(
                wizard.reverse
                and wizard.can_reverse
                and not manager
                and order.company_id.sale_cancel_reversal_approval
            )

    @api.depends("order_id", "reason_id")
    def _compute_body(self):
        res = super()._compute_body()
        for wizard in self.filtered(lambda w: w.template_id and w.reason_id):
            # In the customer's language, as the rest of the mail.
            customer = wizard.with_context(lang=wizard.order_id.partner_id.lang)
            wizard.body = wizard.body + Markup("<p>%s</p>") % customer.env._(
                "Reason: %(reason)s", reason=customer.reason_id.name
            )
        return res

    def _order_with_reason(self):
        return self.order_id.with_context(
            sale_cancel_reason_id=self.reason_id.id, sale_cancel_note=self.note
        )

    def action_send_mail_and_cancel(self):
        self._check_reason()
        if self.needs_approval:
            # Not cancelled yet: the customer hears of it once it is approved.
            return self.action_cancel()
        return super(
            SaleOrderCancel,
            self.with_context(sale_cancel_reason_id=self.reason_id.id),
        ).action_send_mail_and_cancel()

    def action_cancel(self):
        self._check_reason()
        if not self.reverse:
            if self.can_reverse:
                raise UserError(
                    self.env._(
                        "Nothing was cancelled; these orders cannot be:\n"
                        "%(details)s\nTick Return and Credit to return the goods "
                        "and credit the invoices from here.",
                        details=format_blockers(self.order_id._get_cancel_blockers()),
                    )
                )
            return self._order_with_reason().action_cancel()
        _cancelled, requested, failed = self.order_id._cancel_with_reversal(
            self.reason_id, self.note
        )
        if failed:
            raise UserError(
                self.env._(
                    "Nothing was cancelled: %(details)s",
                    details="; ".join(failed[self.order_id]),
                )
            )
        if requested:
            return notification_action(
                self.env._(
                    "The cancellation of %(orders)s waits for approval.",
                    orders=self.order_id.name,
                ),
                kind="warning",
            )
        return True
