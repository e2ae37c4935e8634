import { registry } from "@web/core/registry";
import { openStatementWizard } from "@sale_order_lifecycle/../tests/tours/utils/statement_steps";

// Data comes from TestStatementRegisterTour: a user with only Billing rights
// and "Lifecycle Customer" with a posted invoice. The tour creates the
// customer's statement, sends it and finds it in the register.
registry.category("web_tour.tours").add("sale_order_lifecycle_statement_register", {
    steps: () => [
        ...openStatementWizard("Lifecycle Customer"),
        {
            content: "Create the draft statement",
            trigger: ".modal-footer button[name=action_generate]",
            run: "click",
        },
        {
            content: "The draft shows the customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Lifecycle Customer)",
        },
        {
            content: "Send it",
            trigger: ".o_form_view button[name=action_send]",
            run: "click",
        },
        {
            content: "It is sent",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Sent)",
        },
        {
            content: "Open the Customers menu again",
            trigger: '.o-dropdown[data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
        {
            content: "Statements",
            trigger: '.o-dropdown-item[data-menu-xmlid="sale_order_lifecycle.menu_customer_statement_register"]',
            run: "click",
        },
        {
            content: "The register lists the sent statement",
            trigger: ".o_list_view .o_data_row:contains(Lifecycle Customer):contains(Sent)",
        },
    ],
});
