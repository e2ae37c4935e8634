import { registry } from "@web/core/registry";

// Each tour is run by TestPersonaTours as a user holding only that persona's
// groups.

// The salesperson: the quotation needs approval, so the form offers no
// sending; they request approval, then hand their own order to a colleague.
registry.category("web_tour.tours").add("sale_order_lifecycle_persona_salesperson", {
    steps: () => [
        {
            content: "Approval is needed: nothing to send yet",
            trigger: ".o_form_view .o_statusbar_buttons:has(button[name=action_request_review]):not(:has(button[name=action_quotation_send]))",
        },
        {
            content: "Ask for approval",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_request_review]",
            run: "click",
        },
        {
            content: "The form says it is under review, and offers no confirmation",
            trigger: ".o_form_view:has(.ribbon:contains(Under Review)) .o_statusbar_buttons:not(:has(button[name=action_confirm]))",
        },
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
            content: "Pick her",
            trigger: ".o-autocomplete--dropdown-item:contains(Olga Salesman)",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Customer moved to Olga's region",
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
            content: "The order now belongs to Olga, and the reason is kept",
            trigger: ".o_field_widget[name=assignment_ids] .o_data_row:contains(Olga's region):contains(Olga Salesman)",
        },
    ],
});

// The sales manager decides a selection of the To Approve list at once.
registry.category("web_tour.tours").add("sale_order_lifecycle_persona_manager_batch", {
    steps: () => [
        {
            content: "Open the Orders menu",
            trigger: '.o-dropdown[data-menu-xmlid="sale.sale_order_menu"]',
            run: "click",
        },
        {
            content: "Go to To Approve",
            trigger: '.o-dropdown-item[data-menu-xmlid="sale_order_lifecycle.menu_sale_order_to_approve"]',
            run: "click",
        },
        {
            content: "The list shows the review column",
            trigger: ".o_list_view .o_data_row td[name=review_state]:contains(Waiting for Approval)",
        },
        {
            content: "Select every order",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Approve the selection",
            trigger: ".o-dropdown-item:contains(Approve)",
            run: "click",
        },
        {
            content: "Every order is approved",
            trigger: ".o_notification:contains(2 of 2 orders approved)",
        },
    ],
});

// The same screen in Simplified Chinese: the ribbon, the banner and the tab.
registry.category("web_tour.tours").add("sale_order_lifecycle_persona_zh_cn", {
    steps: () => [
        {
            content: "The ribbon is in Chinese",
            trigger: ".o_form_view .ribbon:contains(审批中)",
        },
        {
            content: "The banner is in Chinese",
            trigger: ".o_form_view .alert-info:contains(此报价单)",
        },
        {
            content: "Open the review tab, in Chinese",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(审批)",
            run: "click",
        },
        {
            content: "The review line is listed with its Chinese rule name",
            trigger: ".o_field_widget[name=review_ids] .o_data_row:contains(大额订单)",
        },
    ],
});
