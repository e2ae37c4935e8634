import threading
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import user_lang_env
from .low_stock_thresholds import LowStockThresholds

BOUNDED_NUMBER_FIELDS = frozenset({"min_qty", "min_days", "window_days", "target_days"})
# Moves not done yet that will bring or take stock: what the rules count.
PENDING_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")


class StockLowStockRule(models.Model):
    _name = "stock.low.stock.rule"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "sale.lifecycle.number.bounds.mixin",
    ]
    _description = "Low-Stock Rule"
    _order = "name, id"
    _bounded_number_fields = BOUNDED_NUMBER_FIELDS

    name = fields.Char(
        required=True,
        translate=True,
    )
    active = fields.Boolean(
        default=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    warehouse_ids = fields.Many2many(
        comodel_name="stock.warehouse",
        string="Warehouses",
        check_company=True,
        help="Leave empty for every warehouse of the company.",
    )
    scope = fields.Selection(
        selection=[
            ("all", "All storable products"),
            ("category", "Product categories"),
            ("product", "Products"),
        ],
        default="all",
        required=True,
    )
    categ_ids = fields.Many2many(
        comodel_name="product.category",
        string="Categories",
        help="Their subcategories are included.",
    )
    product_ids = fields.Many2many(
        comodel_name="product.product",
        string="Products",
        domain="[('is_storable', '=', True)]",
        check_company=True,
    )
    trigger = fields.Selection(
        selection=[
            ("min_qty", "Free quantity below"),
            ("days_of_cover", "Days of cover below"),
        ],
        default="days_of_cover",
        required=True,
    )
    min_qty = fields.Float(
        string="Minimum Quantity",
        digits="Product Unit of Measure",
        help="Alert when the free quantity (plus incoming, if counted) is below this.",
    )
    min_days = fields.Float(
        string="Minimum Days of Cover",
        default=7,
        help="Alert when the stock lasts fewer days than this at the current sales "
        "pace.",
    )
    window_days = fields.Integer(
        string="Sales Window (Days)",
        default=30,
        help="Average daily sales are measured over this many past days.",
    )
    include_incoming = fields.Boolean(
        string="Count Incoming Receipts",
        default=True,
    )
    target_days = fields.Float(
        string="Target Days of Cover",
        default=30,
        help="The replenishment suggestion brings the stock to this many days of "
        "sales.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Gets one activity per evaluation that finds new low-stock products.",
    )
    last_evaluated = fields.Datetime(
        readonly=True,
        copy=False,
    )
    alert_ids = fields.One2many(
        comodel_name="stock.low.stock.alert",
        inverse_name="rule_id",
        string="Alerts",
    )
    open_alert_count = fields.Integer(
        compute="_compute_open_alert_count",
    )

    @api.depends("alert_ids.state")
    def _compute_open_alert_count(self):
        counts = dict(
            self.env["stock.low.stock.alert"]._read_group(
                [("rule_id", "in", self.ids), ("state", "!=", "resolved")],
                ["rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.open_alert_count = counts.get(rule, 0)

    @api.constrains("trigger", "min_qty", "min_days", "window_days", "target_days")
    def _check_thresholds(self):
        for rule in self:
            if rule.window_days < 1 or rule.window_days > 3650:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: the sales window must be between 1 and 3650 days.",
                        rule=rule.name,
                    )
                )
            if min(rule.min_qty, rule.min_days, rule.target_days) < 0:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: quantities and days cannot be negative.",
                        rule=rule.name,
                    )
                )
            if rule.trigger == "days_of_cover" and not rule.min_days:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: set the minimum days of cover that raises an alert.",
                        rule=rule.name,
                    )
                )

    @api.constrains("scope", "categ_ids", "product_ids")
    def _check_scope(self):
        for rule in self:
            if (rule.scope == "category" and not rule.categ_ids) or (
                rule.scope == "product" and not rule.product_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(rule)s: choose the categories or products the rule watches.",
                        rule=rule.name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_evaluate(self):
        self.check_access("write")
        self._evaluate()
        return self.action_view_alerts()

    def action_view_alerts(self):
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_lifecycle.stock_low_stock_alert_action"
        )
        action["domain"] = [("rule_id", "in", self.ids)]
        return action

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------

    @api.model
    def _cron_evaluate(self):
        """Evaluate every active rule, one rule per batch, with progress."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        rules = self.search([])
        for done, rule in enumerate(rules, start=1):
            rule._evaluate()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(rules) - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _evaluate(self):
        """Compute the figures of every product and warehouse in scope, then
        create, update and resolve the alerts, each in one statement: a
        constant number of queries per rule, whatever the number of products
        and alerts."""
        Alert = self.env["stock.low.stock.alert"]
        # The alerts are written in SQL: check the rights the ORM would.
        Alert.check_access("create")
        Alert.check_access("write")
        now = fields.Datetime.now()
        self._lock_for_evaluation(now)
        for rule in self:
            thresholds = rule._get_thresholds()
            low = Alert._prepare_engine_values(
                {
                    key: figures
                    for key, figures in rule._compute_figures(now).items()
                    if thresholds.is_low(figures)
                },
                thresholds,
            )
            existing = {
                (alert.product_id.id, alert.warehouse_id.id): alert.id
                for alert in Alert.search_fetch(
                    [("rule_id", "=", rule.id), ("state", "!=", "resolved")],
                    ["product_id", "warehouse_id"],
                    order="id",
                )
            }
            to_update, to_create = {}, {}
            for key, values in low.items():
                if key in existing:
                    to_update[existing[key]] = values
                else:
                    to_create[key] = values
            Alert._update_figures(to_update, now)
            created = Alert._create_from_figures(rule, to_create, now)
            Alert.browse(
                [alert_id for key, alert_id in existing.items() if key not in low]
            )._resolve(now)
            rule.invalidate_recordset(["alert_ids", "open_alert_count"])
            if created and rule.user_id:
                rule._notify_new_alerts(created)

    def _lock_for_evaluation(self, now):
        """Serialize evaluations of the same rule: the second one waits for the
        first, then fails to serialize (its snapshot is stale) and is retried
        by Odoo (RPC) or left to the next cron run, instead of racing for the
        same alerts."""
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM stock_low_stock_rule WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.ids),
            ),
            # A failure to serialize is expected here and retried: not an error.
            log_exceptions=False,
        )
        self.write({"last_evaluated": now})

    def _get_thresholds(self):
        """The rule's arithmetic (figures, trigger, severity), its settings
        read once."""
        return LowStockThresholds(self)

    def _get_warehouses(self):
        return self.warehouse_ids or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)]
        )

    def _get_product_scope_sql(self):
        """SQL selecting the ids of the storable products the rule watches."""
        conditions = [
            SQL("pt.is_storable"),
            SQL("pp.active"),
            SQL("(pt.company_id IS NULL OR pt.company_id = %s)", self.company_id.id),
        ]
        if self.scope == "category":
            paths = [
                SQL("pc.parent_path LIKE %s", f"{path}%")
                for path in self.categ_ids.mapped("parent_path")
            ]
            conditions.append(
                SQL(
                    "pt.categ_id IN (SELECT pc.id FROM product_category pc WHERE %s)",
                    SQL(" OR ").join(paths),
                )
            )
        elif self.scope == "product":
            # From the relation table: reading the field would read every
            # product's active flag by batches.
            products = self._fields["product_ids"]
            conditions.append(
                SQL(
                    "pp.id IN (SELECT %s FROM %s WHERE %s = %s)",
                    SQL.identifier(products.column2),
                    SQL.identifier(products.relation),
                    SQL.identifier(products.column1),
                    self.id,
                )
            )
        return SQL(
            """SELECT pp.id FROM product_product pp
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE %s""",
            SQL(" AND ").join(conditions),
        )

    def _compute_figures(self, now):
        """Return ``{(product_id, warehouse_id): figures}`` for the rule's scope.

        On hand and reserved come from quants in the warehouse's internal
        locations; incoming from pending moves into them from elsewhere; sales
        from done moves to customer locations over the window, less customer
        returns, divided by the window's days.
        """
        self.ensure_one()
        warehouses = self._get_warehouses()
        if not warehouses:
            return {}
        rows = self._query_stock_figures(
            self._get_product_scope_sql(),
            warehouses,
            now - timedelta(days=self.window_days),
        )
        thresholds = self._get_thresholds()
        return {
            (product_id, warehouse_id): thresholds.figures(
                on_hand, free, incoming, sold
            )
            for product_id, warehouse_id, on_hand, free, incoming, sold in rows
        }

    @api.model
    def _get_free_quantities(self, products, warehouses):
        """Return ``{(product_id, warehouse_id): free quantity}``: on hand less
        reserved in the warehouse's internal locations, as the rules count it."""
        if not products or not warehouses:
            return {}
        rows = self._query_stock_figures(
            SQL("SELECT id FROM product_product WHERE id IN %s", tuple(products.ids)),
            warehouses,
            fields.Datetime.now(),
        )
        return {
            (product_id, warehouse_id): free
            for product_id, warehouse_id, _on_hand, free, _incoming, _sold in rows
        }

    @api.model
    def _get_incoming_schedule(self, products, warehouses):
        """Return ``{(product_id, warehouse_id): [(date, quantity), ...]}``,
        by date: the pending receipts the rules count as incoming (moves into
        the warehouse's internal locations from elsewhere), in the product's
        unit, at their scheduled date. One query."""
        if not products or not warehouses:
            return {}
        self._flush_stock_figures()
        self.env.cr.execute(
            SQL(
                """
                WITH internal AS (%(internal)s)
                SELECT m.product_id, l.warehouse_id, m.date, SUM(m.product_qty)::float8
                  FROM stock_move m
                  JOIN internal l ON l.id = m.location_dest_id
                 WHERE m.product_id IN %(products)s
                   AND m.state IN %(states)s
                   AND m.location_id NOT IN (SELECT id FROM internal)
                 GROUP BY m.product_id, l.warehouse_id, m.date
                 ORDER BY m.date
                """,
                internal=self._internal_locations_sql(warehouses),
                products=tuple(products.ids),
                states=PENDING_MOVE_STATES,
            )
        )
        schedule = {}
        for product_id, warehouse_id, date, qty in self.env.cr.fetchall():
            schedule.setdefault((product_id, warehouse_id), []).append((date, qty))
        return schedule

    @api.model
    def _flush_stock_figures(self):
        """Write what the figures' queries read, and only that: they also
        run inside the computation of stored fields (the stock verdicts of
        order lines), where flushing everything would compute other fields
        before these are known."""
        for model in (
            "stock.quant",
            "stock.move",
            "stock.location",
            "product.product",
            "product.template",
            "uom.uom",
        ):
            self.env[model].flush_model()

    @api.model
    def _internal_locations_sql(self, warehouses):
        """SQL selecting ``(id, warehouse_id)`` of the internal locations of
        ``warehouses``: where the rules count stock on hand and incoming."""
        return SQL(
            """SELECT id, warehouse_id FROM stock_location
                WHERE usage = 'internal' AND warehouse_id IN %s""",
            tuple(warehouses.ids),
        )

    @api.model
    def _query_stock_figures(self, products_sql, warehouses, window_start):
        """Rows ``(product_id, warehouse_id, on_hand, free, incoming, sold)``
        for the products selected by ``products_sql`` in ``warehouses``, sales
        counted from ``window_start``. One query, whatever the number of
        products: quants and moves are joined to the products (a hash join on a
        large catalogue, an index lookup on a few products) and aggregated
        once per product and warehouse."""
        self._flush_stock_figures()
        self.env.cr.execute(
            SQL(
                """
                WITH products AS (%(products)s),
                internal AS (%(internal)s),
                figures AS (
                    SELECT product_id, warehouse_id, SUM(on_hand) AS on_hand,
                           SUM(free) AS free, SUM(incoming) AS incoming,
                           SUM(sold) AS sold
                      FROM (
                        SELECT q.product_id, l.warehouse_id, q.quantity AS on_hand,
                               q.quantity - q.reserved_quantity AS free,
                               0 AS incoming, 0 AS sold
                          FROM stock_quant q
                          JOIN internal l ON l.id = q.location_id
                          JOIN products p ON p.id = q.product_id
                         UNION ALL
                        SELECT m.product_id, l.warehouse_id, 0, 0, m.product_qty, 0
                          FROM stock_move m
                          JOIN internal l ON l.id = m.location_dest_id
                          JOIN products p ON p.id = m.product_id
                         WHERE m.state IN %(states)s
                           AND m.location_id NOT IN (SELECT id FROM internal)
                         UNION ALL
                        SELECT m.product_id, l.warehouse_id, 0, 0, 0,
                               CASE WHEN dest.usage = 'customer'
                                    THEN m.product_qty ELSE -m.product_qty END
                          FROM stock_move m
                          JOIN stock_location src ON src.id = m.location_id
                          JOIN stock_location dest ON dest.id = m.location_dest_id
                          JOIN internal l ON l.id = CASE WHEN dest.usage = 'customer'
                                                         THEN m.location_id
                                                         ELSE m.location_dest_id END
                          JOIN products p ON p.id = m.product_id
                         WHERE m.state = 'done'
                           AND m.date >= %(window_start)s
                           AND (dest.usage = 'customer' OR src.usage = 'customer')
                      ) AS quantities
                     GROUP BY product_id, warehouse_id
                )
                SELECT p.id, w.id,
                       COALESCE(f.on_hand, 0)::float8, COALESCE(f.free, 0)::float8,
                       COALESCE(f.incoming, 0)::float8,
                       GREATEST(COALESCE(f.sold, 0), 0)::float8
                  FROM products p
                 CROSS JOIN stock_warehouse w
                  LEFT JOIN figures f ON f.product_id = p.id AND f.warehouse_id = w.id
                 WHERE w.id IN %(warehouses)s
                """,
                products=products_sql,
                internal=self._internal_locations_sql(warehouses),
                states=PENDING_MOVE_STATES,
                warehouses=tuple(warehouses.ids),
                window_start=window_start,
            )
        )
        return self.env.cr.fetchall()

    def _notify_new_alerts(self, alerts):
        """One digest activity for the responsible, whatever the number, in
        the responsible's language (the cron's is nobody's)."""
        self.ensure_one()
        env = user_lang_env(self.env, self.user_id)
        lines = Markup("").join(
            Markup("<li>%s</li>") % alert.display_name
            for alert in alerts[:20].with_env(env)
        )
        more = len(alerts) - 20
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            env._("%(count)s products newly low on stock.", count=len(alerts)),
            lines,
        )
        if more > 0:
            note += Markup("<p>%s</p>") % env._("And %(count)s more.", count=more)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=env._("Low stock: %(count)s new alerts", count=len(alerts)),
            note=note,
            user_id=self.user_id.id,
        )
