"""What several capabilities share on ``sale.order``.

``write``, ``action_confirm`` and ``action_draft`` are overridden here only, as
an ordered list of named steps; each step lives in its capability's folder
(``archive/``, ``review/``, ``reassign/``, ``cancel/``). The order of the steps
is the contract. One capability reacts to another through the documented hooks
below (``_lifecycle_post_cancel``), never by calling its private methods.
"""

from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    origin_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Duplicated From",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The order this one was duplicated from.",
    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        # Checks first, on the values as given (archiving adds who and when).
        vals, toggled = self._archive_prepare_write(vals)
        self._check_archived_readonly(vals)
        self._check_review_state_write(vals)
        # Each capability may hand on a context for the write itself.
        records, handlers = self._reassign_prepare_write(vals)
        records, material = records._review_prepare_write(vals)
        res = super(SaleOrder, records).write(vals)
        # Reactions, once the values are written.
        if material:
            self._review_on_material_change()
        self._reassign_post_write(handlers)
        toggled._archive_post_write(vals)
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for order, vals in zip(self, vals_list, strict=True):
            vals.setdefault("origin_order_id", order.id)
        return vals_list

    def copy(self, default=None):
        new_orders = super().copy(default)
        for origin, copy in zip(self, new_orders, strict=True):
            copy.message_post(
                body=self.env._(
                    "Duplicated from %(order)s.", order=origin._get_html_link()
                )
            )
            origin.message_post(
                body=self.env._("Duplicated as %(order)s.", order=copy._get_html_link())
            )
        return new_orders

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        self._check_no_pending_cancellation()
        requested = self._review_request_on_confirm()
        if requested:
            return requested
        self._check_can_confirm()
        return super().action_confirm()

    def action_draft(self):
        self._check_cancel_not_final()
        res = super().action_draft()
        self._review_reset_on_draft()
        return res

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------

    def _lifecycle_post_cancel(self):
        """Called on the orders just cancelled, once the cancellation is
        recorded (reason, who, when). Capabilities override it to close their
        own open work; call ``super()``."""
