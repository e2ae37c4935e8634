from markupsafe import Markup

from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"  # pylint: disable=consider-merging-classes-inherited

    def _check_amount_and_confirm_order(self):
        """An online payment does not confirm an order the overselling policy
        refuses: the payment is kept and the salesperson decides."""
        refused = self.filtered(
            lambda tx: (
                tx.sale_order_ids and tx.sale_order_ids._availability_get_oversold()[0]
            )
        )
        for tx in refused:
            tx.sale_order_ids._message_log_batch(
                bodies=dict.fromkeys(
                    tx.sale_order_ids.ids,
                    Markup("<p>%s</p>")
                    % self.env._(
                        "Payment %(reference)s received; the order was not confirmed: "
                        "the stock cannot serve it (see its stock verdict).",
                        reference=tx.reference,
                    ),
                )
            )
        return super(
            PaymentTransaction, self - refused
        )._check_amount_and_confirm_order()
