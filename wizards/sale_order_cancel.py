from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrderCancel(models.TransientModel):
    _inherit = "sale.order.cancel"

    reason_id = fields.Many2one(
        comodel_name="sale.order.cancel.reason",
    )
    note = fields.Text()
    note_required = fields.Boolean(
        related="reason_id.note_required",
    )
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

    def _check_reason(self):
        self.ensure_one()
        if not self.reason_id:
            raise UserError(self.env._("Choose the reason of the cancellation."))
        if self.reason_id.note_required and not (self.note or "").strip():
            raise UserError(
                self.env._(
                    "The reason %(reason)s needs a note explaining the cancellation.",
                    reason=self.reason_id.name,
                )
            )

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
