import logging
import threading
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every

from ..tools import format_blockers, is_sale_manager

_logger = logging.getLogger(__name__)

# Fields that Odoo's mail machinery maintains on any record, archived or not.
MAIL_FIELD_PREFIXES = ("message_", "activity_", "website_message_")
PAID_STATES = ("paid", "in_payment", "reversed")


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    active = fields.Boolean(
        default=True,
        copy=False,
        index=True,
        help="Archived orders are finished orders kept as a read-only history.",
    )

    archived_date = fields.Datetime(
        copy=False,
        readonly=True,
        help="When the order was archived.",
    )

    archived_by_id = fields.Many2one(
        comodel_name="res.users",
        copy=False,
        readonly=True,
    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """An archived order shows read-only in any order form (other modules'
        fields included), as ``_check_archived_readonly`` refuses to save it:
        each field of the order itself gets ``or not active`` in its readonly
        expression."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            self._archive_readonly_arch(arch)
        return arch, view

    @api.ondelete(at_uninstall=False)
    def _unlink_except_archived(self):
        if not self.env.su and not all(self.mapped("active")):
            raise UserError(
                self.env._(
                    "Archived orders are a read-only history and cannot be deleted: "
                    "unarchive them first."
                )
            )

    # ------------------------------------------------------------------
    # Write steps
    # ------------------------------------------------------------------

    @api.model
    def _get_lifecycle_protected_fields(self):
        how = self.env._("by archiving the order")
        return {
            **super()._get_lifecycle_protected_fields(),
            **dict.fromkeys(("archived_date", "archived_by_id"), how),
        }

    def _archive_prepare_write(self, vals):
        """Step of ``write``: check an (un)archiving and add who and when.
        Return the values to write and the orders whose ``active`` changes."""
        if "active" not in vals:
            return vals, self.browse()
        activate = bool(vals["active"])
        toggled = self.filtered(lambda order: order.active != activate)
        toggled._check_archive_transition(activate)
        vals = {
            **vals,
            "archived_date": not activate and fields.Datetime.now(),
            "archived_by_id": not activate and self.env.uid,
        }
        return vals, toggled

    def _archive_post_write(self, vals):
        """Step of ``write``: one chatter note per (un)archived order, logged in
        batch (field tracking would cost queries per order on large runs)."""
        if not self:
            return
        note = (
            self.env._("Order unarchived.")
            if vals["active"]
            else self.env._("Order archived: it is now a read-only history.")
        )
        if vals["active"]:
            self._message_log_batch(bodies=dict.fromkeys(self.ids, note))
            return
        self._lifecycle_log(
            dict.fromkeys(self.ids, note), "sale_order_lifecycle.mt_order_archived"
        )
        self._lifecycle_notify("archived")

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _archive_readonly_arch(self, arch):
        """Make the order's own fields of the form ``arch`` (an lxml node)
        read-only on archived orders; lines follow their one2many field."""
        nodes = arch.xpath("//field[not(ancestor::field)]")
        if not nodes:
            return
        if not any(node.get("name") == "active" for node in nodes):
            nodes[0].addprevious(
                arch.makeelement("field", name="active", invisible="1")
            )
        for node in nodes:
            readonly = (node.get("readonly") or "").strip()
            field = self._fields.get(node.get("name"))
            if (
                readonly in ("1", "True")
                or node.get("name") == "active"
                # Read-only by definition: an attribute would make it editable.
                or (not readonly and (not field or field.readonly))
            ):
                continue
            if readonly in ("", "0", "False"):
                node.set("readonly", "not active")
            else:
                node.set("readonly", f"({readonly}) or not active")

    def _check_archive_transition(self, activate):
        """Refuse archiving unfinished orders, and unarchiving without the right.

        ``self`` are the orders about to change. One place for both transitions:
        ``action_archive``, ``action_unarchive``, list actions, RPC ``write`` and
        the cron all go through ``write``.
        """
        if activate:
            if self and not self.env.su and not is_sale_manager(self.env):
                raise AccessError(
                    self.env._(
                        "Only a Sales Administrator can unarchive orders (%(orders)s).",
                        orders=", ".join(self.mapped("name")),
                    )
                )
            return
        blockers = self._get_archive_blockers()
        if blockers:
            raise UserError(
                self.env._(
                    "Only finished orders can be archived. Nothing was archived; "
                    "these orders are still open:\n%(details)s",
                    details=format_blockers(blockers),
                )
            )

    def _check_archived_readonly(self, vals=None):
        """Archived orders and their lines are read-only for users.

        ``vals`` are the values written on the orders; without them, their lines
        are being changed. Superuser flows (the cron, system updates) may write,
        and so may Odoo's mail machinery (followers, messages, activities).
        """
        if self.env.su:
            return
        archived = self.filtered(lambda order: not order.active)
        if not archived:
            return
        if vals is not None and all(
            name in ("active", "archived_date", "archived_by_id")
            or name.startswith(MAIL_FIELD_PREFIXES)
            for name in vals
        ):
            return
        raise UserError(
            self.env._(
                "Archived orders are read-only (%(orders)s). Duplicate the order to "
                "start a new one, or ask a Sales Administrator to unarchive it.",
                orders=", ".join(archived.mapped("name")),
            )
        )

    def _get_archive_blockers(self):
        """Return ``{order: [reason, ...]}`` for the orders of ``self`` that are
        not finished: cancelled, or confirmed, delivered, invoiced (and paid when
        the company asks for it)."""
        blockers = {}
        for order in self:
            if order.state == "cancel":
                continue
            reasons = []
            if order.state != "sale":
                reasons.append(
                    self.env._("it is a quotation; confirm or cancel it first")
                )
            else:
                open_pickings = order.picking_ids.filtered(
                    lambda p: p.state not in ("done", "cancel")
                )
                if open_pickings:
                    reasons.append(
                        self.env._(
                            "deliveries not done: %(pickings)s",
                            pickings=", ".join(open_pickings.mapped("name")),
                        )
                    )
                if order.invoice_status != "invoiced":
                    reasons.append(self.env._("not fully invoiced"))
                draft_invoices = order.invoice_ids.filtered(
                    lambda m: m.state == "draft"
                )
                if draft_invoices:
                    reasons.append(
                        self.env._(
                            "draft invoices: %(invoices)s",
                            invoices=", ".join(draft_invoices.mapped("display_name")),
                        )
                    )
                if order.company_id.sale_archive_require_paid:
                    unpaid = order.invoice_ids.filtered(
                        lambda m: (
                            m.state == "posted" and m.payment_state not in PAID_STATES
                        )
                    )
                    if unpaid:
                        reasons.append(
                            self.env._(
                                "invoices not paid: %(invoices)s",
                                invoices=", ".join(unpaid.mapped("name")),
                            )
                        )
            if reasons:
                blockers[order] = reasons
        return blockers

    @api.model
    def _cron_auto_archive(self, batch_size=1000):
        """Archive finished orders of the companies that enabled it, in batches.

        Each batch is committed on its own (outside tests) and reported through
        ``ir.cron``'s progress API. An order locked by another transaction, or
        one whose batch hits a concurrent update, is left for the next run; an
        order is either archived whole or not at all.
        """
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        candidate_ids = self._get_auto_archive_candidate_ids()
        done = archived = 0
        for batch_ids in split_every(batch_size, candidate_ids):
            try:
                with self.env.cr.savepoint():
                    archived += len(self.browse(batch_ids)._auto_archive_batch())
            except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
                _logger.info(
                    "Auto-archive: a batch met concurrent updates, retried next run"
                )
            done += len(batch_ids)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(candidate_ids) - done
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Auto-archive: %s of %s candidate orders archived", archived, done)
        return archived

    @api.model
    def _get_auto_archive_candidate_ids(self):
        """Ids of active orders, in companies with auto-archive, that may be
        finished and whose last invoice, delivery or cancellation is older than
        the company's delay. Final rules are checked on each batch."""
        companies = self.env["res.company"].search([("sale_auto_archive", "=", True)])
        # The query reads the tables: the ORM's pending writes first (a caller
        # may have cancelled, delivered or invoiced in the same transaction).
        self.flush_model(
            [
                "active",
                "company_id",
                "state",
                "invoice_status",
                "cancel_date",
                "date_order",
            ]
        )
        self.env["stock.picking"].flush_model(["sale_id", "date_done"])
        self.env["sale.order.line"].flush_model(["order_id", "invoice_lines"])
        self.env["account.move.line"].flush_model(["move_id"])
        self.env["account.move"].flush_model(["state", "invoice_date"])
        ids = []
        for company in companies:
            cutoff = fields.Datetime.now() - timedelta(
                days=company.sale_auto_archive_days
            )
            self.env.cr.execute(
                SQL(
                    """
                    SELECT so.id
                      FROM sale_order so
                     WHERE so.active
                       AND so.company_id = %(company)s
                       AND (so.state = 'cancel'
                            OR (so.state = 'sale' AND so.invoice_status = 'invoiced'))
                       AND GREATEST(
                               CASE WHEN so.state = 'cancel'
                                    THEN COALESCE(so.cancel_date, so.write_date) END,
                               so.date_order,
                               (SELECT MAX(sp.date_done) FROM stock_picking sp
                                 WHERE sp.sale_id = so.id),
                               (SELECT MAX(am.invoice_date)::timestamp
                                  FROM sale_order_line sol
                                  JOIN sale_order_line_invoice_rel rel
                                    ON rel.order_line_id = sol.id
                                  JOIN account_move_line aml
                                    ON aml.id = rel.invoice_line_id
                                  JOIN account_move am ON am.id = aml.move_id
                                 WHERE sol.order_id = so.id AND am.state = 'posted')
                           ) < %(cutoff)s
                     ORDER BY so.id
                    """,
                    company=company.id,
                    cutoff=cutoff,
                )
            )
            ids += [row[0] for row in self.env.cr.fetchall()]
        return ids

    def _auto_archive_batch(self):
        """Lock what nobody else holds, then archive the finished orders of it."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order WHERE id IN %s AND active "
                "FOR NO KEY UPDATE SKIP LOCKED",
                tuple(self.ids),
            ),
            # A failure to serialize is expected: the batch waits for the next run.
            log_exceptions=False,
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        finished = locked - self.browse(
            order.id for order in locked._get_archive_blockers()
        )
        if finished:
            finished.action_archive()
        return finished
