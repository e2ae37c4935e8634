import { registry } from "@web/core/registry";

// The fulfilment flow of TestFulfilmentFlowTour, one tour per persona: a
// quotation of "Flow Tour Customer" for 4 teapots, 10 in stock.

// (a) The salesperson opens the quotation, sees it can be served, confirms it.
registry.category("web_tour.tours").add("sale_order_lifecycle_flow_salesperson_confirms", {
    steps: () => [
        {
            content: "The quotations list shows the stock verdict",
            trigger:
                ".o_list_view .o_data_row:contains(Flow Tour Customer) .o_data_cell[name=availability_state]:contains(Available):not(:contains(Partially))",
        },
        {
            content: "Open the quotation",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=partner_id]:contains(Flow Tour Customer)",
            run: "click",
        },
        {
            content: "The quotation can be served from stock",
            trigger:
                ".o_form_view .o_field_widget[name=availability_state] .badge:contains(Available):not(:contains(Partially))",
        },
        {
            content: "So can its line, short by nothing",
            trigger:
                ".o_form_view .o_field_widget[name=order_line] .o_data_row:contains(Flow Tour Teapot) td[name=availability_state]:contains(Available):not(:contains(Partially))",
        },
        {
            content: "No overselling warning",
            trigger: ".o_form_view:not(:has(div[name=availability_warning]))",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "It is a sales order",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
    ],
});

// (b) The warehouse user opens the delivery from Inventory, picks the courier,
// is refused the validation without a tracking number, types it and validates.
registry.category("web_tour.tours").add("sale_order_lifecycle_flow_warehouse_ships", {
    steps: () => [
        {
            content: "Open the Operations menu of Inventory",
            trigger: '.o-dropdown[data-menu-xmlid="stock.menu_stock_warehouse_mgmt"]',
            run: "click",
        },
        {
            content: "Go to Deliveries",
            trigger: '.o-dropdown-item[data-menu-xmlid="stock.out_picking"]',
            run: "click",
        },
        {
            content: "Open the delivery of the order",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=partner_id]:contains(Flow Tour Customer)",
            run: "click",
        },
        {
            content: "It is ready",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=assigned]",
        },
        {
            content: "Open Additional Info",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Additional Info)",
            run: "click",
        },
        {
            content: "Choose the courier",
            trigger: ".o_form_view .o_field_widget[name=carrier_id] input",
            run: "edit ZTO",
        },
        {
            content: "ZTO Express",
            trigger: ".o-autocomplete--dropdown-item:contains(ZTO Express)",
            run: "click",
        },
        {
            content: "Validate without a tracking number",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "The courier requires a tracking number",
            trigger: ".modal .modal-body:contains(courier requires one):contains(ZTO Express)",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Type the tracking number",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name=carrier_tracking_ref] input",
            run: "edit ZT7302026113001",
        },
        {
            content: "Validate the delivery",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "The delivery is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
    ],
});

// (c) The salesperson opens the order again: shipped, by ZTO, with the link.
registry.category("web_tour.tours").add("sale_order_lifecycle_flow_salesperson_tracks", {
    steps: () => [
        {
            content: "The orders list shows it shipped",
            trigger:
                ".o_list_view .o_data_row:contains(Flow Tour Customer) .o_data_cell[name=shipping_status]:contains(Shipped)",
        },
        {
            content: "Open the order",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=partner_id]:contains(Flow Tour Customer)",
            run: "click",
        },
        {
            content: "Open Other Info",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Other Info)",
            run: "click",
        },
        {
            content: "The order is shipped",
            trigger: ".o_form_view .o_field_widget[name=shipping_status]:contains(Shipped)",
        },
        {
            content: "By ZTO Express",
            trigger: ".o_form_view .o_field_widget[name=shipping_carrier_id]:contains(ZTO Express)",
        },
        {
            content: "The tracking number links to the courier's page",
            trigger:
                ".o_form_view .o_field_widget[name=delivery_tracking_html] a[href*='com=zhongtong'][href*='nu=ZT7302026113001']:contains(ZT7302026113001)",
        },
    ],
});
