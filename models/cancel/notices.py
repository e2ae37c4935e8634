"""The notices a cancellation sends to the other departments.

A cancellation batch (one order, a mass cancel, an approval) collects what it
did to the warehouse's deliveries and accounting's invoices, then tells each
person once: one digest per person, whatever the number of orders.
"""

from markupsafe import Markup

from ..tools import notify_user, user_lang_env

CANCEL_NOTICES_KEY = "sale_cancel_notices"
STOCK_MANAGER_GROUP = "stock.group_stock_manager"
INVOICE_GROUP = "account.group_account_invoice"


def by_id(records):
    """``{id: record}``, the records read together when one is read."""
    return {record.id: record for record in records}


def move_link(env, move):
    """A link to an invoice by its number: a cancelled draft has none."""
    name = move.name if move.name and move.name != "/" else False
    return move._get_html_link(title=name or env._("Draft invoice #%(id)s", id=move.id))


class CancelNotices:
    """What one cancellation batch cancelled: ``(picking id, order id)`` of
    the open deliveries, ``(invoice id, order id, credit note id or False)``
    of the draft invoices cancelled and the unpaid invoices credited. A context
    value of this class cannot come from a JSON-RPC caller."""

    def __init__(self):
        self.deliveries = []
        self.invoices = []

    @classmethod
    def of(cls, env):
        """The collector of the batch running in ``env``, or None."""
        notices = env.context.get(CANCEL_NOTICES_KEY)
        return notices if isinstance(notices, cls) else None

    def mark(self):
        return len(self.deliveries), len(self.invoices)

    def rollback(self, mark):
        """Forget what was collected since ``mark``: its savepoint is gone."""
        del self.deliveries[mark[0] :]
        del self.invoices[mark[1] :]

    def send(self, env):
        """One notice per person for the deliveries, one for the invoices;
        nothing for the acting user, who knows."""
        if self.deliveries:
            self._send_deliveries(env)
        if self.invoices:
            self._send_invoices(env)

    def _send_deliveries(self, env):
        # The warehouse's deliveries, which the acting salesperson may not
        # read, and the Inventory Administrators, whom nobody reads in Sales.
        env_sudo = env(su=True)
        pickings = by_id(
            env_sudo["stock.picking"].browse(
                picking_id for picking_id, _order_id in self.deliveries
            )
        )
        orders = by_id(
            env_sudo["sale.order"].browse(
                order_id for _picking_id, order_id in self.deliveries
            )
        )
        group_id = env["ir.model.data"]._xmlid_to_res_id(STOCK_MANAGER_GROUP)
        managers = env_sudo["res.groups"].browse(group_id).users
        lines = {}
        for picking_id, order_id in self.deliveries:
            picking = pickings[picking_id]
            recipients = picking.user_id or managers.filtered(
                lambda user, company=picking.company_id: (
                    not user.share and company in user.company_ids
                )
            )
            line = Markup("%s (%s)") % (
                picking._get_html_link(),
                orders[order_id]._get_html_link(),
            )
            for user in recipients - env.user:
                lines.setdefault(user, []).append(line)
        for user, user_lines in lines.items():
            # In the language of the user told.
            user_env = user_lang_env(env, user)
            notify_user(
                user_env,
                user,
                user_env._("Deliveries cancelled"),
                user_env._(
                    "%(user)s cancelled sales orders; these deliveries were "
                    "cancelled with them, nothing is to ship: %(deliveries)s",
                    user=env.user.name,
                    deliveries=Markup(", ").join(user_lines),
                ),
            )

    def _send_invoices(self, env):
        # Accounting's invoices and its configured accountant, beyond what a
        # salesperson reads.
        env_sudo = env(su=True)
        moves = by_id(
            env_sudo["account.move"].browse(
                move_id
                for invoice_id, _order_id, credit_note_id in self.invoices
                for move_id in (invoice_id, credit_note_id)
                if move_id
            )
        )
        orders = by_id(
            env_sudo["sale.order"].browse(
                order_id for _invoice_id, order_id, _credit_note_id in self.invoices
            )
        )
        cancelled = {}
        credited = {}
        for invoice_id, order_id, credit_note_id in self.invoices:
            invoice = moves[invoice_id]
            user = invoice.invoice_user_id
            if not user or not user.has_group(INVOICE_GROUP):
                user = invoice.company_id.sale_discrepancy_user_id
            if not user or user == env.user:
                continue
            order = orders[order_id]._get_html_link()
            if credit_note_id:
                line = user_lang_env(env, user)._(
                    "%(invoice)s credited by %(credit_note)s (%(order)s)",
                    invoice=move_link(env, invoice),
                    credit_note=move_link(env, moves[credit_note_id]),
                    order=order,
                )
                credited.setdefault(user, []).append(line)
            else:
                line = Markup("%s (%s)") % (move_link(env, invoice), order)
                cancelled.setdefault(user, []).append(line)
        for user in dict.fromkeys([*cancelled, *credited]):
            # In the language of the user told.
            user_env = user_lang_env(env, user)
            paragraphs = [
                user_env._(
                    "%(user)s cancelled sales orders, and with them their invoices.",
                    user=env.user.name,
                )
            ]
            if user in cancelled:
                paragraphs.append(
                    user_env._(
                        "Draft invoices cancelled: %(invoices)s",
                        invoices=Markup(", ").join(cancelled[user]),
                    )
                )
            if user in credited:
                paragraphs.append(
                    user_env._(
                        "Unpaid invoices reversed, nothing to refund: %(invoices)s",
                        invoices=Markup(", ").join(credited[user]),
                    )
                )
            notify_user(
                user_env,
                user,
                user_env._("Invoices cancelled"),
                Markup("<br/>").join(paragraphs),
            )
