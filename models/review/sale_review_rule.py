import logging
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from .review_conditions import ConditionEvaluator, get_domain_problems

_logger = logging.getLogger(__name__)

BOUNDED_NUMBER_FIELDS = frozenset(
    {"sequence", "min_amount", "max_discount", "min_margin"}
)
APPROVAL_MODES = [
    ("any", "Any one of them"),
    ("all", "All listed users"),
]


class SaleReviewRule(models.Model):
    _name = "sale.review.rule"
    _inherit = ["sale.lifecycle.number.bounds.mixin"]
    _description = "Sales Order Review Rule"
    _order = "company_id, sequence, id"
    _bounded_number_fields = BOUNDED_NUMBER_FIELDS

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
    applies_to = fields.Selection(
        selection=[("order", "Order Review"), ("cancel", "Cancellation")],
        required=True,
        default="order",
        index=True,
        help="Order Review: confirming a matching quotation needs these reviewers. "
        "Cancellation: cancelling a matching order needs them.",
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
        orders = self.env["sale.order"]
        for rule in self:
            try:
                domain = rule._get_domain()
                orders.search_count(domain, limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: the other conditions are not a valid "
                        "filter on sales orders (%(error)s).",
                        rule=rule.name,
                        error=error,
                    )
                ) from error
            problems = get_domain_problems(orders, domain)
            if problems:
                raise ValidationError(
                    self.env._(
                        "Review rule %(rule)s: the other conditions are not a valid "
                        "filter on sales orders (%(error)s).",
                        rule=rule.name,
                        error="; ".join(problems),
                    )
                )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_domain(self):
        self.ensure_one()
        domain = safe_eval(self.domain or "[]", {"uid": self.env.uid})
        if not isinstance(domain, list | tuple):
            raise TypeError(self.env._("a list of conditions is expected"))
        return list(domain)

    def _filter_by_domain(self, orders):
        """The orders that match the rule's other conditions. A rule that
        cannot be evaluated (saved before its fields changed) stops the
        confirmation with its name, rather than a server error."""
        self.ensure_one()
        try:
            return orders.filtered_domain(self._get_domain())
        except Exception as error:
            _logger.warning("Review rule %s cannot be evaluated: %s", self.name, error)
            raise UserError(
                self.env._(
                    "The review rule %(rule)s cannot be evaluated (%(error)s): ask a "
                    "Sales Administrator to correct its other conditions.",
                    rule=self.name,
                    error=error,
                )
            ) from error

    def _prepare_review_vals(self, order, reasons, first_level):
        """Values of the review line that asks this rule's reviewers to decide
        on ``order``; the line keeps a snapshot of the rule as it is now."""
        self.ensure_one()
        return {
            "order_id": order.id,
            "rule_id": self.id,
            "name": self.name,
            "level": self.sequence,
            "reason": "; ".join(reasons),
            "approval_mode": self.approval_mode,
            "forbid_self_approval": self.forbid_self_approval,
            "reviewer_user_ids": [Command.set(self._get_reviewers(order).ids)],
            "state": "pending" if self.sequence == first_level else "waiting",
        }

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
    def _match_orders(self, orders, applies_to="order"):
        """Return ``{order: [(rule, [reason, ...]), ...]}`` for the active rules
        of the orders' companies that apply to them, rules by level; the rules
        of order review, or of cancellation (``applies_to``).

        Each condition is evaluated for the whole batch at once, so the number of
        queries depends on the rules, not on the orders.
        """
        if not orders:
            return {}
        rules = self.search(
            [
                ("company_id", "in", orders.company_id.ids),
                ("applies_to", "=", applies_to),
            ]
        )
        if not rules:
            return {}
        evaluator = ConditionEvaluator(orders)
        matches = defaultdict(list)
        for rule in rules:
            candidates = orders.filtered(
                lambda order, rule=rule: order.company_id == rule.company_id
            )
            for order, reasons in rule._get_match_reasons(evaluator, candidates):
                matches[order].append((rule, reasons))
        return dict(matches)

    def _get_match_reasons(self, evaluator, orders, check_domain=True):
        """``[(order, [reason, ...])]`` for the orders of ``orders`` that this
        rule applies to, the reasons worded in the language of the evaluator.
        Without ``check_domain``, the other conditions are taken as met (the
        wording of a match found before)."""
        self.ensure_one()
        env = evaluator.env
        candidates = orders.with_env(env)
        reasons = {order: [] for order in candidates}
        for condition, threshold in self._get_conditions():
            results = evaluator.evaluate(condition, threshold, candidates)
            candidates = candidates.filtered(lambda order, r=results: order in r)
            for order in candidates:
                reasons[order].append(results[order])
        if self.domain and self.domain.strip() != "[]" and candidates:
            if check_domain:
                candidates = self._filter_by_domain(candidates)
            for order in candidates:
                reasons[order].append(
                    env._(
                        "matches the conditions of %(rule)s",
                        rule=self.with_env(env).name,
                    )
                )
        return [
            (
                order,
                reasons[order] or [env._("applies to every order of the company")],
            )
            for order in candidates
        ]

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
