from odoo import api, fields, models


class SaleOrder(models.Model):
    """What the order form offers: a button is shown only when its action can
    succeed, computed from the very checks that enforce it (as ``hr_holidays``
    computes ``can_approve`` from ``_check_approval_update``)."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    review_blocks_send = fields.Boolean(
        compute="_compute_review_blocks",
        help="A review holds the quotation back: it cannot be sent (by e-mail, "
        "as a pro-forma or marked as sent) nor signed on the portal.",
    )
    review_blocks_confirm = fields.Boolean(
        compute="_compute_review_blocks",
        help="Confirmation would be refused: approval was requested and is not "
        "given yet. (A quotation that needs an approval nobody asked for "
        "requests it when confirmed.)",
    )

    @api.depends(
        "state",
        "review_state",
        "review_fingerprint",
        "review_ids.state",
        "review_required",
    )
    def _compute_review_blocks(self):
        # The same two calls as _check_review_allows and _review_request_on_confirm.
        blocked = self._get_review_blockers()
        requestable = self._get_review_blockers(not_requested_only=True)
        for order in self:
            order.review_blocks_send = order in blocked
            order.review_blocks_confirm = order in blocked and order not in requestable
