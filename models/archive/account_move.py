from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_view_source_sale_orders(self):
        # Invoices still reach their orders once these are archived.
        action = super().action_view_source_sale_orders()
        if action.get("type") == "ir.actions.act_window":
            action["context"] = {"active_test": False}
        return action
