from odoo import api, fields, models

from ..models.tools import format_blockers, is_sale_manager


class SaleMassCancelOrders(models.TransientModel):
    _name = "sale.mass.cancel.orders"
    _inherit = ["sale.mass.cancel.orders", "sale.order.cancel.reason.mixin"]

    blocked_info = fields.Text(
        string="Cannot Be Cancelled",
        compute="_compute_blocked_info",
    )
    cancel_summary = fields.Char(
        compute="_compute_blocked_info",
    )
    can_reverse = fields.Boolean(
        compute="_compute_can_reverse",
        help="Some selected orders were delivered or invoiced and you may reverse "
        "them.",
    )
    reverse = fields.Boolean(
        string="Return and Credit",
        help="Return the delivered goods and credit the posted invoices of the "
        "selected orders, then cancel them; an order whose reversal fails is "
        "left as it is and reported.",
    )
    notify_customer = fields.Boolean(
        compute="_compute_notify_customer",
        store=True,
        readonly=False,
        help="Send the cancellation e-mail, with the reason, to the customers.",
    )
    notify_count = fields.Integer(
        string="Customers to E-mail",
        compute="_compute_blocked_info",
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Done")],
        default="draft",
    )
    result_info = fields.Text(
        string="Result",
        readonly=True,
    )

    @api.depends("sale_order_ids")
    def _compute_can_reverse(self):
        for wizard in self:
            needs = wizard.sale_order_ids._filter_cancel_needs_reversal()
            wizard.can_reverse = bool(needs) and needs._cancel_reversal_allowed()

    @api.depends("reason_id")
    def _compute_notify_customer(self):
        for wizard in self:
            wizard.notify_customer = wizard.reason_id.notify_customer

    @api.depends("sale_order_ids", "reverse", "reason_id")
    def _compute_blocked_info(self):
        for wizard in self:
            blockers = wizard._get_blockers()
            wizard.blocked_info = format_blockers(blockers) if blockers else False
            to_cancel = wizard._get_orders_to_cancel(blockers)
            customers = to_cancel.partner_id.filtered("email")
            wizard.notify_count = len(customers)
            summary = self.env._(
                "%(count)s of %(total)s selected orders will be cancelled.",
                count=len(to_cancel),
                total=len(wizard.sale_order_ids),
            )
            if wizard.reason_id and to_cancel:
                reverse = wizard.reverse and wizard.can_reverse
                requested = to_cancel._cancel_needs_approval(
                    wizard.reason_id, reverse=reverse
                )
                if wizard.reverse and not is_sale_manager(self.env):
                    requested |= to_cancel._filter_cancel_needs_reversal().filtered(
                        "company_id.sale_cancel_reversal_approval"
                    )
                if requested:
                    summary = self.env._(
                        "%(summary)s %(count)s of them wait for approval first.",
                        summary=summary,
                        count=len(requested),
                    )
            wizard.cancel_summary = summary

    def _get_blockers(self):
        orders = self.sale_order_ids.filtered(lambda order: order.state != "cancel")
        if self.reverse and self.can_reverse:
            blockers = orders._get_cancel_blockers_with_reversal()
        else:
            blockers = orders._get_cancel_blockers()
        for order in orders._filter_cancel_pending():
            blockers.setdefault(order, []).append(
                self.env._("its cancellation is already waiting for approval")
            )
        return blockers

    def _get_orders_to_cancel(self, blockers):
        orders = self.sale_order_ids.filtered(lambda order: order.state != "cancel")
        return orders - orders.browse([order.id for order in blockers])

    def action_mass_cancel(self):
        """Cancel what can be, with one reason; ask approval where needed; skip
        and report the rest. An order is cancelled whole or not at all. The
        result stays in the wizard, every refused order listed."""
        self._check_reason()
        reason = self.reason_id
        blockers = self._get_blockers()
        orders = self._get_orders_to_cancel(blockers)
        failed = {}
        if self.reverse and self.can_reverse:
            cancelled, requested, failed = orders._cancel_with_reversal(
                reason, self.note
            )
        else:
            cancelled, requested = orders._cancel_with_reason(reason, self.note)
        if self.notify_customer:
            cancelled._send_cancel_mail()
        lines = [
            self.env._(
                "%(count)s of %(total)s selected orders cancelled.",
                count=len(cancelled),
                total=len(self.sale_order_ids),
            )
        ]
        if requested:
            lines.append(
                self.env._(
                    "%(count)s waiting for approval: %(orders)s.",
                    count=len(requested),
                    orders=", ".join(requested.mapped("name")),
                )
            )
        refused = {**blockers, **failed}
        if refused:
            lines.append(
                self.env._(
                    "%(count)s not cancelled:\n%(details)s",
                    count=len(refused),
                    details=format_blockers(refused),
                )
            )
        self.write({"state": "done", "result_info": "\n".join(lines)})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancellation Result"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
