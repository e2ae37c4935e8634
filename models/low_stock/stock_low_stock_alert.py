from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_round

from .low_stock_thresholds import FIGURES

# What the engine writes on each alert besides the dates.
ENGINE_FIELDS = (*FIGURES, "severity")


class StockLowStockAlert(models.Model):
    _name = "stock.low.stock.alert"
    _description = "Low-Stock Alert"
    _order = "severity desc, days_of_cover, id desc"

    rule_id = fields.Many2one(
        comodel_name="stock.low.stock.rule",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="rule_id.company_id",
        store=True,
        index=True,
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    categ_id = fields.Many2one(
        related="product_id.categ_id",
        store=True,
    )
    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    uom_id = fields.Many2one(
        related="product_id.uom_id",
    )
    qty_on_hand = fields.Float(
        string="On Hand",
        digits="Product Unit of Measure",
        readonly=True,
    )
    qty_free = fields.Float(
        string="Free",
        digits="Product Unit of Measure",
        readonly=True,
        help="On hand less what is reserved for deliveries.",
    )
    qty_incoming = fields.Float(
        string="Incoming",
        digits="Product Unit of Measure",
        readonly=True,
    )
    daily_sales = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="Delivered to customers, less their returns, over the rule's window, "
        "per day.",
    )
    days_of_cover = fields.Float(
        digits=(16, 1),
        readonly=True,
        help="How many days the free (and incoming) stock lasts at the daily sales.",
    )
    qty_suggested = fields.Float(
        string="Suggested Quantity",
        digits="Product Unit of Measure",
        readonly=True,
    )
    severity = fields.Selection(
        selection=[("warning", "Warning"), ("critical", "Critical")],
        compute="_compute_severity",
        store=True,
        help="Critical: nothing free left, or less than half the rule's threshold.",
    )
    state = fields.Selection(
        selection=[
            ("open", "Open"),
            ("acknowledged", "Acknowledged"),
            ("resolved", "Resolved"),
        ],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    first_seen = fields.Datetime(
        readonly=True,
    )
    last_evaluated = fields.Datetime(
        readonly=True,
    )
    resolved_on = fields.Datetime(
        readonly=True,
    )
    explanation = fields.Text(
        compute="_compute_explanation",
    )

    def init(self):
        # At most one alert not resolved per rule, product and warehouse, even
        # under concurrent evaluations.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS stock_low_stock_alert_open_uniq "
                "ON stock_low_stock_alert (rule_id, product_id, warehouse_id) "
                "WHERE state != 'resolved'"
            )
        )

    @api.depends(
        "qty_free",
        "days_of_cover",
        "qty_incoming",
        "rule_id.trigger",
        "rule_id.min_qty",
        "rule_id.min_days",
        "rule_id.include_incoming",
    )
    def _compute_severity(self):
        thresholds = {}
        for alert in self:
            rule = alert.rule_id
            if rule not in thresholds:
                thresholds[rule] = rule._get_thresholds()
            alert.severity = thresholds[rule].severity(
                {name: alert[name] for name in FIGURES}
            )

    @api.depends(*FIGURES)
    def _compute_explanation(self):
        for alert in self:
            rule = alert.rule_id
            digits = alert.uom_id.rounding or 0.01

            def qty(value, digits=digits):
                return float_round(value, precision_rounding=digits)

            lines = [
                self.env._(
                    "Free %(free)s = on hand %(on_hand)s less reserved %(reserved)s.",
                    free=qty(alert.qty_free),
                    on_hand=qty(alert.qty_on_hand),
                    reserved=qty(alert.qty_on_hand - alert.qty_free),
                ),
                self.env._(
                    "Incoming: %(incoming)s%(counted)s.",
                    incoming=qty(alert.qty_incoming),
                    counted=""
                    if rule.include_incoming
                    else self.env._(" (not counted)"),
                ),
            ]
            if alert.daily_sales:
                lines.append(
                    self.env._(
                        "Sold %(sold)s in the last %(days)s days: %(daily)s a day; the "
                        "stock lasts %(cover)s days.",
                        sold=qty(alert.daily_sales * rule.window_days),
                        days=rule.window_days,
                        daily=round(alert.daily_sales, 2),
                        cover=round(alert.days_of_cover, 1),
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "No sales in the last %(days)s days: no days of cover.",
                        days=rule.window_days,
                    )
                )
            lines.append(
                self.env._(
                    "Suggested %(suggested)s: enough for %(target)s days of "
                    "sales%(minimum)s, less what is available.",
                    suggested=qty(alert.qty_suggested),
                    target=rule.target_days,
                    minimum=self.env._(" and the minimum of %(min)s", min=rule.min_qty)
                    if rule.trigger == "min_qty"
                    else "",
                )
            )
            alert.explanation = "\n".join(lines)

    @api.depends("product_id", "warehouse_id")
    def _compute_display_name(self):
        for alert in self:
            alert.display_name = (
                f"{alert.product_id.display_name} ({alert.warehouse_id.code})"
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        """Snooze: the alert leaves the open alerts and stays acknowledged
        until the product recovers (the next evaluation resolves it). Alerts
        are the warehouse's work: stock users may, without write access to
        the alerts' figures."""
        self.check_access("read")
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._("Only Inventory users can acknowledge low-stock alerts.")
            )
        # Only the state changes; stock users may not write the figures.
        alerts_sudo = self.sudo().filtered(lambda alert: alert.state == "open")
        alerts_sudo.write({"state": "acknowledged"})
        return True

    def action_create_orderpoints(self):
        """Hand the suggestions to Odoo's replenishment: create or update a
        manual reordering rule per product and warehouse."""
        self.check_access("write")
        alerts = self.filtered(lambda alert: alert.state != "resolved")
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        existing = Orderpoint.search(
            [
                ("product_id", "in", alerts.product_id.ids),
                ("warehouse_id", "in", alerts.warehouse_id.ids),
                ("location_id", "in", alerts.warehouse_id.lot_stock_id.ids),
            ]
        )
        by_key = {(op.product_id, op.warehouse_id): op for op in existing}
        to_create = []
        for alert in alerts:
            minimum, maximum = alert._get_orderpoint_quantities()
            orderpoint = by_key.get((alert.product_id, alert.warehouse_id))
            if orderpoint:
                orderpoint.write(
                    {"product_min_qty": minimum, "product_max_qty": maximum}
                )
            else:
                to_create.append(
                    {
                        "product_id": alert.product_id.id,
                        "warehouse_id": alert.warehouse_id.id,
                        "location_id": alert.warehouse_id.lot_stock_id.id,
                        "company_id": alert.warehouse_id.company_id.id,
                        "trigger": "manual",
                        "product_min_qty": minimum,
                        "product_max_qty": maximum,
                    }
                )
        orderpoints = Orderpoint.create(to_create) | existing
        alerts.filtered(lambda alert: alert.state == "open").write(
            {"state": "acknowledged"}
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_orderpoint_replenish"
        )
        action["domain"] = [("id", "in", orderpoints.ids)]
        action["context"] = {"search_default_filter_to_reorder": False}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_orderpoint_quantities(self):
        """Reorder at the rule's threshold, up to the target cover."""
        self.ensure_one()
        rule = self.rule_id
        if rule.trigger == "min_qty":
            minimum = rule.min_qty
        else:
            minimum = rule.min_days * self.daily_sales
        maximum = max(minimum, rule.target_days * self.daily_sales)
        rounding = self.uom_id.rounding or 0.01
        return (
            float_round(minimum, precision_rounding=rounding),
            float_round(maximum, precision_rounding=rounding),
        )

    # The engine writes alerts in SQL, each step in one statement whatever the
    # number of alerts (the ORM would insert and update them by hundreds and
    # round every figure through the decimal precision cache), with the values
    # the ORM would store: figures rounded to their digits and the severity.

    @api.model
    def _prepare_engine_values(self, figures_by_key, thresholds):
        """Return ``{key: values}``: the figures rounded to their fields' digits
        and the severity they give."""
        digits = {name: self._fields[name].get_digits(self.env)[1] for name in FIGURES}
        prepared = {}
        for key, figures in figures_by_key.items():
            values = {
                name: float_round(figures[name], precision_digits=digits[name])
                for name in FIGURES
            }
            values["severity"] = thresholds.severity(values)
            prepared[key] = values
        return prepared

    @api.model
    def _engine_arrays(self, values_list):
        """One array per field of ``ENGINE_FIELDS``, for ``unnest()``."""
        return SQL(", ").join(
            SQL(
                "%s::varchar[]" if name == "severity" else "%s::numeric[]",
                [values[name] for values in values_list],
            )
            for name in ENGINE_FIELDS
        )

    @api.model
    def _create_from_figures(self, rule, values_by_key, now):
        """Insert the open alerts of ``rule`` for ``{(product_id,
        warehouse_id): values}`` in one statement and return them."""
        if not values_by_key:
            return self.browse()
        columns = SQL(", ").join(SQL.identifier(name) for name in ENGINE_FIELDS)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO stock_low_stock_alert (
                       rule_id, company_id, product_id, categ_id, warehouse_id,
                       state, first_seen, last_evaluated, create_uid, create_date,
                       write_uid, write_date, %(columns)s)
                SELECT %(rule)s, %(company)s, v.product_id, pt.categ_id,
                       v.warehouse_id, 'open', %(now)s, %(now)s, %(uid)s, %(now)s,
                       %(uid)s, %(now)s, %(v_columns)s
                  FROM unnest(%(products)s::int[], %(warehouses)s::int[], %(arrays)s)
                       AS v(product_id, warehouse_id, %(columns)s)
                  JOIN product_product pp ON pp.id = v.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
             RETURNING id
                """,
                columns=columns,
                v_columns=SQL(", ").join(
                    SQL.identifier("v", name) for name in ENGINE_FIELDS
                ),
                rule=rule.id,
                company=rule.company_id.id,
                products=[product_id for product_id, _warehouse in values_by_key],
                warehouses=[warehouse_id for _product, warehouse_id in values_by_key],
                arrays=self._engine_arrays(list(values_by_key.values())),
                now=now,
                uid=self.env.uid,
            )
        )
        return self.browse(sorted(alert_id for (alert_id,) in self.env.cr.fetchall()))

    @api.model
    def _update_figures(self, values_by_id, now):
        """Write new figures and severities on many alerts in one statement."""
        if not values_by_id:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_low_stock_alert a
                   SET %(assignments)s, last_evaluated = %(now)s,
                       write_date = %(now)s, write_uid = %(uid)s
                  FROM unnest(%(ids)s::int[], %(arrays)s) AS v(id, %(columns)s)
                 WHERE a.id = v.id
                """,
                assignments=SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(name), SQL.identifier("v", name))
                    for name in ENGINE_FIELDS
                ),
                columns=SQL(", ").join(SQL.identifier(name) for name in ENGINE_FIELDS),
                ids=list(values_by_id),
                arrays=self._engine_arrays(list(values_by_id.values())),
                now=now,
                uid=self.env.uid,
            )
        )
        self.browse(list(values_by_id)).invalidate_recordset(
            [*ENGINE_FIELDS, "last_evaluated", "write_date", "write_uid"]
        )

    def _resolve(self, now):
        """Resolve the alerts in one statement."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_low_stock_alert
                   SET state = 'resolved', resolved_on = %(now)s,
                       last_evaluated = %(now)s, write_date = %(now)s,
                       write_uid = %(uid)s
                 WHERE id = ANY(%(ids)s)
                """,
                ids=list(self.ids),
                now=now,
                uid=self.env.uid,
            )
        )
        self.invalidate_recordset(
            ["state", "resolved_on", "last_evaluated", "write_date", "write_uid"]
        )
