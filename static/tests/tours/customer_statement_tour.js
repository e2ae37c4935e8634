import { registry } from "@web/core/registry";

// Data comes from TestCustomerStatementTour: an accountant and "Lifecycle
// Customer" with posted invoices. The tour previews the customer's statement.
registry.category("web_tour.tours").add("sale_order_lifecycle_customer_statement", {
    steps: () => [
        {
            content: "Open the Customers menu of Invoicing",
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
