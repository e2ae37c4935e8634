import binascii
from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

REPORT = "sale_order_lifecycle.action_report_customer_statement_register"


class StatementCustomerPortal(CustomerPortal):
    """The page where a customer confirms or disputes a statement, reached
    from the statement's e-mail with its access token."""

    def _statement_sudo(self, statement_id, access_token):
        """The statement, as superuser, if the visitor may read it or holds its
        token; AccessError or MissingError otherwise."""
        return self._document_check_access(
            "customer.statement", statement_id, access_token=access_token
        )

    @http.route(
        ["/my/statements/<int:statement_id>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    def portal_statement_page(
        self,
        statement_id,
        access_token=None,
        report_type=None,
        download=False,
        message=None,
        **kwargs,
    ):
        try:
            statement_sudo = self._statement_sudo(statement_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=statement_sudo,
                report_type=report_type,
                report_ref=REPORT,
                download=download,
            )
        return request.render(
            "sale_order_lifecycle.customer_statement_portal_page",
            {
                "statement": statement_sudo,
                "access_token": access_token,
                "message": message,
                "error": kwargs.get("error"),
            },
        )

    @http.route(
        ["/my/statements/<int:statement_id>/confirm"],
        type="json",
        auth="public",
        website=True,
    )
    def portal_statement_confirm(
        self, statement_id, access_token=None, name=None, signature=None
    ):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            statement_sudo = self._statement_sudo(statement_id, access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("Invalid statement.")}
        if signature is not None and not isinstance(signature, str):
            return {"error": request.env._("Invalid signature data.")}
        try:
            statement_sudo._portal_confirm(name, signature=signature or None)
        except UserError as error:
            return {"error": error.args[0]}
        except (TypeError, ValueError, binascii.Error):
            return {"error": request.env._("Invalid signature data.")}
        return {
            "force_refresh": True,
            "redirect_url": statement_sudo.get_portal_url(
                query_string="&message=confirmed"
            ),
        }

    @http.route(
        ["/my/statements/<int:statement_id>/dispute"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_statement_dispute(
        self, statement_id, access_token=None, name=None, dispute_note=None, **kwargs
    ):
        try:
            statement_sudo = self._statement_sudo(statement_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            statement_sudo._portal_dispute(name, dispute_note)
        except UserError as error:
            return request.redirect(
                statement_sudo.get_portal_url(
                    query_string="&" + urlencode({"error": error.args[0]})
                )
            )
        return request.redirect(
            statement_sudo.get_portal_url(query_string="&message=disputed")
        )
