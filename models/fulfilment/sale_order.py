from markupsafe import Markup

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    delivery_tracking_refs = fields.Char(
        string="Tracking Numbers",
        compute="_compute_delivery_tracking",
        search="_search_delivery_tracking_refs",
        help="Tracking numbers of the order's deliveries, as the couriers gave them.",
    )
    delivery_tracking_html = fields.Html(
        string="Couriers and Tracking",
        compute="_compute_delivery_tracking",
        sanitize=False,
        help="Each delivery of the order with its courier and tracking number, "
        "linked to the courier's tracking page.",
    )

    @api.depends(
        "picking_ids.state",
        "picking_ids.carrier_id",
        "picking_ids.carrier_tracking_ref",
    )
    def _compute_delivery_tracking(self):
        for order in self:
            pickings = order._get_tracked_deliveries()
            order.delivery_tracking_refs = ", ".join(
                pickings.filtered("carrier_tracking_ref").mapped("carrier_tracking_ref")
            )
            order.delivery_tracking_html = (
                Markup("<ul class='list-unstyled mb-0'>%s</ul>")
                % Markup().join(map(self._delivery_tracking_line, pickings))
                if pickings
                else False
            )

    def _search_delivery_tracking_refs(self, operator, value):
        # One delivery must be outgoing and have the number.
        return [
            (
                "picking_ids",
                "any",
                [
                    ("picking_type_code", "=", "outgoing"),
                    ("carrier_tracking_ref", operator, value),
                ],
            )
        ]

    def _get_tracked_deliveries(self):
        """Outgoing deliveries of the order that have a courier or a tracking
        number, not cancelled."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda p: (
                p.picking_type_code == "outgoing"
                and p.state != "cancel"
                and (p.carrier_id or p.carrier_tracking_ref)
            )
        ).sorted("id")

    @api.model
    def _delivery_tracking_line(self, picking):
        """``<li>`` of one delivery: its name, courier and tracking number,
        linked to the courier's page when its tracking link is a web address."""
        ref = picking.carrier_tracking_ref or ""
        url = picking.carrier_tracking_url or ""
        if ref and url.startswith(("https://", "http://")):
            number = Markup(
                "<a href='%s' target='_blank' rel='noopener noreferrer'>%s</a>"
            ) % (url, ref)
        else:
            number = ref or self.env._("no tracking number yet")
        return Markup("<li>%s: %s %s</li>") % (
            picking.name,
            picking.carrier_id.name or "",
            number,
        )
