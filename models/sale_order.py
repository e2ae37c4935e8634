"""What several capabilities share on ``sale.order``.

``create``, ``write``, ``copy``, ``action_confirm`` and ``action_draft`` are
overridden here only, as an ordered list of named steps; each step lives in its
capability's folder (``archive/``, ``review/``, ``reassign/``, ``cancel/``). The
order of the steps is the contract. One capability reacts to another through
the documented hooks below (``_lifecycle_post_cancel``, ``_lifecycle_notify``),
never by calling its private methods.

The workflow's fields (``_get_lifecycle_protected_fields``) are written only by
the addon's flows and by Odoo's own flows that they wrap. Those flows mark
their environment with ``LIFECYCLE_INTERNAL``: a JSON-RPC caller can put any
key and any JSON value into the context, but never this object.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import table_columns

from .tools import add_filled_column

LIFECYCLE_INTERNAL = object()
LIFECYCLE_INTERNAL_KEY = "sale_lifecycle_internal"
# This addon's technical name, as Odoo derives it for its models.
MODULE = __name__.split(".")[2]


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
    # Schema
    # ------------------------------------------------------------------

    def _auto_init(self):
        # The ORM gives the existing orders a new column's default with an
        # UPDATE of every order; PostgreSQL does it without rewriting them.
        existing = table_columns(self.env.cr, self._table)
        for field in self._fields.values():
            if (
                field._module != MODULE
                or not field.store
                or field.compute
                or not field.default
                or field.name in existing
            ):
                continue
            value = field.convert_to_column_insert(
                field.convert_to_write(field.default(self), self), self
            )
            # As the ORM: no value to write for NULL and False.
            if value is not None and value is not False:
                add_filled_column(
                    self.env.cr,
                    self._table,
                    field.name,
                    field.column_type[1],
                    value,
                    field.string,
                )
        return super()._auto_init()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_lifecycle_fields(vals, create=True)
        self._reassign_check_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        # Checks first, on the values as given (archiving adds who and when).
        self._check_lifecycle_fields(vals)
        vals, toggled = self._archive_prepare_write(vals)
        self._check_archived_readonly(vals)
        self._reassign_check_vals([vals])
        # Each capability may hand on a context for the write itself.
        records, handlers = self._reassign_prepare_write(vals)
        records, judged = records._review_prepare_write(vals)
        records = records._cancel_prepare_write(vals)
        res = super(SaleOrder, records).write(vals)
        # Reactions, once the values are written. The hand-over is recorded
        # first: a salesperson who hands an order away keeps reading it
        # (previous_user_ids), which judging the change then needs.
        self._reassign_post_write(handlers)
        if judged:
            self._review_on_material_change()
        toggled._archive_post_write(vals)
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for order, vals in zip(self, vals_list, strict=True):
            vals.setdefault("origin_order_id", order.id)
        return vals_list

    def copy(self, default=None):
        self._check_lifecycle_fields(default or {}, create=True)
        new_orders = (
            super(SaleOrder, self._lifecycle_internal())
            .copy(default)
            .with_env(self.env)
        )
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
        self._check_availability_oversell()
        res = super(SaleOrder, self._lifecycle_internal()).action_confirm()
        self._lifecycle_notify("confirmed")
        return res

    def action_draft(self):
        self._check_cancel_not_final()
        res = super(SaleOrder, self._lifecycle_internal()).action_draft()
        self._review_reset_on_draft()
        return res

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------

    def _lifecycle_internal(self):
        """``self`` in an environment that may write the workflow's fields:
        only for the flows that own them, never with a caller's values."""
        return self.with_context(**{LIFECYCLE_INTERNAL_KEY: LIFECYCLE_INTERNAL})

    def _is_lifecycle_internal(self):
        return (
            self.env.su
            or self.env.context.get(LIFECYCLE_INTERNAL_KEY) is LIFECYCLE_INTERNAL
        )

    @api.model
    def _get_lifecycle_protected_fields(self):
        """``{field name: how it changes}`` for the fields that only the
        workflow writes; each capability adds its own."""
        computed = self.env._("computed from the order and its documents")
        return {
            # The addon's stored computations (payment status, discrepancies,
            # verdicts, shipping status...): the ORM would store a caller's
            # value for a field without inverse until its next recomputation.
            **{
                name: computed
                for name, field in self._fields.items()
                if field._module == MODULE
                and field.store
                and field.compute
                and field.readonly
                and not field.inverse
            },
            "state": self.env._("with Confirm, Cancel or Set to Quotation"),
            "origin_order_id": self.env._("by duplicating an order"),
        }

    def _check_lifecycle_fields(self, vals, create=False):
        """Refuse a caller's values for the workflow's fields. On creation,
        their empty or default values are accepted."""
        if self._is_lifecycle_internal():
            return
        protected = self._get_lifecycle_protected_fields()
        names = protected.keys() & vals.keys()
        if create and names:
            defaults = self.default_get(list(names))
            names = {
                name
                for name in names
                if vals[name] and vals[name] != defaults.get(name)
            }
        if names:
            raise UserError(
                self.env._(
                    "Nothing was saved: these fields of a sales order change only "
                    "through its workflow.\n%(details)s",
                    details="\n".join(
                        f"- {self._fields[name]._description_string(self.env)}: "
                        f"{protected[name]}"
                        for name in sorted(names)
                    ),
                )
            )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------

    def _lifecycle_post_cancel(self):
        """Called on the orders just cancelled, once the cancellation is
        recorded (reason, who, when). Capabilities override it to close their
        own open work; call ``super()``."""

    def _lifecycle_notify(self, event):
        """Called by each capability's funnel on the orders of ``self`` once
        ``event`` happened to them (a key of ``notification/``'s ``EVENTS``:
        confirmed, approval_requested, approved, rejected, cancel_requested,
        cancelled, archived, reassigned, team_reassigned, delivered, paid,
        discrepancy). ``notification/`` applies the rules configured for it;
        call ``super()``."""

    def _lifecycle_log(self, bodies, subtype_xmlid):
        """Log ``bodies`` (``{order id: html}``) in batch as
        ``_message_log_batch`` does, under the event's subtype
        (``data/mail_message_subtype_data.xml``), and notify the followers who
        subscribed to it with the Follow menu. Orders without such followers
        cost no notification."""
        messages_sudo = self._message_log_batch(bodies=bodies)
        subtype = self.env.ref(subtype_xmlid)
        messages_sudo.subtype_id = subtype
        # Who follows what is not the acting user's to read.
        followers_sudo = (
            self.env["mail.followers"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", list(bodies)),
                    ("subtype_ids", "in", subtype.id),
                ]
            )
        )
        followed = set(followers_sudo.mapped("res_id"))
        for message_sudo in messages_sudo.filtered(lambda m: m.res_id in followed):
            self.browse(message_sudo.res_id).sudo()._notify_thread(message_sudo)
        return messages_sudo
