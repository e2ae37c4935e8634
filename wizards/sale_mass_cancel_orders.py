from odoo import api, fields, models

from ..models.tools import format_blockers, notification_action


class SaleMassCancelOrders(models.TransientModel):
    _name = "sale.mass.cancel.orders"
    _inherit = ["sale.mass.cancel.orders", "sale.order.cancel.reason.mixin"]

    blocked_info = fields.Text(
        string="Cannot Be Cancelled",
        compute="_compute_blocked_info",
    )

    @api.depends("sale_order_ids")
    def _compute_blocked_info(self):
        for wizard in self:
            blockers = wizard._get_blockers()
            wizard.blocked_info = format_blockers(blockers) if blockers else False

    def _get_blockers(self):
        orders = self.sale_order_ids.filtered(lambda order: order.state != "cancel")
        blockers = orders._get_cancel_blockers()
        for order in orders._filter_cancel_pending():
            blockers.setdefault(order, []).append(
                self.env._("its cancellation is already waiting for approval")
            )
        return blockers

    def action_mass_cancel(self):
        """Cancel what can be, with one reason; ask approval where needed; skip
        and report the rest. An order is cancelled whole or not at all."""
        self._check_reason()
        reason = self.reason_id
        blockers = self._get_blockers()
        orders = self.sale_order_ids.filtered(lambda order: order.state != "cancel")
        blocked = orders.browse([order.id for order in blockers])
        cancelled, requested = (orders - blocked)._cancel_with_reason(reason, self.note)
        if reason.notify_customer:
            cancelled._send_cancel_mail()
        lines = [self.env._("%(count)s orders cancelled.", count=len(cancelled))]
        if requested:
            lines.append(
                self.env._(
                    "%(count)s waiting for approval: %(orders)s.",
                    count=len(requested),
                    orders=", ".join(requested.mapped("name")),
                )
            )
        if blockers:
            lines.append(
                self.env._(
                    "%(count)s not cancelled:\n%(details)s",
                    count=len(blockers),
                    details=format_blockers(blockers),
                )
            )
        return notification_action(
            "\n".join(lines),
            kind="warning" if blockers or requested else "success",
            sticky=bool(blockers),
        )
