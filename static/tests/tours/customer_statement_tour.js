import { registry } from "@web/core/registry";
import { openStatementWizard, previewStatement } from "@sale_order_lifecycle/../tests/tours/utils/statement_steps";

// Data comes from TestCustomerStatementTour: an accountant and "Lifecycle
// Customer" with posted invoices. The tour previews the customer's statement.
registry.category("web_tour.tours").add("sale_order_lifecycle_customer_statement", {
    steps: () => [...openStatementWizard("Lifecycle Customer"), ...previewStatement()],
});
