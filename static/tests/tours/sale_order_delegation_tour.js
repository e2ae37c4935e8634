import { registry } from "@web/core/registry";
import { openSalesOrderActivities } from "@sale_order_lifecycle/../tests/tours/utils/activity_steps";

registry.category("web_tour.tours").add("sale_order_lifecycle_delegation_approve", {
    url: "/odoo",
    steps: () => [
        ...openSalesOrderActivities(),
        {
            content: "Open the quotation the reviewer away was asked to approve",
            trigger: ".o_data_row td[name=partner_id]:contains(Delegation Tour Customer)",
            run: "click",
        },
        {
            content: "Approve it on their behalf",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_review_approve]",
            run: "click",
        },
        {
            content: "The decision is recorded on behalf of the reviewer away",
            trigger: ".o-mail-Message-body:contains(on behalf of Alma Away)",
        },
    ],
});

registry.category("web_tour.tours").add("sale_order_lifecycle_delegation_cancel_approve", {
    url: "/odoo",
    steps: () => [
        ...openSalesOrderActivities(),
        {
            content: "Open the order whose cancellation the approver away must decide",
            trigger: ".o_data_row td[name=partner_id]:contains(Handover Tour Customer)",
            run: "click",
        },
        {
            content: "The reason of the cancellation is shown",
            trigger: ".o_form_view .o_field_widget[name=cancel_reason_id]:contains(Customer changed plans)",
        },
        {
            content: "Approve the cancellation on their behalf",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_cancel_request_approve]",
            run: "click",
        },
        {
            content: "The decision is recorded on behalf of the approver away",
            trigger: ".o-mail-Message-body:contains(on behalf of Alma Away)",
        },
    ],
});
