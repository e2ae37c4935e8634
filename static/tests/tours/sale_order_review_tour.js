import { registry } from "@web/core/registry";
import { openSalesOrderActivities } from "@sale_order_lifecycle/../tests/tours/utils/activity_steps";

// Data comes from TestReviewTour: a quotation of "Review Tour Customer" that
// needs a manager's approval, opened through its URL by its salesperson.
registry.category("web_tour.tours").add("sale_order_lifecycle_review_request", {
    steps: () => [
        {
            content: "Ask for approval",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_request_review]",
            run: "click",
        },
        {
            content: "The quotation now waits for approval",
            trigger: ".o_form_view .alert-info:contains(waits for approval)",
        },
        {
            content: "Open the Review tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Review)",
            run: "click",
        },
        {
            content: "The level to decide is listed",
            trigger: ".o_form_view .o_field_widget[name=review_ids] .o_data_row:contains(Large order):contains(To Approve)",
        },
    ],
});

// The manager starts from the activity menu, as reviewers do.
registry.category("web_tour.tours").add("sale_order_lifecycle_review_approve", {
    url: "/odoo",
    steps: () => [
        ...openSalesOrderActivities(),
        {
            content: "Open the quotation to approve",
            trigger: ".o_data_row td[name=partner_id]:contains(Review Tour Customer)",
            run: "click",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_review_approve]",
            run: "click",
        },
        {
            content: "Approval confirmed the order",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
    ],
});
