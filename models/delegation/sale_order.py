from odoo import models

from ..tools import SALE_MANAGER_GROUP


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _cancel_approval_users(self):
        """The substitutes of approvers away decide in their stead, when they
        are Sales Administrators themselves (else the work stays with the
        approver)."""
        users = super()._cancel_approval_users()
        delegates = users._lifecycle_delegate(group=SALE_MANAGER_GROUP)
        substitutes = self.env["res.users"].union(*delegates.values())
        return (users | substitutes) - self.cancel_user_id

    def _cancel_approval_assignees(self):
        """The approval activity of an approver away goes to their substitute."""
        users = super()._cancel_approval_assignees()
        delegates = users._lifecycle_delegate(group=SALE_MANAGER_GROUP)
        return self.env["res.users"].union(*delegates.values()) - self.cancel_user_id
