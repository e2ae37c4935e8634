from markupsafe import Markup

from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """An online payment does not confirm an order that waits for approval:
        the payment is kept and the order is confirmed once approved."""
        blocked = self.filtered(
            lambda tx: tx.sale_order_ids and tx.sale_order_ids._get_review_blockers()
        )
        for tx in blocked:
            tx.sale_order_ids._message_log_batch(
                bodies=dict.fromkeys(
                    tx.sale_order_ids.ids,
                    Markup("<p>%s</p>")
                    % self.env._(
                        "Payment %(reference)s received; the order is confirmed once "
                        "it is approved.",
                        reference=tx.reference,
                    ),
                )
            )
        return super(
            PaymentTransaction, self - blocked
        )._check_amount_and_confirm_order()
