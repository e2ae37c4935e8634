from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    sale_oversell_policy = fields.Selection(
        related="company_id.sale_oversell_policy",
        readonly=False,
    )
