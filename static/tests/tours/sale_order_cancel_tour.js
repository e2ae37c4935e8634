import { registry } from "@web/core/registry";

// Data comes from TestCancelTour: a confirmed order, not delivered, is opened
// through its URL; the tour cancels it with a reason.
registry.category("web_tour.tours").add("sale_order_lifecycle_cancel", {
    steps: () => [
        {
            content: "Cancel the order",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_cancel]",
            run: "click",
        },
        {
            content: "The wizard asks for a reason",
            trigger: ".modal .o_field_widget[name=reason_id] input",
            run: "edit Duplicate",
        },
        {
            content: "Choose 'Duplicate order'",
            trigger: ".o-autocomplete--dropdown-item:contains(Duplicate order)",
            run: "click",
        },
        {
            content: "Add a note",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Entered twice by the customer",
        },
        {
            content: "Confirm the cancellation",
            trigger: ".modal-footer button[name=action_cancel]",
            run: "click",
        },
        {
            content: "Open Other Info",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Other Info)",
            run: "click",
        },
        {
            content: "The order shows why it was cancelled",
            trigger: ".o_form_view .o_field_widget[name=cancel_reason_id]:contains(Duplicate order)",
        },
    ],
});
