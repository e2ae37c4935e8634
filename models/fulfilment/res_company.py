from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # stock binds its default to its own function: a new company gets ours.
    stock_mail_confirmation_template_id = fields.Many2one(
        default=lambda self: self._default_courier_confirmation_template()
    )

    def _default_courier_confirmation_template(self):
        template = self.env.ref(
            "sale_order_lifecycle.mail_template_delivery_confirmation_courier",
            raise_if_not_found=False,
        )
        return template.id if template else self._default_confirmation_mail_template()

    @api.model
    def _fulfilment_use_courier_confirmation_template(self):
        """At install: the companies that send Odoo's delivery confirmation
        send the one with the courier and tracking number instead (a company
        that chose another template keeps it)."""
        odoo_template = self.env.ref(
            "stock.mail_template_data_delivery_confirmation", raise_if_not_found=False
        )
        ours = self.env.ref(
            "sale_order_lifecycle.mail_template_delivery_confirmation_courier"
        )
        # Every company, whatever the installing user may see.
        companies_sudo = self.sudo().search(
            [("stock_mail_confirmation_template_id", "in", [False, odoo_template.id])]
            if odoo_template
            else [("stock_mail_confirmation_template_id", "=", False)]
        )
        companies_sudo.stock_mail_confirmation_template_id = ours

    @api.model
    def _fulfilment_restore_odoo_confirmation_template(self):
        """At uninstall: give Odoo's delivery confirmation back to the
        companies that send ours, before it is deleted."""
        ours = self.env.ref(
            "sale_order_lifecycle.mail_template_delivery_confirmation_courier",
            raise_if_not_found=False,
        )
        odoo_template = self.env.ref(
            "stock.mail_template_data_delivery_confirmation", raise_if_not_found=False
        )
        if ours:
            # Every company, whatever the uninstalling user may see.
            self.sudo().search(
                [("stock_mail_confirmation_template_id", "=", ours.id)]
            ).stock_mail_confirmation_template_id = odoo_template
