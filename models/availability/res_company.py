from odoo import Command, api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    sale_oversell_policy = fields.Selection(
        selection=[
            ("off", "Off"),
            ("warn", "Warn"),
            ("approval", "Require approval"),
            ("block", "Block confirmation"),
        ],
        string="Overselling",
        required=True,
        default="off",
        help="What happens when an order is confirmed with lines the stock cannot "
        "serve by their date. Warn: confirmed, with a note. Require approval: only "
        "once a review rule on the stock verdict has approved it. Block: refused. "
        "Lines replenished on order never count.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._availability_ensure_review_rule()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if vals.get("sale_oversell_policy") == "approval":
            self._availability_ensure_review_rule()
        return res

    def _availability_ensure_review_rule(self):
        """With *Require approval*, a review rule on the stock verdict, reviewed
        by the Sales Administrators, unless the company has one already."""
        companies = self.filtered(
            lambda company: company.sale_oversell_policy == "approval"
        )
        if not companies:
            return
        # The administrator choosing the setting may not manage review rules:
        # the rule is the setting's consequence.
        rules_sudo = self.env["sale.review.rule"].sudo()
        covered = rules_sudo.search(
            [("company_id", "in", companies.ids), ("stock_verdict", "=", True)]
        ).company_id
        managers = self.env.ref("sales_team.group_sale_manager")
        rules_sudo.create(
            [
                {
                    "name": self.env._("Overselling"),
                    "sequence": 5,
                    "company_id": company.id,
                    "stock_verdict": True,
                    "reviewer_group_ids": [Command.set(managers.ids)],
                }
                for company in companies - covered
            ]
        )
