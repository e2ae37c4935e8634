from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _invoice_paid_hook(self):
        # Odoo's own funnel: every invoice whose payment state becomes paid
        # (reconciliation, payment, register payment) passes here.
        res = super()._invoice_paid_hook()
        orders = self.line_ids.sale_line_ids.order_id
        orders.filtered(lambda order: order.payment_status == "paid")._lifecycle_notify(
            "paid"
        )
        return res
