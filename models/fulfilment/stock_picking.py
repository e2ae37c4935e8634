from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _action_done(self):
        # Every validation ends here (the Validate button, the backorder
        # wizard, batches), whoever calls it.
        self._check_tracking_ref_required()
        res = super()._action_done()
        self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        ).sale_id._lifecycle_notify("delivered")
        return res

    def _check_tracking_ref_required(self):
        """Refuse outgoing deliveries whose courier requires a tracking number
        and that have none, listing all of them at once."""
        missing = self.filtered(
            lambda p: (
                p.picking_type_code == "outgoing"
                and p.carrier_id.tracking_required
                and not (p.carrier_tracking_ref or "").strip()
                and p.carrier_id._tracking_ref_typed_by_user()
            )
        )
        if missing:
            raise UserError(
                self.env._(
                    "Enter the tracking number of these deliveries (Additional "
                    "Info, Tracking Reference) before validating them; their "
                    "courier requires one:\n%(deliveries)s",
                    deliveries="\n".join(
                        f"- {p.name} ({p.carrier_id.name})" for p in missing
                    ),
                )
            )
