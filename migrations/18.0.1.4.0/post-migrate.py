from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The companies that send Odoo's delivery confirmation send the addon's,
    with the courier and the tracking number (new in 18.0.1.4.0)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._fulfilment_use_courier_confirmation_template()
