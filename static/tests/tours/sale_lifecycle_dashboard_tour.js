import { registry } from "@web/core/registry";

// Data comes from TestLifecycleDashboardTour: a confirmed order of "Dashboard
// Late Customer" promised for last week and not delivered, and an order
// waiting for approval. A Sales Administrator opens the dashboard and drills
// from the late-deliveries tile to the order.
registry.category("web_tour.tours").add("sale_lifecycle_dashboard", {
    steps: () => [
        {
            content: "The approvals tile counts the waiting requests",
            trigger:
                ".o-dashboard-action:contains(Approvals Waiting) .o_pivot .o_pivot_cell_value",
        },
        {
            content: "Open the late order from the late-deliveries tile",
            trigger:
                ".o-dashboard-action:contains(Late Deliveries) .o_data_row:contains(Dashboard Late Customer) .o_data_cell",
            run: "click",
        },
        {
            content: "The report's record says how late, and links the order",
            trigger: ".o_form_view .o_field_widget[name=is_late] input:checked",
        },
        {
            content: "Open the order itself",
            trigger: ".o_form_view .o_field_widget[name=order_id] a",
            run: "click",
        },
        {
            content: "The sales order form is shown",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Dashboard Late Customer)",
        },
    ],
});
