import { registry } from "@web/core/registry";
import { openStatementWizard, previewStatement } from "@sale_order_lifecycle/../tests/tours/utils/statement_steps";

// Data comes from TestAccountantWorkspaceTour: a user with Billing rights and
// no Sales right, a cancelled order of "Lifecycle Customer" that keeps its
// posted invoice. The tour opens the order from Order Discrepancies, then
// previews the customer's statement.
registry.category("web_tour.tours").add("sale_order_lifecycle_accountant_workspace", {
    steps: () => [
        {
            content: "Open the Customers menu of Invoicing",
            trigger: '.o-dropdown[data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
        {
            content: "Order Discrepancies",
            trigger: '.o-dropdown-item[data-menu-xmlid="sale_order_lifecycle.menu_sale_order_discrepancy"]',
            run: "click",
        },
        {
            content: "Open the customer's order",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains(Lifecycle Customer)",
            run: "click",
        },
        {
            content: "The order shows its discrepancy",
            trigger: ".o_form_view .alert-danger [name=discrepancy_note]:contains(Cancelled)",
        },
        {
            content: "The order shows its payment status",
            trigger: ".o_form_view .o_field_widget[name=payment_status]:contains(Unpaid)",
        },
        ...openStatementWizard("Lifecycle Customer"),
        ...previewStatement(),
    ],
});
