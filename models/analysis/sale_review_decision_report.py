from odoo import fields, models
from odoo.tools import SQL


class SaleReviewDecisionReport(models.Model):
    _name = "sale.review.decision.report"
    _description = "Approval Decision Times"
    _auto = False
    _order = "decided_on desc"
    _rec_name = "name"

    review_id = fields.Many2one(comodel_name="sale.order.review", readonly=True)
    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Salesperson", readonly=True
    )
    rule_id = fields.Many2one(
        comodel_name="sale.review.rule", string="Review Rule", readonly=True
    )
    name = fields.Char(string="Rule", readonly=True, translate=True)
    level = fields.Integer(readonly=True, aggregator=False)
    decided_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    state = fields.Selection(
        selection=[("approved", "Approved"), ("rejected", "Rejected")],
        string="Decision",
        readonly=True,
    )
    date_pending = fields.Datetime(
        string="Waiting Since",
        readonly=True,
        help="When the level could be decided: the request, or the decision of "
        "the level before.",
    )
    decided_on = fields.Datetime(readonly=True)
    hours_to_decide = fields.Float(
        string="Hours to Decide",
        readonly=True,
        aggregator="avg",
        help="From the time the level could be decided to its decision.",
    )

    _depends = {
        "sale.order.review": [
            "order_id",
            "company_id",
            "rule_id",
            "name",
            "level",
            "state",
            "decided_by_id",
            "decided_on",
            "create_date",
        ],
        "sale.order": ["user_id"],
    }

    @property
    def _table_query(self):
        # The lines of one request are created together: same order, same
        # create_date. A level waits for the decisions of the levels below.
        return SQL(
            """
            SELECT r.id,
                   r.id AS review_id,
                   r.order_id,
                   r.company_id,
                   so.user_id,
                   r.rule_id,
                   r.name,
                   r.level,
                   r.decided_by_id,
                   r.state,
                   r.pending_since AS date_pending,
                   r.decided_on,
                   EXTRACT(EPOCH FROM r.decided_on - r.pending_since) / 3600.0
                       AS hours_to_decide
              FROM (
                  SELECT line.*,
                         COALESCE(MAX(line.decided_on) OVER (
                             PARTITION BY line.order_id, line.create_date
                             ORDER BY line.level
                             RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                         ), line.create_date) AS pending_since
                    FROM sale_order_review line
              ) r
              JOIN sale_order so ON so.id = r.order_id
             WHERE r.state IN ('approved', 'rejected') AND r.decided_on IS NOT NULL
            """
        )
