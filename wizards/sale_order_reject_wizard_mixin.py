from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrderRejectWizardMixin(models.AbstractModel):
    """What the two reject wizards share: the orders, a required reason, and a
    decision taken by the orders themselves (``_reject``)."""

    _name = "sale.order.reject.wizard.mixin"
    _description = "Reject a Request on Sales Orders"

    order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Orders",
    )
    reason = fields.Text()

    @api.model
    def _action_open(self, orders, title):
        """The wizard's dialog, for deciding on ``orders``."""
        return self._get_records_action(
            name=title, target="new", context={"default_order_ids": orders.ids}
        )

    def action_reject(self):
        self.ensure_one()
        if not self.order_ids:
            raise UserError(
                self.env._("The orders to decide on no longer exist: nothing to do.")
            )
        if not (self.reason or "").strip():
            raise UserError(self._get_missing_reason_message())
        self._reject(self.order_ids, self.reason.strip())
        return {"type": "ir.actions.act_window_close"}

    def _get_missing_reason_message(self):
        raise NotImplementedError

    def _reject(self, orders, reason):
        raise NotImplementedError
