from odoo import api, fields, models

# Groups that read orders with Odoo's own order views. Other internal users
# (reviewers from other departments, stock users) read them without the
# models these views need, through the reader views; keep in line with the
# rule sale_order_internal_reviewer_read_rule (security/ir_rules.xml).
FULL_VIEW_GROUPS = (
    "sales_team.group_sale_salesman",
    "account.group_account_invoice",
    "account.group_account_readonly",
)
READER_VIEWS = {
    "form": "sale_order_lifecycle.sale_order_view_form_reader",
    "list": "sale_order_lifecycle.sale_order_view_list_reader",
}


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
        # Users without Sales rights (accountants) may not read the review rules
        # these calls match: the answer is the same for every reader.
        orders_sudo = self.sudo()
        blocked = {order.id for order in orders_sudo._get_review_blockers()}
        requestable = orders_sudo._get_review_blockers(not_requested_only=True).ids
        for order in self:
            order.review_blocks_send = order.id in blocked
            order.review_blocks_confirm = (
                order.id in blocked and order.id not in requestable
            )

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        if (
            not view_id
            and view_type in READER_VIEWS
            and not self.env.context.get(f"{view_type}_view_ref")
            and self._is_order_reader_only()
        ):
            view_id = self.env.ref(READER_VIEWS[view_type]).id
        return super()._get_view(view_id, view_type, **options)

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        key = super()._get_view_cache_key(view_id, view_type, **options)
        return (*key, self._is_order_reader_only())

    @api.model
    def _is_order_reader_only(self):
        """Whether the user reads orders without Odoo's order views."""
        user = self.env.user
        return not any(user.has_group(xmlid) for xmlid in FULL_VIEW_GROUPS)
