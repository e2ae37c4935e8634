import { registry } from "@web/core/registry";

// Data comes from TestOversellingRpc.test_tour_block_mode: a quotation of
// "Verdict Tour Customer" for 3 gadgets with none in stock, the company
// blocking overselling, opened through its URL by its salesperson.
registry.category("web_tour.tours").add("sale_order_lifecycle_availability", {
    steps: () => [
        {
            content: "The quotation shows its stock verdict",
            trigger: ".o_form_view .o_field_widget[name=availability_state] .badge:contains(Needs Replenishment)",
        },
        {
            content: "Each line explains it",
            trigger: ".o_form_view .o_field_widget[name=order_line] .o_data_row:contains(Verdict Gadget) td[name=availability_short_qty]:contains(3)",
        },
        {
            content: "The policy is announced",
            trigger: ".o_form_view .alert-warning:contains(cannot be confirmed)",
        },
        {
            content: "Try to confirm",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]:not(.o_invisible_modifier)",
            run: "click",
        },
        {
            content: "The confirmation is refused with the short line",
            trigger: ".modal .modal-body:contains(Verdict Gadget):contains(short by)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Still a quotation",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Quotation)",
        },
    ],
});
