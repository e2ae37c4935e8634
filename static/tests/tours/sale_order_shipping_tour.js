import { registry } from "@web/core/registry";

// Data comes from TestShippingHttp: an order of the salesperson whose SF
// Express delivery was validated with a tracking number. The salesperson
// finds it with the Shipped filter (the only order shipped) and reads its courier and tracking link.
registry.category("web_tour.tours").add("sale_order_lifecycle_shipping", {
    steps: () => [
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter the shipped orders",
            trigger:
                ".o_filter_menu .o_menu_item:contains(Shipped):not(:contains(Partially)):not(:contains(Not))",
            run: "click",
        },
        {
            content: "The list shows the shipping status",
            trigger:
                ".o_list_view .o_data_row .o_data_cell[name=shipping_status]:contains(Shipped)",
        },
        {
            content: "Open the shipped order, the only one",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=partner_id]:contains(Lifecycle Customer)",
            run: "click",
        },
        {
            content: "Open Other Info",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Other Info)",
            run: "click",
        },
        {
            content: "The order is shipped, by SF Express",
            trigger: ".o_form_view .o_field_widget[name=shipping_status]:contains(Shipped)",
        },
        {
            content: "The courier is shown",
            trigger: ".o_form_view .o_field_widget[name=shipping_carrier_id]:contains(SF Express)",
        },
        {
            content: "The tracking number links to the courier's page",
            trigger:
                ".o_form_view .o_field_widget[name=delivery_tracking_html] a[href*='nu=SF20261130']:contains(SF20261130)",
        },
    ],
});
