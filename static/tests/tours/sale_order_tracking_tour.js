import { registry } from "@web/core/registry";

// Data comes from TestFulfilmentHttp: a delivery of a confirmed order, with
// SF Express as its courier, is opened through its URL by a warehouse user, who
// types the tracking number and validates it.
registry.category("web_tour.tours").add("sale_order_lifecycle_tracking", {
    steps: () => [
        {
            content: "Open Additional Info",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Additional Info)",
            run: "click",
        },
        {
            content: "Type the tracking number",
            trigger: ".o_form_view .o_field_widget[name=carrier_tracking_ref] input",
            run: "edit SF20261129",
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
