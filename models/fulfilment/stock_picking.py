from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools import notify_user, user_lang_env

OPEN_STATES = ("waiting", "confirmed", "assigned")


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    late_reported_date = fields.Datetime(
        string="Reported Late For",
        copy=False,
        readonly=True,
        # Written by the daily late-delivery check only.
        groups="base.group_system",
        help="The scheduled date of this delivery when the daily check reported "
        "it as late (past its scheduled date or its deadline). It is reported "
        "again only when it is re-scheduled and late again.",
    )

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

    def _get_late_due_date(self):
        """When the delivery should have left: the earlier of its scheduled
        date and its deadline."""
        self.ensure_one()
        dates = [date for date in (self.scheduled_date, self.date_deadline) if date]
        return min(dates) if dates else False

    def _get_late_responsibles(self, managers):
        """Who must act on this late delivery: its responsible (still active),
        else the stock managers (``managers``) of its company."""
        self.ensure_one()
        if self.user_id.active:
            return self.user_id
        return managers.filtered(lambda user: self.company_id in user.company_ids)

    @api.model
    def _cron_report_late_deliveries(self):
        """Give each person responsible for outgoing deliveries past their
        scheduled date or deadline one activity listing them, and each
        salesperson one notice listing their orders' late deliveries. A
        delivery is reported once, and again only when re-scheduled."""
        now = fields.Datetime.now()
        # Every company's deliveries, whoever runs the job; writes only the
        # reported date (a field for administrators only).
        pickings_sudo = self.sudo()
        late = pickings_sudo.search(
            [
                ("picking_type_code", "=", "outgoing"),
                ("state", "in", OPEN_STATES),
                "|",
                ("scheduled_date", "<", now),
                ("date_deadline", "<", now),
            ],
            order="scheduled_date, id",
        ).filtered(lambda p: p.late_reported_date != p.scheduled_date)
        if not late:
            return
        managers = self.env.ref("stock.group_stock_manager").users.filtered(
            lambda user: user.active and not user.share
        )
        by_responsible = defaultdict(lambda: pickings_sudo.browse())
        by_salesperson = defaultdict(lambda: pickings_sudo.browse())
        for picking in late:
            for user in picking._get_late_responsibles(managers):
                by_responsible[user] |= picking
            if picking.sale_id.user_id:
                by_salesperson[picking.sale_id.user_id] |= picking
        activity_type = self.env.ref(
            "sale_order_lifecycle.mail_activity_type_late_delivery"
        )
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("stock.picking"),
                    "res_id": pickings[0].id,
                    "activity_type_id": activity_type.id,
                    # In the language of each responsible, not of the cron.
                    "summary": user_lang_env(self.env, user)._(
                        "%(count)s late deliveries", count=len(pickings)
                    ),
                    "note": Markup("<p>%s</p>%s")
                    % (
                        user_lang_env(self.env, user)._(
                            "These deliveries are past their scheduled date or "
                            "deadline: ship them or re-schedule them."
                        ),
                        pickings.with_context(
                            lang=user.lang or "en_US"
                        )._late_deliveries_html(),
                    ),
                    "user_id": user.id,
                    "date_deadline": today,
                }
                for user, pickings in by_responsible.items()
            ]
        )
        for user, pickings in by_salesperson.items():
            user_env = user_lang_env(self.env, user)
            notify_user(
                user_env,
                user,
                user_env._("Late deliveries of your orders"),
                Markup("%s</p>%s<p>")
                % (
                    user_env._(
                        "These deliveries of your orders are past their "
                        "scheduled date or deadline; the warehouse was told."
                    ),
                    pickings.with_context(
                        lang=user.lang or "en_US"
                    )._late_deliveries_html(),
                ),
            )
        for picking in late:
            picking.late_reported_date = picking.scheduled_date

    def _late_deliveries_html(self):
        """The deliveries as a list: link, order, customer and due date."""
        return Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li>%s %s — %s, %s</li>")
            % (
                picking._get_html_link(),
                picking.sale_id.name or "",
                picking.partner_id.display_name or "",
                self.env._(
                    "due %(date)s",
                    date=format_date(self.env, picking._get_late_due_date()),
                ),
            )
            for picking in self
        )

    def _get_shipping_list_groups(self):
        """The deliveries of the shipping list by day (done, else scheduled,
        in the user's time zone) and courier: ``[(day, carrier, pickings)]``."""
        groups = defaultdict(lambda: self.browse())
        for picking in self:
            moment = (
                picking.date_done if picking.state == "done" else picking.scheduled_date
            )
            day = fields.Datetime.context_timestamp(self, moment).date()
            groups[day, picking.carrier_id] |= picking
        return [
            (
                day,
                carrier,
                pickings.sorted(lambda p: (p.partner_id.display_name or "", p.id)),
            )
            for (day, carrier), pickings in sorted(
                groups.items(), key=lambda item: (item[0][0], item[0][1].name or "")
            )
        ]
