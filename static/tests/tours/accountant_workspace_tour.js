import { registry } from "@web/core/registry";

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
        {
            content: "Open the Customers menu again",
            trigger: '.o-dropdown[data-menu-xmlid="account.menu_finance_receivables"]',
            run: "click",
        },
        {
            content: "Customer Statements",
            trigger: '.o-dropdown-item[data-menu-xmlid="sale_order_lifecycle.menu_customer_statement"]',
            run: "click",
        },
        {
            content: "Choose the customer",
            trigger: ".modal .o_field_widget[name=partner_ids] input",
            run: "edit Lifecycle Customer",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains(Lifecycle Customer)",
            run: "click",
        },
        {
            content: "Preview the statement",
            trigger: ".modal-footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The statement shows the closing balance",
            trigger: ":iframe .page:contains(Statement of Account):contains(Closing balance)",
        },
    ],
});
