from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_column, table_columns

from .availability_engine import OPEN_STATES, AvailabilityEngine
from .sale_order_line import AVAILABILITY_STATES


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    availability_state = fields.Selection(
        selection=AVAILABILITY_STATES,
        string="Stock Verdict",
        compute="_compute_availability_state",
        store=True,
        index="btree_not_null",
        help="Available: every stocked line can be served by its date. Needs "
        "replenishment: none can. Partially available: the others. Empty when no "
        "line is judged (services only, closed or delivered orders).",
    )
    availability_oversell_policy = fields.Selection(
        related="company_id.sale_oversell_policy",
    )

    @api.depends("order_line.availability_state")
    def _compute_availability_state(self):
        for order in self:
            states = set(order.order_line.mapped("availability_state")) - {False}
            if not states:
                order.availability_state = False
            elif len(states) == 1:
                order.availability_state = states.pop()
            else:
                order.availability_state = "partial"

    # ------------------------------------------------------------------
    # Schema
    # ------------------------------------------------------------------

    def _auto_init(self):
        # As for the lines: only open orders are judged when the column appears.
        if "availability_state" in table_columns(self.env.cr, self._table):
            return super()._auto_init()
        field = self._fields["availability_state"]
        create_column(
            self.env.cr, self._table, field.name, field.column_type[1], field.string
        )
        res = super()._auto_init()
        self.env.cr.execute(
            SQL("SELECT id FROM sale_order WHERE state IN %s", OPEN_STATES)
        )
        orders = self.browse(row[0] for row in self.env.cr.fetchall())
        self.env.add_to_compute(field, orders)
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_availability_replenish_on_order(self):
        """Switch the short lines of these quotations to Replenish on Order."""
        self.check_access("write")
        lines = self.order_line._availability_is_short()
        if not lines:
            raise UserError(
                self.env._("No line of these orders is short of stock: nothing to do.")
            )
        lines._availability_replenish_on_order()
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _availability_fresh_shortages(self):
        """``{order: short lines}`` from figures read now (the stored verdicts
        may wait for the next refresh after a stock move)."""
        lines = self.order_line
        verdicts = AvailabilityEngine(lines).compute()
        short = {}
        for line, (state, free, incoming, short_qty) in verdicts.items():
            if state in ("partial", "replenish") and not line.availability_on_order:
                short.setdefault(line.order_id, []).append(
                    (line, free, incoming, short_qty)
                )
        return short

    def _availability_format_shortages(self, shortages):
        return "\n".join(
            "- "
            + self.env._(
                "%(order)s: %(product)s, %(qty)s %(unit)s asked, short by %(short)s "
                "(free %(free)s, incoming by the date %(incoming)s)",
                order=line.order_id.name,
                product=line.product_id.display_name,
                qty=line.product_uom_qty,
                unit=line.product_uom.name,
                short=short,
                free=free,
                incoming=incoming,
            )
            for rows in shortages.values()
            for line, free, incoming, short in rows
        )

    def _availability_get_oversold(self):
        """Apply each company's policy to figures read now (the stored verdicts
        may wait for the next refresh): ``(refused, warned)``, each
        ``{order: short rows}``. Refused: blocked, or needing an approval the
        order does not have."""
        orders = self.filtered(
            lambda order: order.company_id.sale_oversell_policy != "off"
        )
        if not orders:
            return {}, {}
        refused, warned = {}, {}
        for order, rows in orders._availability_fresh_shortages().items():
            policy = order.company_id.sale_oversell_policy
            if policy == "block" or (
                policy == "approval" and order.review_state != "approved"
            ):
                refused[order] = rows
            elif policy == "warn":
                warned[order] = rows
        return refused, warned

    def _check_availability_oversell(self):
        """Step of ``action_confirm``: the company's overselling policy. Block:
        refuse. Require approval: refuse unless the order's review is approved.
        Warn: confirm, with a note listing the short lines."""
        refused, warned = self._availability_get_oversold()
        if refused and not self.env.user._is_internal():
            # A customer signing or paying on the portal: no stock figures.
            raise UserError(
                self.env._(
                    "This order cannot be confirmed online yet; your salesperson "
                    "will contact you."
                )
            )
        blocked = {
            order: rows
            for order, rows in refused.items()
            if order.company_id.sale_oversell_policy == "block"
        }
        if blocked:
            raise UserError(
                self.env._(
                    "Nothing was confirmed: the company does not sell more than its "
                    "stock can serve. Lower the quantities, change the warehouse or "
                    "the date, or switch the lines to Replenish on Order:\n"
                    "%(details)s",
                    details=self._availability_format_shortages(blocked),
                )
            )
        if refused:
            raise UserError(
                self.env._(
                    "Nothing was confirmed: selling more than the stock can serve "
                    "needs approval. Request approval (a Sales Administrator "
                    "activates the review rule on the stock verdict if none "
                    "applies), or switch the lines to Replenish on Order:\n"
                    "%(details)s",
                    details=self._availability_format_shortages(refused),
                )
            )
        for order, rows in warned.items():
            order.message_post(
                body=Markup("<p>%s</p><pre>%s</pre>")
                % (
                    self.env._("Confirmed with lines the stock cannot serve:"),
                    self._availability_format_shortages({order: rows}),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _review_eval_stock_verdict(self, _threshold, evaluator):
        """The review condition *Stock verdict short*, for the review rules'
        batch evaluator: ``{order: reason}``, figures read once per evaluation."""
        shortages = evaluator._once(
            "availability_shortages",
            lambda: evaluator.orders._availability_fresh_shortages(),
        )
        return {
            order: self.env._(
                "the stock cannot serve %(products)s",
                # Figures shared across languages; names in this one's.
                products=", ".join(
                    line.product_id.with_env(self.env).display_name
                    for line, *_figures in shortages[order]
                ),
            )
            for order in self
            if order in shortages
        }
