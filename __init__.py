from . import controllers
from . import models
from . import reports
from . import wizards


def uninstall_hook(env):
    """Companies that send the addon's delivery confirmation get Odoo's back."""
    env["res.company"]._fulfilment_restore_odoo_confirmation_template()
