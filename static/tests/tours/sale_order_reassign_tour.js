import { registry } from "@web/core/registry";

// Data comes from TestReassignTour: an order of "Lifecycle Customer" handled by
// Sam Salesman is opened through its URL; the tour hands it to Olga Salesman.
registry.category("web_tour.tours").add("sale_order_lifecycle_reassign", {
    steps: () => [
        {
            content: "Open the reassignment wizard",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_reassign_wizard]",
            run: "click",
        },
        {
            content: "Choose the new salesperson",
            trigger: ".modal .o_field_widget[name=user_id] input",
            run: "edit Olga",
        },
        {
            content: "The candidates show their open orders",
            trigger: ".o-autocomplete--dropdown-item:contains(Olga Salesman (0 open orders))",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Sam is on leave",
        },
        {
            content: "Reassign",
            trigger: ".modal-footer button[name=action_reassign]",
            run: "click",
        },
        {
            content: "Open the Reassignments tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Reassignments)",
            run: "click",
        },
        {
            content: "The history shows the change and its reason",
            trigger: ".o_field_widget[name=assignment_ids] .o_data_row:contains(Sam is on leave):contains(Olga Salesman)",
        },
    ],
});
