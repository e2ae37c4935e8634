import { registry } from "@web/core/registry";

// Data comes from TestCancelReversalTour: a delivered and invoiced order, in a
// company where every salesperson may reverse and reversals need approval.
// The salesperson asks to cancel it with returns and credit notes.
registry.category("web_tour.tours").add("sale_order_lifecycle_cancel_reversal_request", {
    steps: () => [
        {
            content: "Cancel the delivered and invoiced order",
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
            content: "The wizard offers to return and credit",
            trigger: ".modal .o_field_widget[name=reverse] input",
            run: "click",
        },
        {
            content: "It says what will be reversed",
            trigger: ".modal .o_field_widget[name=reversal_info]:contains(Credit)",
        },
        {
            content: "Ask for the cancellation",
            trigger: ".modal-footer button[name=action_cancel]",
            run: "click",
        },
        {
            content: "The order waits for approval",
            trigger: ".o_form_view .alert-warning:contains(waits for)",
        },
    ],
});

// The Sales Administrator approves: the goods come back and the invoice is
// credited; the order shows both.
registry.category("web_tour.tours").add("sale_order_lifecycle_cancel_reversal_approve", {
    steps: () => [
        {
            content: "Approve the cancellation",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_cancel_request_approve]",
            run: "click",
        },
        {
            content: "The order shows its return",
            trigger: ".o_form_view button[name=action_view_cancel_returns]:contains(Returns)",
        },
        {
            content: "Open the credit note",
            trigger: ".o_form_view button[name=action_view_cancel_credit_notes]",
            run: "click",
        },
        {
            content: "The credit note is posted, numbered as a credit note",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(RINV)",
        },
    ],
});
