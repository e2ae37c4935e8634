from odoo import api, fields, models


class SaleReviewRule(models.Model):
    _inherit = "sale.review.rule"

    cancel_reason_ids = fields.Many2many(
        comodel_name="sale.order.cancel.reason",
        relation="sale_review_rule_cancel_reason_rel",
        column1="rule_id",
        column2="reason_id",
        string="Cancellation Reasons",
        help="A cancellation rule applies only to cancellations for these reasons. "
        "Empty: any reason.",
    )
    cancel_reversal_only = fields.Boolean(
        string="Only With Returns and Credit Notes",
        help="A cancellation rule applies only when the cancellation returns "
        "delivered goods or credits posted invoices.",
    )

    @api.model
    def _match_cancel_orders(self, orders, reason, reverse=False):
        """``{order: [(rule, [reason, ...]), ...]}`` for the cancellation rules
        that apply to cancelling ``orders`` for ``reason``; ``reverse``: with
        returns and credit notes. The order rules' conditions (amount,
        discount...) apply as they do to order review."""
        matches = self._match_orders(orders, applies_to="cancel")
        reversing = (
            orders._filter_cancel_needs_reversal() if reverse else orders.browse()
        )
        result = {}
        for order, order_matches in matches.items():
            kept = []
            for rule, reasons in order_matches:
                if rule.cancel_reason_ids and reason not in rule.cancel_reason_ids:
                    continue
                if rule.cancel_reversal_only:
                    if order not in reversing:
                        continue
                    reasons = [
                        *reasons,
                        self.env._("returns goods or credits invoices"),
                    ]
                kept.append((rule, reasons))
            if kept:
                result[order] = kept
        return result
