import { registry } from "@web/core/registry";

// Data comes from TestLowStockTour: a rule watching "Tour item", short of stock,
// is opened through its URL; the tour evaluates it and hands the alert over to
// Odoo's replenishment.
registry.category("web_tour.tours").add("sale_order_lifecycle_low_stock", {
    steps: () => [
        {
            content: "Evaluate the rule now",
            trigger: ".o_form_view button[name=action_evaluate]",
            run: "click",
        },
        {
            content: "Open the new alert",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Tour item)",
            run: "click",
        },
        {
            content: "The alert explains its figures",
            trigger: ".o_form_view .o_field_widget[name=explanation]:contains(less what is available)",
        },
        {
            content: "Create the reordering rule",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_create_orderpoints]",
            run: "click",
        },
        {
            content: "Odoo's replenishment shows it",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Tour item)",
        },
    ],
});

// Data comes from TestLowStockTour: an open alert on "Tour item". A stock user
// (no Inventory Administrator right) finds it from the Inventory menus and
// snoozes it.
registry.category("web_tour.tours").add("sale_order_lifecycle_low_stock_stock_user", {
    steps: () => [
        {
            content: "Open the Operations menu",
            trigger: '.o-dropdown[data-menu-xmlid="stock.menu_stock_warehouse_mgmt"]',
            run: "click",
        },
        {
            content: "Open the low-stock alerts",
            trigger: '.o-dropdown-item[data-menu-xmlid="sale_order_lifecycle.menu_stock_low_stock_alert"]',
            run: "click",
        },
        {
            content: "Open the alert",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Tour item)",
            run: "click",
        },
        {
            content: "Acknowledge it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_acknowledge]",
            run: "click",
        },
        {
            content: "The alert is acknowledged",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Acknowledged)",
        },
    ],
});
