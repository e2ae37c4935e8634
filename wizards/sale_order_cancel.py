from markupsafe import Markup

from odoo import api, fields, models


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

    @api.depends("reason_id")
    def _compute_notify_customer(self):
        for wizard in self:
            wizard.notify_customer = wizard.reason_id.notify_customer

    @api.depends("reason_id", "order_id")
    def _compute_needs_approval(self):
        for wizard in self:
            wizard.needs_approval = bool(
                wizard.reason_id
                and wizard.order_id._cancel_needs_approval(wizard.reason_id)
            )

    @api.depends("order_id", "reason_id")
    def _compute_body(self):
        res = super()._compute_body()
        for wizard in self.filtered(lambda w: w.template_id and w.reason_id):
            wizard.body = wizard.body + Markup("<p>%s</p>") % self.env._(
                "Reason: %(reason)s", reason=wizard.reason_id.name
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
        return self._order_with_reason().action_cancel()
