from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class StockShippingListWizard(models.TransientModel):
    _name = "stock.shipping.list.wizard"
    _description = "Shipping List"

    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Deliveries done on this day, and those still open scheduled on it.",
    )
    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse",
        required=True,
        default=lambda self: self.env["stock.warehouse"].search(
            [("company_id", "in", self.env.companies.ids)], limit=1
        ),
        check_company=True,
    )
    carrier_id = fields.Many2one(
        comodel_name="delivery.carrier",
        string="Courier",
        help="Empty: every courier, and deliveries without one.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        related="warehouse_id.company_id",
    )

    def action_print(self):
        self.ensure_one()
        pickings = self._get_pickings()
        if not pickings:
            raise UserError(
                self.env._(
                    "No delivery of %(warehouse)s leaves on %(date)s (courier: "
                    "%(courier)s): choose another day, warehouse or courier.",
                    warehouse=self.warehouse_id.name,
                    date=format_date(self.env, self.date),
                    courier=self.carrier_id.name or self.env._("any"),
                )
            )
        return self.env.ref(
            "sale_order_lifecycle.action_report_shipping_list"
        ).report_action(pickings)

    def _get_pickings(self):
        """The warehouse's outgoing deliveries of the day (in the user's time
        zone): done that day, or not done and scheduled that day."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        start = tz.localize(datetime.combine(self.date, time.min))
        start = start.astimezone(pytz.utc).replace(tzinfo=None)
        end = start + timedelta(days=1)
        domain = [
            ("picking_type_id.warehouse_id", "=", self.warehouse_id.id),
            ("picking_type_code", "=", "outgoing"),
            "|",
            "&",
            ("state", "=", "done"),
            "&",
            ("date_done", ">=", start),
            ("date_done", "<", end),
            "&",
            ("state", "not in", ("done", "cancel", "draft")),
            "&",
            ("scheduled_date", ">=", start),
            ("scheduled_date", "<", end),
        ]
        if self.carrier_id:
            domain.append(("carrier_id", "=", self.carrier_id.id))
        return self.env["stock.picking"].search(domain)
