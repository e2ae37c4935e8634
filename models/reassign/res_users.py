from odoo import api, models
from odoo.exceptions import AccessError

from ..tools import is_sale_manager


class ResUsers(models.Model):
    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    @api.depends_context("sale_reassign_load")
    def _compute_display_name(self):
        """With ``sale_reassign_load`` in the context (the reassignment wizard),
        show each salesperson's number of open orders to balance the load."""
        super()._compute_display_name()
        if not self.env.context.get("sale_reassign_load"):
            return
        counts = dict(
            self.env["sale.order"]._read_group(
                [
                    ("user_id", "in", self.ids),
                    *self.env["sale.order"]._get_open_orders_domain(),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        for user in self:
            user.display_name = self.env._(
                "%(name)s (%(count)s open orders)",
                name=user.display_name,
                count=counts.get(user, 0),
            )

    def action_reassign_open_sale_orders(self):
        self.ensure_one()
        if not is_sale_manager(self.env):
            raise AccessError(
                self.env._(
                    "Only a Sales Administrator can reassign someone's open orders."
                )
            )
        return self.env["sale.order.reassign.wizard"]._get_records_action(
            name=self.env._("Reassign Open Orders"),
            target="new",
            context={"default_from_user_id": self.id},
        )
