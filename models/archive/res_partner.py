from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _get_sale_order_domain_count(self):
        # The customer's order count includes the archived history.
        return [
            ("active", "in", (True, False)),
            *super()._get_sale_order_domain_count(),
        ]

    def action_view_sale_order(self):
        action = super().action_view_sale_order()
        action["context"] = {"active_test": False, "default_partner_id": self[:1].id}
        return action
