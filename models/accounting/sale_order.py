from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import formatLang
from odoo.tools.sql import column_exists

from ..tools import html_links, user_lang_env
from . import payment_columns


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    amount_invoiced_total = fields.Monetary(
        string="Invoiced (Net)",
        compute="_compute_payment_status",
        store=True,
        help="Posted invoices less posted credit notes, for this order's lines, in the "
        "order's currency.",
    )

    amount_invoice_paid = fields.Monetary(
        string="Paid",
        compute="_compute_payment_status",
        store=True,
        help="The part of the posted invoices (less credit notes) that is paid.",
    )

    amount_due = fields.Monetary(
        string="Due",
        compute="_compute_payment_status",
        store=True,
    )

    payment_status = fields.Selection(
        selection=[
            ("not_invoiced", "Not Invoiced"),
            ("unpaid", "Unpaid"),
            ("partial", "Partially Paid"),
            ("paid", "Paid"),
            ("overpaid", "Overpaid"),
        ],
        compute="_compute_payment_status",
        store=True,
        index=True,
    )

    has_discrepancy = fields.Boolean(
        compute="_compute_discrepancy",
        store=True,
        index=True,
        help="The order, its invoices and its payments do not agree.",
    )

    discrepancy_note = fields.Text(
        compute="_compute_discrepancy",
        store=True,
        help="Each problem between the order, its invoices and its payments.",
    )

    discrepancy_notified = fields.Boolean(
        copy=False,
        readonly=True,
        help="The accountant was told of this discrepancy.",
    )

    # ------------------------------------------------------------------
    # Schema
    # ------------------------------------------------------------------

    def _auto_init(self):
        # On a long history the ORM would compute these columns order by order:
        # fill them in SQL and leave it only the orders SQL cannot settle.
        cr = self.env.cr
        to_compute = to_check = []
        if not column_exists(cr, self._table, "payment_status"):
            to_compute, to_check = payment_columns.fill(cr)
        result = super()._auto_init()
        for names, ids in (
            (payment_columns.COLUMNS, to_compute),
            (("has_discrepancy", "discrepancy_note"), to_check),
        ):
            if ids:
                for name in names:
                    self.env.add_to_compute(self._fields[name], self.browse(ids))
        return result

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends(
        "currency_id",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.amount_residual",
        "order_line.invoice_lines.move_id.amount_total",
        "order_line.invoice_lines.price_total",
    )
    def _compute_payment_status(self):
        for order in self:
            invoiced = paid = 0.0
            moves = order.order_line.invoice_lines.move_id.filtered(
                lambda move: move.state == "posted" and move.is_sale_document()
            )
            for move in moves:
                share = sum(
                    line.price_total
                    for line in move.invoice_line_ids
                    if order in line.sale_line_ids.order_id
                )
                paid_ratio = (
                    1 - move.amount_residual / move.amount_total
                    if move.amount_total
                    else 0
                )
                sign = -move.direction_sign
                invoiced += sign * move.currency_id._convert(
                    share, order.currency_id, move.company_id, move.date
                )
                paid += sign * move.currency_id._convert(
                    share * paid_ratio, order.currency_id, move.company_id, move.date
                )
            currency = order.currency_id
            order.amount_invoiced_total = invoiced
            order.amount_invoice_paid = paid
            order.amount_due = invoiced - paid
            if not moves:
                order.payment_status = "not_invoiced"
            elif currency.compare_amounts(paid, invoiced) > 0:
                order.payment_status = "overpaid"
            elif currency.is_zero(invoiced - paid):
                order.payment_status = "paid"
            elif currency.is_zero(paid):
                order.payment_status = "unpaid"
            else:
                order.payment_status = "partial"

    @api.depends(
        "state",
        "amount_total",
        "partner_id",
        "amount_invoiced_total",
        "amount_invoice_paid",
        "order_line.qty_delivered",
        "order_line.product_uom_qty",
        "order_line.price_total",
        "order_line.invoice_lines.move_id.currency_id",
        "order_line.invoice_lines.move_id.commercial_partner_id",
        "company_id.sale_discrepancy_tolerance",
    )
    def _compute_discrepancy(self):
        for order in self:
            problems = order._get_discrepancies()
            order.has_discrepancy = bool(problems)
            order.discrepancy_note = "\n".join(problems) or False

    def _get_discrepancies(self):
        """Sentences describing what does not agree, in the order's currency."""
        self.ensure_one()
        currency = self.currency_id
        company = self.company_id
        tolerance = company.currency_id._convert(
            company.sale_discrepancy_tolerance, currency, company, fields.Date.today()
        )

        def above(amount, reference):
            return currency.compare_amounts(amount - reference, tolerance) > 0

        def fmt(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        problems = []
        invoiced, paid = self.amount_invoiced_total, self.amount_invoice_paid
        if self.state == "cancel" and above(invoiced, 0):
            problems.append(
                self.env._(
                    "Cancelled, but posted invoices of %(amount)s are not reversed.",
                    amount=fmt(invoiced),
                )
            )
        if self.state == "sale":
            lines = self.order_line.filtered(
                lambda line: not line.display_type and line.product_uom_qty
            )
            delivered = sum(
                line.price_total * line.qty_delivered / line.product_uom_qty
                for line in lines
            )
            fully_delivered = lines and all(
                line.qty_delivered >= line.product_uom_qty
                for line in lines
                if line.product_id.type == "consu"
            )
            if fully_delivered and above(delivered, invoiced):
                problems.append(
                    self.env._(
                        "Delivered goods are worth %(delivered)s but only %(invoiced)s "
                        "is invoiced.",
                        delivered=fmt(delivered),
                        invoiced=fmt(invoiced),
                    )
                )
        if above(invoiced, self.amount_total):
            problems.append(
                self.env._(
                    "Invoiced %(invoiced)s, more than the order's %(total)s.",
                    invoiced=fmt(invoiced),
                    total=fmt(self.amount_total),
                )
            )
        if above(paid, invoiced):
            problems.append(
                self.env._(
                    "Paid %(paid)s, more than the %(invoiced)s invoiced.",
                    paid=fmt(paid),
                    invoiced=fmt(invoiced),
                )
            )
        posted = self.order_line.invoice_lines.move_id.filtered(
            lambda move: move.state == "posted"
        )
        for move in posted.filtered(lambda move: move.currency_id != currency):
            problems.append(
                self.env._(
                    "%(invoice)s is in %(invoice_currency)s, the order in "
                    "%(currency)s.",
                    invoice=move.name,
                    invoice_currency=move.currency_id.name,
                    currency=currency.name,
                )
            )
        customer = self.partner_id.commercial_partner_id
        for move in posted.filtered(
            lambda move: move.commercial_partner_id != customer
        ):
            problems.append(
                self.env._(
                    "%(invoice)s is addressed to %(partner)s, the order to "
                    "%(customer)s.",
                    invoice=move.name,
                    partner=move.commercial_partner_id.display_name,
                    customer=customer.display_name,
                )
            )
        return problems

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_lifecycle_protected_fields(self):
        return {
            **super()._get_lifecycle_protected_fields(),
            "discrepancy_notified": self.env._("by the daily discrepancy check"),
        }

    @api.model
    def _cron_notify_discrepancies(self):
        """Give each company's accountant one activity listing the new
        discrepancies; forget the ones that were fixed."""
        orders = self._lifecycle_internal()
        orders.search(
            [("discrepancy_notified", "=", True), ("has_discrepancy", "=", False)]
        ).write({"discrepancy_notified": False})
        new = orders.with_context(active_test=False).search(
            [("has_discrepancy", "=", True), ("discrepancy_notified", "=", False)]
        )
        for company in new.company_id.filtered("sale_discrepancy_user_id"):
            orders = new.filtered(
                lambda order, company=company: order.company_id == company
            )
            # In the language of the accountant, not of the cron.
            user_env = user_lang_env(self.env, company.sale_discrepancy_user_id)
            orders[:1].activity_schedule(
                "mail.mail_activity_data_todo",
                summary=user_env._(
                    "%(count)s new order discrepancies", count=len(orders)
                ),
                note=Markup("<p>%s</p>")
                % user_env._(
                    "Orders whose invoices or payments do not agree: %(orders)s",
                    orders=html_links(user_env, orders),
                ),
                user_id=company.sale_discrepancy_user_id.id,
            )
        new.write({"discrepancy_notified": True})
        new._lifecycle_notify("discrepancy")
