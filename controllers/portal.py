from odoo import http
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ..models.tools import MAX_NOTE_LENGTH


class LifecycleCustomerPortal(CustomerPortal):
    @http.route()
    def portal_quote_decline(
        self, order_id, access_token=None, decline_message=None, **kwargs
    ):
        """A quotation the customer declines is cancelled for the reason
        'Declined by the customer', with their message as the note."""
        reason = request.env.ref(
            "sale_order_lifecycle.cancel_reason_declined_by_customer",
            raise_if_not_found=False,
        )
        if reason and isinstance(decline_message, str):
            request.update_context(
                sale_cancel_reason_id=reason.id,
                sale_cancel_note=decline_message[:MAX_NOTE_LENGTH],
            )
        return super().portal_quote_decline(
            order_id,
            access_token=access_token,
            decline_message=decline_message,
            **kwargs,
        )
