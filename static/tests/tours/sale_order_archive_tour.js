import { registry } from "@web/core/registry";

// Data comes from TestArchiveTour: a finished order of "Lifecycle Customer" is
// opened through its URL; the tour archives it and finds it in the history.
registry.category("web_tour.tours").add("sale_order_lifecycle_archive", {
    steps: () => [
        {
            content: "The finished order is open and active",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Lifecycle Customer)",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Archive",
            trigger: ".o-dropdown-item:contains(Archive)",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The form shows the Archived ribbon",
            trigger: ".o_form_view .ribbon:contains(Archived)",
        },
        {
            content: "Open the Orders menu",
            trigger: '.o-dropdown[data-menu-xmlid="sale.sale_order_menu"]',
            run: "click",
        },
        {
            content: "Go to Order History",
            trigger: '.o-dropdown-item[data-menu-xmlid="sale_order_lifecycle.menu_sale_order_history"]',
            run: "click",
        },
        {
            content: "The archived order is listed in the history",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Lifecycle Customer)",
        },
    ],
});
