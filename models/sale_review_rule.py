from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_amount
from odoo.tools.safe_eval import safe_eval

from .bounds import check_numbers

NUMERIC_FIELDS = {"sequence", "min_amount", "max_discount", "min_margin"}
APPROVAL_MODES = [
    ("any", "Any one of them"),
    ("all", "All listed users"),
]


class SaleReviewRule(models.Model):
    _name = "sale.review.rule"
    _description = "Sales Order Review Rule"
    _order = "company_id, sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
    )
    sequence = fields.Integer(
        string="Level",
        default=10,
        help="Orders go through the levels from the lowest: the reviewers of a "
        "level are asked only once every lower level has approved. Rules with the "
        "same level are decided at the same time.",
    )
    active = fields.Boolean(
        default=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount",
        help="Applies to orders whose total, in company currency, is at least this "
        "amount. Zero: any amount.",
    )
    max_discount = fields.Float(
        string="Maximum Discount (%)",
        digits="Discount",
        help="Applies when a line's discount is above this percentage. Zero: "
        "discounts do not matter.",
    )
    min_margin = fields.Float(
        string="Minimum Margin (%)",
        help="Applies when the order's margin over the products' cost is below this "
        "percentage. Zero: margins do not matter.",
    )
    new_customer = fields.Boolean(
        help="Applies when the customer has no earlier confirmed order.",
    )
    credit_risk = fields.Boolean(
        help="Applies when the customer is over their credit limit with this order "
        "or has overdue invoices.",
    )
    below_list_price = fields.Boolean(
        help="Applies when a line's price, after discount, is below the product's "
        "sales price.",
    )
    stock_shortage = fields.Boolean(
        help="Applies when a line asks for more than the free quantity (on hand "
        "less reserved) in the order's warehouse.",
    )
    domain = fields.Char(
        string="Other Conditions",
        default="[]",
        help="Applies only to the orders that match this filter as well.",
    )
    reviewer_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sale_review_rule_user_rel",
        column1="rule_id",
        column2="user_id",
        string="Reviewers",
        domain=[("share", "=", False)],
    )
    reviewer_group_ids = fields.Many2many(
        comodel_name="res.groups",
        relation="sale_review_rule_group_rel",
        column1="rule_id",
        column2="group_id",
        string="Reviewer Groups",
        help="Every internal user of these groups may approve.",
    )
    approval_mode = fields.Selection(
        selection=APPROVAL_MODES,
        required=True,
        default="any",
        help="Any one of them: the first decision settles the level. All listed "
        "users: each reviewer user must approve; groups cannot be used.",
    )
    forbid_self_approval = fields.Boolean(
        string="Salesperson Cannot Approve",
        default=True,
        help="The order's salesperson may never approve it, even as a reviewer.",
    )

    @api.constrains("min_amount", "max_discount", "min_margin")
    def _check_thresholds(self):
        for rule in self:
            if rule.min_amount < 0 or not 0 <= rule.max_discount <= 100:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: the minimum amount cannot be negative "
                        "and the maximum discount must be between 0 and 100%%.",
                        rule=rule.name,
                    )
                )
            if not -100 <= rule.min_margin <= 100:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: the minimum margin must be between "
                        "-100 and 100%%.",
                        rule=rule.name,
                    )
                )

    @api.constrains("reviewer_user_ids", "reviewer_group_ids", "approval_mode")
    def _check_reviewers(self):
        for rule in self:
            if not rule.reviewer_user_ids and not rule.reviewer_group_ids:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: choose at least one reviewer user or "
                        "group.",
                        rule=rule.name,
                    )
                )
            if rule.approval_mode == "all" and rule.reviewer_group_ids:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: when all reviewers must approve, list "
                        "them as users; remove the reviewer groups.",
                        rule=rule.name,
                    )
                )

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            try:
                self.env["sale.order"].search_count(rule._get_domain(), limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: the other conditions are not a valid "
                        "filter on sales orders (%(error)s).",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_numbers(self, vals, NUMERIC_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_numbers(self, vals, NUMERIC_FIELDS)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_domain(self):
        self.ensure_one()
        domain = safe_eval(self.domain or "[]", {"uid": self.env.uid})
        if not isinstance(domain, list | tuple):
            raise TypeError(self.env._("a list of conditions is expected"))
        return list(domain)

    def _get_reviewers(self, order):
        """Users who may decide this rule for ``order``: the listed users and
        the internal members of the groups, of the order's company."""
        self.ensure_one()
        users = self.reviewer_user_ids | self.reviewer_group_ids.users
        users = users.filtered(
            lambda user: not user.share and order.company_id in user.company_ids
        )
        if self.forbid_self_approval:
            users -= order.user_id
        return users

    @api.model
    def _match_orders(self, orders):
        """Return ``{order: [(rule, [reason, ...]), ...]}`` for the active rules
        of the orders' companies that apply to them, rules by level.

        Each condition is evaluated for the whole batch at once, so the number of
        queries depends on the rules, not on the orders.
        """
        if not orders:
            return {}
        rules = self.search([("company_id", "in", orders.company_id.ids)])
        if not rules:
            return {}
        evaluator = _ConditionEvaluator(orders)
        matches = defaultdict(list)
        for rule in rules:
            candidates = orders.filtered(
                lambda order, rule=rule: order.company_id == rule.company_id
            )
            reasons = {order: [] for order in candidates}
            for condition, threshold in rule._get_conditions():
                results = evaluator.evaluate(condition, threshold, candidates)
                candidates = candidates.filtered(lambda order, r=results: order in r)
                for order in candidates:
                    reasons[order].append(results[order])
            if rule.domain and rule.domain.strip() != "[]" and candidates:
                candidates = candidates.filtered_domain(rule._get_domain())
                for order in candidates:
                    reasons[order].append(
                        self.env._("matches the conditions of %(rule)s", rule=rule.name)
                    )
            for order in candidates:
                matches[order].append(
                    (
                        rule,
                        reasons[order]
                        or [self.env._("applies to every order of the company")],
                    )
                )
        return dict(matches)

    def _get_conditions(self):
        """The conditions set on the rule, as ``(name, threshold)``."""
        self.ensure_one()
        conditions = [
            ("min_amount", self.min_amount),
            ("max_discount", self.max_discount),
            ("min_margin", self.min_margin),
            ("new_customer", self.new_customer),
            ("credit_risk", self.credit_risk),
            ("below_list_price", self.below_list_price),
            ("stock_shortage", self.stock_shortage),
        ]
        return [(name, threshold) for name, threshold in conditions if threshold]


class _ConditionEvaluator:
    """Evaluates review conditions on a batch of orders, computing each shared
    figure (margins, order history, overdue invoices, free stock) once."""

    def __init__(self, orders):
        self.orders = orders
        self.env = orders.env
        self._cache = {}

    def _once(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def evaluate(self, condition, threshold, orders):
        """Return ``{order: reason}`` for the orders of ``orders`` that meet the
        condition."""
        return getattr(self, f"_eval_{condition}")(threshold, orders)

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
        results = {}
        for order in orders:
            customer = order.partner_id.commercial_partner_id
            reasons = []
            if order.partner_credit_warning:
                reasons.append(order.partner_credit_warning)
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
