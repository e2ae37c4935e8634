from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    notification_log_ids = fields.One2many(
        comodel_name="sale.order.notification.log",
        inverse_name="order_id",
        string="Reminders Sent",
        copy=False,
        readonly=True,
        groups="sales_team.group_sale_manager",
    )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------

    def _lifecycle_notify(self, event):
        """Apply the notification rules of ``event`` to the orders of ``self``:
        one search of the rules, then each rule's recipients in batch."""
        super()._lifecycle_notify(event)
        if not self:
            return
        rules_sudo = self.env["sale.order.notification.rule"]._get_event_rules(
            event, self.company_id
        )
        for rule_sudo in rules_sudo:
            orders = rule_sudo._apply_to_orders(self.sudo())
            rule_sudo._send(orders, skip_user=self.env.user)
