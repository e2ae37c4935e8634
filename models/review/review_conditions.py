"""The review rules' conditions: the batch evaluator, a plain class rather than
a model so that one evaluation shares its figures across every rule, and the
check of the rules' own filters."""

import datetime
from collections import defaultdict

from odoo import fields
from odoo.osv.expression import FALSE_LEAF, TERM_OPERATORS, TRUE_LEAF
from odoo.tools import float_compare, format_amount

NUMBER_TYPES = ("integer", "float", "monetary")
TEXT_TYPES = ("char", "text", "html", "selection")
RELATIONAL_TYPES = ("many2one", "one2many", "many2many")


def _resolve_field(model, path):
    """The field that ``path`` (``partner_id.country_id``) ends on, or None."""
    field = None
    for name in path.split("."):
        if field is not None:
            if field.type not in RELATIONAL_TYPES:
                return None
            model = model.env[field.comodel_name]
        field = model._fields.get(name)
        if field is None:
            return None
    return field


def _fits(field, value):
    """Whether ``value`` can be compared with ``field`` in memory as in SQL."""
    if field.type in NUMBER_TYPES:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field.type == "boolean":
        return isinstance(value, bool)
    if field.type in TEXT_TYPES:
        return isinstance(value, str)
    if field.type in ("date", "datetime"):
        if isinstance(value, datetime.date):
            return True
        try:
            return bool(isinstance(value, str) and fields.Datetime.to_datetime(value))
        except ValueError:
            return False
    if field.type in RELATIONAL_TYPES:
        return isinstance(value, int | str) and not isinstance(value, bool)
    return True


def get_domain_problems(model, domain):
    """Sentences for the conditions of ``domain`` that ``model`` cannot
    evaluate: unknown fields or operators, values of the wrong type."""
    env = model.env
    problems = []
    for leaf in domain:
        if not isinstance(leaf, list | tuple) or tuple(leaf) in (TRUE_LEAF, FALSE_LEAF):
            continue
        if len(leaf) != 3 or not isinstance(leaf[0], str):
            problems.append(env._("%(leaf)s is not a condition", leaf=repr(leaf)))
            continue
        path, operator, value = leaf
        field = _resolve_field(model, path)
        if field is None:
            problems.append(env._("%(field)s is not a field", field=path))
        elif operator not in TERM_OPERATORS:
            problems.append(
                env._("%(operator)s is not an operator", operator=repr(operator))
            )
        elif operator not in ("any", "not any", "child_of", "parent_of"):
            values = value if isinstance(value, list | tuple) else [value]
            wrong = [
                v for v in values if v not in (False, None) and not _fits(field, v)
            ]
            if wrong:
                problems.append(
                    env._(
                        "%(field)s cannot be compared with %(value)s",
                        field=path,
                        value=repr(wrong[0]),
                    )
                )
    return problems


class ConditionEvaluator:
    """Evaluates review conditions on a batch of orders, computing each shared
    figure (margins, order history, overdue invoices, free stock) once."""

    def __init__(self, orders, cache=None):
        self.orders = orders
        self.env = orders.env
        self._cache = {} if cache is None else cache

    def with_lang(self, lang):
        """The same evaluation worded in ``lang``: the figures computed so far
        are shared, only the sentences are made again."""
        return ConditionEvaluator(
            self.orders.with_context(lang=lang), cache=self._cache
        )

    def _once(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def evaluate(self, condition, threshold, orders):
        """Return ``{order: reason}`` for the orders of ``orders`` that meet the
        condition. A condition of another capability is a method of the
        orders, ``_review_eval_<condition>(threshold, evaluator)``, that may
        share its figures through ``evaluator._once``."""
        method = getattr(self, f"_eval_{condition}", None)
        if method is None:
            return getattr(orders, f"_review_eval_{condition}")(threshold, self)
        return method(threshold, orders)

    # Shared figures -----------------------------------------------------

    def _company_amount(self, order, amount):
        company = order.company_id
        if order.currency_id == company.currency_id:
            return amount
        return order.currency_id._convert(
            amount, company.currency_id, company, order.date_order
        )

    def _product_lines(self, order):
        return order.order_line.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and line.product_id
                and line.product_type != "combo"
            )
        )

    def _margins(self):
        def compute():
            margins = {}
            for order in self.orders:
                revenue = cost = 0.0
                for line in self._product_lines(order):
                    product = line.product_id.with_company(order.company_id)
                    qty = line.product_uom._compute_quantity(
                        line.product_uom_qty, product.uom_id
                    )
                    revenue += self._company_amount(order, line.price_subtotal)
                    cost += qty * product.standard_price
                margins[order] = (revenue - cost) / revenue * 100 if revenue else None
            return margins

        return self._once("margins", compute)

    def _customers_with_orders(self):
        def compute():
            partners = self.orders.partner_id.commercial_partner_id
            # A count over every salesperson's orders: the rule is about the
            # customer, not about what the current user may read.
            orders_sudo = self.env["sale.order"].sudo()
            groups = orders_sudo._read_group(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("state", "=", "sale"),
                    ("id", "not in", self.orders.ids),
                ],
                ["partner_id"],
            )
            return {partner.commercial_partner_id for (partner,) in groups}

        return self._once("customers_with_orders", compute)

    def _overdue_customers(self):
        def compute():
            partners = self.orders.partner_id.commercial_partner_id
            # Salespersons do not read journal items; only this yes/no comes out.
            move_lines_sudo = self.env["account.move.line"].sudo()
            groups = move_lines_sudo._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", fields.Date.context_today(self.orders)),
                ],
                ["partner_id"],
            )
            return {partner for (partner,) in groups}

        return self._once("overdue_customers", compute)

    def _free_quantities(self):
        def compute():
            lines = self.orders.order_line.filtered(
                lambda line: line.product_id.is_storable
            )
            return self.env["stock.low.stock.rule"]._get_free_quantities(
                lines.product_id, self.orders.warehouse_id
            )

        return self._once("free_quantities", compute)

    # Conditions -----------------------------------------------------------

    def _eval_min_amount(self, threshold, orders):
        results = {}
        for order in orders:
            currency = order.company_id.currency_id
            amount = self._company_amount(order, order.amount_total)
            rounding = currency.rounding
            if float_compare(amount, threshold, precision_rounding=rounding) >= 0:
                results[order] = self.env._(
                    "total %(amount)s is at least %(threshold)s",
                    amount=format_amount(self.env, amount, currency),
                    threshold=format_amount(self.env, threshold, currency),
                )
        return results

    def _eval_max_discount(self, threshold, orders):
        results = {}
        for order in orders:
            lines = self._product_lines(order).filtered(
                lambda line: line.discount > threshold
            )
            if lines:
                results[order] = self.env._(
                    "discount of %(discount)s%% above %(threshold)s%% on %(products)s",
                    discount=max(lines.mapped("discount")),
                    threshold=threshold,
                    products=", ".join(lines.product_id.mapped("display_name")),
                )
        return results

    def _eval_min_margin(self, threshold, orders):
        margins = self._margins()
        results = {}
        for order in orders:
            margin = margins[order]
            if margin is not None and margin < threshold:
                results[order] = self.env._(
                    "margin of %(margin).1f%% below %(threshold)s%%",
                    margin=margin,
                    threshold=threshold,
                )
        return results

    def _eval_new_customer(self, _threshold, orders):
        known = self._customers_with_orders()
        return {
            order: self.env._("first order of %(customer)s", customer=customer.name)
            for order in orders
            if (customer := order.partner_id.commercial_partner_id) not in known
        }

    def _eval_credit_risk(self, _threshold, orders):
        overdue = self._overdue_customers()
        # Odoo's credit warning is not computed per language: word it in this
        # evaluation's, and leave no other reader this language's.
        # Odoo's warning reads the customer's credit limit, an Invoicing field
        # that the salesperson asking for approval may not read: the warning
        # goes to the reviewers, in the review's reason.
        orders_sudo = orders.sudo()
        orders_sudo.invalidate_recordset(["partner_credit_warning"])
        warnings = {order.id: order.partner_credit_warning for order in orders_sudo}
        orders_sudo.invalidate_recordset(["partner_credit_warning"])
        results = {}
        for order in orders:
            customer = order.partner_id.commercial_partner_id
            reasons = []
            if warning := warnings[order.id]:
                reasons.append(warning)
            if customer in overdue:
                reasons.append(
                    self.env._(
                        "%(customer)s has overdue invoices", customer=customer.name
                    )
                )
            if reasons:
                results[order] = "; ".join(reasons)
        return results

    def _eval_below_list_price(self, _threshold, orders):
        results = {}
        for order in orders:
            below = self.env["sale.order.line"]
            for line in self._product_lines(order):
                list_price = line.product_id.with_company(order.company_id).lst_price
                if order.currency_id != order.company_id.currency_id:
                    list_price = order.company_id.currency_id._convert(
                        list_price,
                        order.currency_id,
                        order.company_id,
                        order.date_order,
                    )
                net = line.price_unit * (1 - line.discount / 100)
                factor = line.product_uom._compute_quantity(1.0, line.product_id.uom_id)
                if order.currency_id.compare_amounts(net, list_price * factor) < 0:
                    below |= line
            if below:
                results[order] = self.env._(
                    "priced below the sales price: %(products)s",
                    products=", ".join(below.product_id.mapped("display_name")),
                )
        return results

    def _eval_stock_shortage(self, _threshold, orders):
        free = self._free_quantities()
        results = {}
        for order in orders:
            wanted = defaultdict(float)
            for line in self._product_lines(order):
                if line.product_id.is_storable:
                    wanted[line.product_id] += line.product_uom._compute_quantity(
                        line.product_uom_qty, line.product_id.uom_id
                    )
            short = [
                product
                for product, qty in wanted.items()
                if float_compare(
                    qty,
                    free.get((product.id, order.warehouse_id.id), 0.0),
                    precision_rounding=product.uom_id.rounding,
                )
                > 0
            ]
            if short:
                results[order] = self.env._(
                    "not enough free stock in %(warehouse)s for %(products)s",
                    warehouse=order.warehouse_id.name,
                    products=", ".join(product.display_name for product in short),
                )
        return results
