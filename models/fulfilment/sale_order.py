from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.sql import column_exists

from . import shipping_columns


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
    shipping_status = fields.Selection(
        selection=[
            ("not_shipped", "Not Shipped"),
            ("partial", "Partially Shipped"),
            ("shipped", "Shipped"),
            ("late", "Delivered Late"),
        ],
        compute="_compute_shipping_status",
        store=True,
        index=True,
        help="From the order's outgoing deliveries (cancelled ones left out): "
        "Not Shipped while none is done; Partially Shipped while some are done "
        "and others still open; Shipped when all are done, the last one by the "
        "promised date (the commitment date, else the date expected from the "
        "products' lead times); Delivered Late when it was done after it. Empty "
        "for orders with nothing to deliver.",
    )
    shipping_carrier_id = fields.Many2one(
        comodel_name="delivery.carrier",
        string="Courier",
        compute="_compute_shipping_status",
        store=True,
        index="btree_not_null",
        help="The courier of the order's latest delivery that has one.",
    )

    # ------------------------------------------------------------------
    # Schema
    # ------------------------------------------------------------------

    def _auto_init(self):
        # On a long history the ORM would read every order's deliveries to
        # compute these columns: SQL fills them when they are created.
        if not column_exists(self.env.cr, self._table, "shipping_status"):
            shipping_columns.fill(self.env.cr)
        return super()._auto_init()

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

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

    @api.depends(
        "commitment_date",
        "date_order",
        "picking_policy",
        "order_line.customer_lead",
        "order_line.display_type",
        "picking_ids.state",
        "picking_ids.date_done",
        "picking_ids.carrier_id",
        "picking_ids.picking_type_id",
    )
    def _compute_shipping_status(self):
        # The SQL of shipping_columns.fill computes the same at install.
        for order in self:
            deliveries = order.picking_ids.filtered(
                lambda p: p.picking_type_id.code == "outgoing" and p.state != "cancel"
            ).sorted("id")
            done = deliveries.filtered(lambda p: p.state == "done")
            order.shipping_carrier_id = deliveries.filtered("carrier_id")[
                -1:
            ].carrier_id
            if not deliveries:
                order.shipping_status = False
            elif not done:
                order.shipping_status = "not_shipped"
            elif done != deliveries:
                order.shipping_status = "partial"
            else:
                promise = order._get_shipping_promise_date()
                last_done = max(done.mapped("date_done"))
                # By day (UTC): done on the promised day is on time.
                order.shipping_status = (
                    "late"
                    if promise and last_done.date() > promise.date()
                    else "shipped"
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

    def _get_shipping_promise_date(self):
        """The date the order promised its goods: the commitment date, else
        the order date plus the lines' lead time (the longest when the order
        ships at once, the shortest otherwise), as the Order Lifecycle report
        counts it."""
        self.ensure_one()
        if self.commitment_date:
            return self.commitment_date
        leads = self.order_line.filtered(lambda line: not line.display_type).mapped(
            "customer_lead"
        )
        if not leads or not self.date_order:
            return False
        lead = max(leads) if self.picking_policy == "one" else min(leads)
        return self.date_order + timedelta(days=lead)

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
