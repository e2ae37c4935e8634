// Steps shared by the statement tours: Invoicing > Customers > Customer
// Statements, and the customer chosen in the wizard.
export function openStatementWizard(customer) {
    return [
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
            run: `edit ${customer}`,
        },
        {
            content: "Pick it",
            trigger: `.o-autocomplete--dropdown-item:contains(${customer})`,
            run: "click",
        },
    ];
}

// Preview the chosen customer's statement and find its closing balance.
export function previewStatement() {
    return [
        {
            content: "Preview the statement",
            trigger: ".modal-footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The statement shows the closing balance",
            trigger: ":iframe .page:contains(Statement of Account):contains(Closing balance)",
        },
    ];
}
