from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def action_view_source_sale_orders(self):
        # Odoo's Sales form needs a Sales right (its quote builder reads product
        # documents): billing users and accountants see the orders of their
        # invoices in the accountant's read-only form.
        action = super().action_view_source_sale_orders()
        if action.get("type") != "ir.actions.act_window" or self.env.user.has_group(
            "sales_team.group_sale_salesman"
        ):
            return action
        form = self.env.ref("sale_order_lifecycle.sale_order_view_form_discrepancy")
        if action.get("res_id"):
            action["views"] = [(form.id, "form")]
        else:
            lists = self.env.ref(
                "sale_order_lifecycle.sale_order_view_list_discrepancy"
            )
            action["views"] = [(lists.id, "list"), (form.id, "form")]
            action["view_mode"] = "list,form"
        return action
