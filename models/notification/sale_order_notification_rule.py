import ast
import logging
import threading
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, ormcache, split_every

from ..tools import QUOTATION_STATES, html_links, notify_user, user_lang_env

_logger = logging.getLogger(__name__)

# The orders named in one digest; the others are counted.
DIGEST_LINKS = 50

EVENTS = [
    ("confirmed", "Order confirmed"),
    ("approval_requested", "Approval requested"),
    ("approved", "Approved"),
    ("rejected", "Approval rejected"),
    ("cancel_requested", "Cancellation requested"),
    ("cancelled", "Cancelled"),
    ("archived", "Archived"),
    ("reassigned", "Reassigned to another salesperson"),
    ("team_reassigned", "Moved to another team only"),
    ("delivered", "Delivery validated"),
    ("paid", "Fully paid"),
    ("discrepancy", "Discrepancy found"),
]
STALLED_CONDITIONS = [
    ("quotation_not_sent", "Quotation not sent"),
    ("approved_not_confirmed", "Approved but not confirmed"),
    ("late_delivery", "Not delivered past the commitment date"),
    ("not_invoiced", "Delivered but not invoiced"),
    ("invoice_overdue", "Invoice overdue"),
    ("approval_pending", "Approval pending"),
]


class SaleOrderNotificationRule(models.Model):
    """Who hears what about sales orders: on an event of the workflow, or when
    an order stalls for a number of days. Event rules are applied by
    ``sale.order._lifecycle_notify``, stalled rules by one daily check."""

    _name = "sale.order.notification.rule"
    _inherit = ["sale.lifecycle.number.bounds.mixin"]
    _description = "Sales Order Notification Rule"
    _order = "sequence, id"
    _bounded_number_fields = frozenset({"days", "deadline_days", "sequence"})

    name = fields.Char(
        required=True,
        translate=True,
    )
    active = fields.Boolean(
        default=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to apply the rule to the orders of every company.",
    )
    trigger = fields.Selection(
        selection=[
            ("event", "On an Event"),
            ("stalled", "When an Order Stalls"),
        ],
        required=True,
        default="event",
    )
    event = fields.Selection(
        selection=EVENTS,
        index=True,
        help="Reassigned to another salesperson: the salesperson changed. Moved to "
        "another team only: the team changed and the salesperson did not.",
    )
    stalled_condition = fields.Selection(
        selection=STALLED_CONDITIONS,
        help="Quotation not sent: a draft older than the days given, neither waiting "
        "for nor holding an approval. Approved but not confirmed: since the last "
        "approval. Not delivered: the commitment date is that many days past and "
        "goods are still to deliver. Delivered but not invoiced: since the first "
        "delivery. Invoice overdue: a posted invoice unpaid that many days after "
        "its due date. Approval pending: a level waits for its reviewers that "
        "many days.",
    )
    days = fields.Integer(
        string="After (Days)",
        default=2,
        help="How long the order must stall before the reminder. Each order is "
        "reminded once per rule.",
    )
    domain = fields.Char(
        string="Apply To",
        default="[]",
        help="Only the orders matching this filter; empty: every order.",
    )
    notify_salesperson = fields.Boolean(
        string="Salesperson",
    )
    notify_team_leader = fields.Boolean(
        string="Team Leader",
    )
    notify_followers = fields.Boolean(
        string="Followers",
        help="The internal users following the order.",
    )
    notify_reviewers = fields.Boolean(
        string="Current Reviewers",
        help="The reviewers of the level the order waits for.",
    )
    user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="sale_order_notification_rule_user_rel",
        column1="rule_id",
        column2="user_id",
        string="Users",
        domain=[("share", "=", False)],
    )
    group_id = fields.Many2one(
        comodel_name="res.groups",
        help="Every user of this group who works for the order's company.",
    )
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="Customer E-mail",
        domain=[("model", "=", "sale.order")],
        help="Send this e-mail to the customer of each order as well.",
    )
    channel = fields.Selection(
        selection=[
            ("activity", "Activity"),
            ("notice", "Inbox Notice"),
            ("email", "E-mail"),
        ],
        required=True,
        default="notice",
        help="How the users hear of it: an activity with a deadline, a notice in "
        "their Odoo inbox, or an e-mail.",
    )
    deadline_days = fields.Integer(
        string="Activity Deadline (Days)",
        default=0,
        help="The activity is due this many days after it is created.",
    )
    digest = fields.Boolean(
        default=True,
        help="One message (or activity) per person listing every order of the "
        "batch, instead of one per order.",
    )
    message = fields.Text(
        translate=True,
        help="Added to the notification, e.g. what to do; each recipient reads "
        "it in their language.",
    )
    log_ids = fields.One2many(
        comodel_name="sale.order.notification.log",
        inverse_name="rule_id",
        string="Reminders Sent",
        readonly=True,
    )
    log_count = fields.Integer(
        string="Reminders",
        compute="_compute_log_count",
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    def _compute_log_count(self):
        counts = dict(
            self.env["sale.order.notification.log"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.log_count = counts.get(rule, 0)

    @api.constrains(
        "trigger",
        "event",
        "stalled_condition",
        "days",
        "deadline_days",
        "domain",
        "notify_salesperson",
        "notify_team_leader",
        "notify_followers",
        "notify_reviewers",
        "user_ids",
        "group_id",
        "mail_template_id",
    )
    def _check_rule(self):
        problems = []
        for rule in self:
            if rule.trigger == "event" and not rule.event:
                problems.append(
                    self.env._("%(rule)s: choose the event.", rule=rule.name)
                )
            if rule.trigger == "stalled" and not rule.stalled_condition:
                problems.append(
                    self.env._(
                        "%(rule)s: choose the stalled condition.", rule=rule.name
                    )
                )
            if rule.days < 0 or rule.deadline_days < 0:
                problems.append(
                    self.env._("%(rule)s: days cannot be negative.", rule=rule.name)
                )
            if not (
                rule.notify_salesperson
                or rule.notify_team_leader
                or rule.notify_followers
                or rule.notify_reviewers
                or rule.user_ids
                or rule.group_id
                or rule.mail_template_id
            ):
                problems.append(
                    self.env._(
                        "%(rule)s: choose who is notified (salesperson, team leader, "
                        "followers, reviewers, users, a group or a customer e-mail).",
                        rule=rule.name,
                    )
                )
            try:
                rule._get_domain()
            except (ValueError, SyntaxError, TypeError):
                problems.append(
                    self.env._(
                        "%(rule)s: the filter is not valid; build it with the "
                        "filter editor.",
                        rule=rule.name,
                    )
                )
        if problems:
            raise ValidationError("\n".join(problems))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        return rules

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_event_rules(self, event, companies):
        """The active rules of ``event`` for ``companies`` (or every company),
        as superuser: the rules are the company's configuration, and whoever
        triggers an event may not read them. Cached: the funnels of every
        capability ask on each call."""
        rule_ids = self._get_event_rule_ids(event)
        rules_sudo = self.sudo().browse(rule_ids)
        return rules_sudo.filtered(
            lambda rule: not rule.company_id or rule.company_id in companies
        )

    @api.model
    @ormcache("event")
    def _get_event_rule_ids(self, event):
        return tuple(
            self.sudo().search([("trigger", "=", "event"), ("event", "=", event)]).ids
        )

    def _get_domain(self):
        """The rule's filter as a domain, checked against the orders' fields."""
        self.ensure_one()
        domain = ast.literal_eval(self.domain or "[]")
        if not isinstance(domain, list):
            raise TypeError(self.domain)
        # Raises on unknown fields or operators.
        self.env["sale.order"]._where_calc(domain)
        return domain

    def _get_label(self):
        self.ensure_one()
        selection = (
            self._fields["event"]
            if self.trigger == "event"
            else self._fields["stalled_condition"]
        )
        key = self.event if self.trigger == "event" else self.stalled_condition
        return dict(selection._description_selection(self.env)).get(key, key)

    def _apply_to_orders(self, orders):
        """The orders of ``orders`` that this rule covers: company and filter,
        in one query."""
        self.ensure_one()
        orders = orders.filtered(
            lambda order: not self.company_id or order.company_id == self.company_id
        )
        domain = self._get_domain()
        if not orders or not domain:
            return orders
        found = orders.with_context(active_test=False).search(
            [("id", "in", orders.ids), *domain]
        )
        return orders.filtered(lambda order: order in found)

    def _get_recipients(self, orders):
        """``{user: orders}``: the internal users this rule tells, each with
        the orders of ``orders`` they hear of, among the orders of the
        companies they work for. Read in batch, by salesperson, team and
        company rather than by order: tens of thousands of orders may stall
        at once."""
        self.ensure_one()
        fixed = set((self.user_ids | self.group_id.users).ids)
        extra = self._get_order_recipient_ids(orders)
        groups = (
            self.env["sale.order"]
            .with_context(active_test=False)
            ._read_group(
                [("id", "in", orders.ids)],
                ["company_id", "user_id", "team_id"],
                ["id:array_agg"],
            )
        )
        candidates = set(fixed).union(*extra.values())
        for _company, salesperson, team, _ids in groups:
            candidates.update((salesperson.id, team.user_id.id))
        users = self.env["res.users"].browse(candidates - {False})
        # Each user's companies, once per user and not once per order.
        companies = {
            user.id: set(user.company_ids.ids)
            for user in users
            if user.active and not user.share
        }
        by_user = {}
        for company, salesperson, team, order_ids in groups:
            ids = set(fixed)
            if self.notify_salesperson:
                ids.add(salesperson.id)
            if self.notify_team_leader:
                ids.add(team.user_id.id)
            allowed = [uid for uid in ids if company.id in companies.get(uid, ())]
            for user_id in allowed:
                by_user.setdefault(user_id, []).extend(order_ids)
            for order_id in order_ids:
                for user_id in extra.get(order_id, ()):
                    if user_id not in allowed and company.id in companies.get(
                        user_id, ()
                    ):
                        by_user.setdefault(user_id, []).append(order_id)
        return {
            users.browse(user_id): orders.browse(order_ids)
            for user_id, order_ids in by_user.items()
        }

    def _get_order_recipient_ids(self, orders):
        """``{order id: {user id}}``: the recipients that differ order by
        order, followers and current reviewers, read in two queries."""
        self.ensure_one()
        extra = {}
        if self.notify_followers:
            followers = self.env["mail.followers"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", orders.ids),
                    ("partner_id.user_ids", "!=", False),
                ]
            )
            for follower in followers:
                extra.setdefault(follower.res_id, set()).update(
                    follower.partner_id.user_ids.ids
                )
        if self.notify_reviewers:
            reviews = self.env["sale.order.review"].search(
                [
                    ("order_id", "in", orders.ids),
                    ("state", "=", "pending"),
                    ("is_current", "=", True),
                ]
            )
            for review in reviews:
                extra.setdefault(review.order_id.id, set()).update(
                    (review.reviewer_user_ids - review.approved_user_ids).ids
                )
        return extra

    def _send(self, orders, skip_user=None):
        """Tell this rule's recipients about ``orders`` through its channel,
        and e-mail the customers when it has a template. ``skip_user``: the
        user who acted, who does not need to hear of it."""
        self.ensure_one()
        if not orders:
            return
        by_user = {
            user: user_orders
            for user, user_orders in self._get_recipients(orders).items()
            if user != skip_user
        }
        if by_user:
            getattr(self, f"_send_{self.channel}")(by_user)
        if self.mail_template_id:
            self._send_customer_mail(orders)

    def _subject(self, orders):
        return self.env._(
            "%(rule)s: %(count)s sales orders", rule=self.name, count=len(orders)
        )

    def _for_user(self, user):
        """The rule speaking the language of ``user``, who reads what it
        sends."""
        return self.with_env(user_lang_env(self.env, user))

    def _body(self, orders):
        """What happened, the orders as links (the first ones of a long
        digest: a message of thousands of links helps nobody) and the rule's
        message, in the rule's language (``_for_user``)."""
        message = Markup("<p>%s</p>") % self.message if self.message else Markup()
        # A slice is a new prefetch group: keep the batch's, so that the links
        # of a batch's orders are read together, not order by order.
        shown = orders[:DIGEST_LINKS].with_prefetch(orders._prefetch_ids)
        links = html_links(self.env, shown)
        if len(orders) > len(shown):
            links = self.env._(
                "%(orders)s and %(count)s more",
                orders=links,
                count=len(orders) - len(shown),
            )
        return (
            Markup("<p>%s</p>")
            % self.env._("%(what)s: %(orders)s", what=self._get_label(), orders=links)
            + message
        )

    def _send_activity(self, by_user):
        activity_type = self.env.ref(
            "sale_order_lifecycle.mail_activity_type_order_notification"
        )
        deadline = fields.Date.context_today(self) + timedelta(days=self.deadline_days)
        model_id = self.env["ir.model"]._get_id("sale.order")
        vals_list = []
        for user, user_orders in by_user.items():
            targets = user_orders[:1] if self.digest else user_orders
            rule = self._for_user(user)
            for order in targets:
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": order.id,
                        "activity_type_id": activity_type.id,
                        "summary": rule._subject(user_orders)
                        if self.digest
                        else rule.name,
                        "note": rule._body(user_orders if self.digest else order),
                        "user_id": user.id,
                        "date_deadline": deadline,
                    }
                )
        # The activities are the rule's, not the acting user's: the rule's
        # recipients may not write the orders.
        activities_sudo = self.env["mail.activity"].sudo()
        activities_sudo.with_context(mail_activity_quick_update=True).create(vals_list)

    def _send_notice(self, by_user):
        if self.digest:
            for user, user_orders in by_user.items():
                rule = self._for_user(user)
                notify_user(
                    rule.env,
                    user,
                    rule._subject(user_orders),
                    rule._body(user_orders),
                )
            return
        # One notice per order and language: each user reads their own.
        partners_by_order = {}
        for user, user_orders in by_user.items():
            lang = user.lang or "en_US"
            for order in user_orders:
                key = (order, lang)
                partners_by_order.setdefault(key, self.env["res.partner"])
                partners_by_order[key] |= user.partner_id
        author = self.env.user.partner_id
        if not author.email:
            author = self.env.ref("base.partner_root")
        for (order, lang), partners in partners_by_order.items():
            rule = self.with_context(lang=lang)
            # Users told about an order they may not read still get the notice.
            order_sudo = order.sudo()
            order_sudo.message_notify(
                author_id=author.id,
                email_from=author.email_formatted,
                partner_ids=partners.ids,
                subject=rule.name,
                body=rule._body(order),
            )

    def _send_email(self, by_user):
        author = self.env.company.partner_id
        vals_list = []
        for user, user_orders in by_user.items():
            groups = [user_orders] if self.digest else list(user_orders)
            rule = self._for_user(user)
            for orders in groups:
                vals_list.append(
                    {
                        "subject": rule._subject(orders) if self.digest else rule.name,
                        "body_html": rule._body(orders),
                        "email_from": author.email_formatted
                        or self.env.ref("base.partner_root").email_formatted,
                        "recipient_ids": [Command.link(user.partner_id.id)],
                        "model": False if self.digest else "sale.order",
                        "res_id": False if self.digest else orders.id,
                        "auto_delete": True,
                    }
                )
        # Rule mail is sent by the system: users may not create mail.mail.
        mails_sudo = self.env["mail.mail"].sudo().create(vals_list)
        return mails_sudo

    def _send_customer_mail(self, orders):
        # The customer's mail is the rule's, sent in the order's chatter
        # whoever triggered it.
        orders_sudo = orders.sudo()
        orders_sudo.message_post_with_source(
            self.mail_template_id, subtype_xmlid="mail.mt_comment"
        )

    # ------------------------------------------------------------------
    # Stalled orders
    # ------------------------------------------------------------------

    def _get_stalled_domain(self):
        """The orders that stalled under this rule today and were not reminded
        by it yet."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        cutoff_date = today - timedelta(days=self.days)
        cutoff = datetime.combine(cutoff_date, time.max)
        domains = {
            "quotation_not_sent": [
                ("state", "=", "draft"),
                ("review_state", "in", ("none", "rejected")),
                ("date_order", "<=", cutoff),
            ],
            "approved_not_confirmed": [
                ("state", "in", QUOTATION_STATES),
                ("review_state", "=", "approved"),
                (
                    "review_ids",
                    "not any",
                    [("is_current", "=", True), ("decided_on", ">", cutoff)],
                ),
            ],
            "late_delivery": [
                ("state", "=", "sale"),
                ("commitment_date", "<", datetime.combine(cutoff_date, time.min)),
                ("delivery_status", "in", ("pending", "started", "partial")),
            ],
            "not_invoiced": [
                ("state", "=", "sale"),
                ("delivery_status", "=", "full"),
                ("invoice_status", "=", "to invoice"),
                ("effective_date", "<=", cutoff),
            ],
            "invoice_overdue": [
                ("state", "=", "sale"),
                ("payment_status", "in", ("unpaid", "partial")),
                (
                    "order_line",
                    "any",
                    [
                        (
                            "invoice_lines.move_id",
                            "any",
                            [
                                ("move_type", "=", "out_invoice"),
                                ("state", "=", "posted"),
                                ("payment_state", "in", ("not_paid", "partial")),
                                ("invoice_date_due", "<", cutoff_date),
                            ],
                        )
                    ],
                ),
            ],
            "approval_pending": [
                ("review_state", "=", "pending"),
                (
                    "review_ids",
                    "any",
                    [
                        ("is_current", "=", True),
                        ("state", "=", "pending"),
                        ("write_date", "<=", cutoff),
                    ],
                ),
            ],
        }
        company = [("company_id", "=", self.company_id.id)] if self.company_id else []
        return [
            *company,
            *domains[self.stalled_condition],
            *self._get_domain(),
            ("notification_log_ids", "not any", [("rule_id", "=", self.id)]),
        ]

    def _log_reminders(self, order_ids):
        """Record in one statement that this rule reminds the orders of
        ``order_ids``; return those not recorded before (an order is never
        reminded twice by a rule, even by two runs at once)."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO sale_order_notification_log
                       (rule_id, order_id, company_id, sent_on,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(rule)s, o.id, o.company_id, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM sale_order o
                 WHERE o.id = ANY(%(ids)s)
                    ON CONFLICT (rule_id, order_id) DO NOTHING
             RETURNING order_id
                """,
                rule=self.id,
                now=now,
                uid=self.env.uid,
                ids=list(order_ids),
            )
        )
        logged = [row[0] for row in self.env.cr.fetchall()]
        self.env["sale.order.notification.log"].invalidate_model()
        self.env["sale.order"].invalidate_model(["notification_log_ids"])
        return logged

    @api.model
    def _cron_notify_stalled(self, batch_size=2000):
        """The daily check: for each stalled-order rule, the orders that
        stalled and were not reminded yet, in batches (one search per rule and
        batch, never per order). Each batch is logged (so never sent twice),
        committed on its own outside tests, and reported as progress. The
        rules read the orders as superuser (the job's user)."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        rules = self.search([("trigger", "=", "stalled")])
        orders_model = self.env["sale.order"].with_context(active_test=False)
        todo = {
            rule: orders_model.search(rule._get_stalled_domain()).ids for rule in rules
        }
        total = sum(len(ids) for ids in todo.values())
        done = 0
        for rule, order_ids in todo.items():
            for batch_ids in split_every(batch_size, order_ids):
                rule._send(orders_model.browse(rule._log_reminders(batch_ids)))
                done += len(batch_ids)
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                if auto_commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Stalled orders: %s reminders by %s rules", done, len(rules))
        return done
