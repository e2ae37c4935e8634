from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    tracking_required = fields.Boolean(
        string="Tracking Number Required",
        help="An outgoing delivery with this courier cannot be validated "
        "without its tracking number. Carriers whose shipping connector creates "
        "the shipment (and so the number) at validation are not checked.",
    )

    def _tracking_ref_typed_by_user(self):
        """Whether the user types the tracking number, rather than a shipping
        connector creating it when the delivery is validated (see
        ``stock.picking._send_confirmation_email`` in stock_delivery)."""
        self.ensure_one()
        return (
            self.delivery_type in ("fixed", "base_on_rule")
            or self.integration_level != "rate_and_ship"
        )
