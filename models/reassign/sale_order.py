from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import (
    QUOTATION_STATES,
    html_links,
    is_sale_manager,
    notify_user,
    text_to_html,
    user_lang_env,
)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    assignment_ids = fields.One2many(
        comodel_name="sale.order.assignment",
        inverse_name="order_id",
        string="Reassignments",
    )

    previous_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sale_order_previous_user_rel",
        column1="order_id",
        column2="user_id",
        string="Former Salespersons",
        copy=False,
        readonly=True,
        help="Salespersons who handled the order before; they keep read access.",
    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_reassign_wizard(self):
        self._check_can_reassign()
        return self.env["sale.order.reassign.wizard"]._get_records_action(
            name=self.env._("Reassign Orders"),
            target="new",
            context={"default_order_ids": self.ids},
        )

    # ------------------------------------------------------------------
    # Write steps
    # ------------------------------------------------------------------

    @api.model
    def _get_lifecycle_protected_fields(self):
        how = self.env._("by reassigning the order")
        return {
            **super()._get_lifecycle_protected_fields(),
            **dict.fromkeys(("previous_user_ids", "assignment_ids"), how),
        }

    def _reassign_check_vals(self, vals_list):
        """Step of ``create`` and ``write``: a salesperson is an internal user
        of the order's company (a portal user would be given the order)."""
        user_ids = {vals["user_id"] for vals in vals_list if vals.get("user_id")}
        if self.env.su or not user_ids:
            return
        if not all(
            isinstance(uid, int) and not isinstance(uid, bool) for uid in user_ids
        ):
            raise ValidationError(
                self.env._("Give the salesperson by their user id (a number).")
            )
        companies = self.company_id | self.env["res.company"].browse(
            vals["company_id"] for vals in vals_list if vals.get("company_id")
        )
        # Salespersons may not read every user's companies: only this yes/no.
        users_sudo = self.env["res.users"].sudo().browse(user_ids).exists()
        wrong = users_sudo.filtered(
            lambda user: (
                user.share or not (companies or self.env.company) <= user.company_ids
            )
        )
        if wrong or len(users_sudo) != len(user_ids):
            raise ValidationError(
                self.env._(
                    "The salesperson must be an internal user of the order's "
                    "company: %(users)s cannot be.",
                    users=", ".join(wrong.mapped("name")) or self.env._("unknown user"),
                )
            )

    def _reassign_prepare_write(self, vals):
        """Step of ``write``: remember who handled the orders when the
        salesperson or team changes. Return the records to write with and the
        former ``{order: (user, team)}`` (None when nothing changes hands)."""
        if "user_id" not in vals and "team_id" not in vals:
            return self, None
        handlers = {order: (order.user_id, order.team_id) for order in self}
        # Odoo's "you have been assigned" mail goes once per order: our notice
        # replaces it with one digest per person. A pure reassignment is told in
        # the chatter by our note instead of field tracking.
        records = self.with_context(
            mail_auto_subscribe_no_notify=True,
            mail_notrack=vals.keys() <= {"user_id", "team_id"},
        )
        return records, handlers

    def _reassign_post_write(self, handlers):
        """Step of ``write``: history and notices of the orders that changed
        hands."""
        if handlers:
            self._log_reassignments(handlers)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_open_orders_domain(self):
        """Orders still being worked on: quotations and confirmed orders that
        are neither locked, cancelled nor archived."""
        return [("state", "in", (*QUOTATION_STATES, "sale")), ("locked", "=", False)]

    def _check_can_reassign(self):
        """Salespersons reassign their own orders; Sales Administrators any.
        Cancelled and archived orders keep their history as it is."""
        if not is_sale_manager(self.env):
            others = self.filtered(lambda order: order.user_id != self.env.user)
            if others:
                raise AccessError(
                    self.env._(
                        "Only a Sales Administrator can reassign orders handled by "
                        "someone else: %(orders)s",
                        orders=", ".join(
                            f"{order.name} ({order.user_id.name or '-'})"
                            for order in others
                        ),
                    )
                )
        problems = []
        for order in self:
            if not order.active:
                problems.append(self.env._("%(order)s is archived", order=order.name))
            elif order.state == "cancel":
                problems.append(self.env._("%(order)s is cancelled", order=order.name))
        if problems:
            raise UserError(
                self.env._(
                    "Nothing was reassigned; these orders cannot be:\n%(list)s",
                    list="\n".join(f"- {problem}" for problem in problems),
                )
            )

    def _log_reassignments(self, handlers):
        """Record the history of the orders whose salesperson or team changed
        (``handlers``: {order: (user, team) before}) and tell the people."""
        # The history is the workflow's: users do not create its rows.
        assignments_sudo = (
            self.env["sale.order.assignment"]
            .sudo()
            .create(
                [
                    {
                        "order_id": order.id,
                        "from_user_id": user.id,
                        "to_user_id": order.user_id.id,
                        "from_team_id": team.id,
                        "to_team_id": order.team_id.id,
                        "reason": self.env.context.get("sale_reassign_reason"),
                    }
                    for order, (user, team) in handlers.items()
                    if (user, team) != (order.user_id, order.team_id)
                ]
            )
        )
        if assignments_sudo:
            orders = assignments_sudo.order_id.with_env(self.env)
            orders._apply_reassignment(assignments_sudo)

    def _apply_reassignment(self, assignments):
        """History, chatter notes, followers, activities and notifications of a
        reassignment, grouped by person rather than by order.

        Runs as superuser: the rights were checked on the write itself, and a
        salesperson who hands over an own order can no longer write it.
        """
        orders_sudo = self.sudo()
        orders_sudo._lifecycle_log(
            {row.order_id.id: row._get_summary_html() for row in assignments},
            "sale_order_lifecycle.mt_order_reassigned",
        )
        moved = assignments.filtered(lambda row: row.from_user_id != row.to_user_id)
        moved.order_id.with_env(self.env)._lifecycle_notify("reassigned")
        team_only = (assignments - moved).order_id.with_env(self.env)
        team_only._lifecycle_notify("team_reassigned")
        for from_user in moved.from_user_id:
            rows = moved.filtered(lambda row, user=from_user: row.from_user_id == user)
            orders_sudo = rows.order_id.sudo()
            orders_sudo.write({"previous_user_ids": [Command.link(from_user.id)]})
        activities_sudo = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", moved.order_id.ids),
                    ("user_id", "in", moved.from_user_id.ids),
                ]
            )
        )
        # The reason is the user's plain text, checked by the history row.
        reason = assignments[:1].reason
        note = text_to_html(reason)
        notify = self.env.context.get("sale_reassign_notify", True)
        for to_user in moved.to_user_id:
            rows = moved.filtered(lambda row, user=to_user: row.to_user_id == user)
            to_orders_sudo = rows.order_id.sudo()
            to_orders_sudo.message_subscribe(partner_ids=to_user.partner_id.ids)
            activities_sudo.filtered(
                lambda act, ids=set(to_orders_sudo.ids): act.res_id in ids
            ).with_context(mail_activity_quick_update=True).write(
                {"user_id": to_user.id}
            )
            if to_user == self.env.user:
                continue
            to_orders_sudo.with_context(
                mail_activity_quick_update=True
            ).activity_schedule(
                "sale_order_lifecycle.mail_activity_type_order_reassigned",
                note=note,
                user_id=to_user.id,
            )
            if notify:
                user_env = user_lang_env(self.env, to_user)
                notify_user(
                    user_env,
                    to_user,
                    user_env._("Sales orders reassigned"),
                    user_env._(
                        "Orders reassigned to you: %(orders)s",
                        orders=html_links(user_env, to_orders_sudo),
                    ),
                )
        if notify:
            for from_user in moved.from_user_id - self.env.user:
                rows = moved.filtered(
                    lambda row, user=from_user: row.from_user_id == user
                )
                user_env = user_lang_env(self.env, from_user)
                notify_user(
                    user_env,
                    from_user,
                    user_env._("Sales orders reassigned"),
                    user_env._(
                        "Orders you handled were reassigned: %(orders)s. You can still "
                        "follow them (read only).",
                        orders=html_links(user_env, rows.order_id),
                    ),
                )
