import { registry } from "@web/core/registry";

// Data comes from TestNotificationTour: a Sales Administrator opens the
// Notification Rules and creates a reminder for quotations not sent after
// 3 days, as an activity for the salesperson. The test then runs the daily
// check and finds the reminder.
registry.category("web_tour.tours").add("sale_order_lifecycle_notification_rule", {
    steps: () => [
        {
            content: "The default rules are listed",
            trigger: ".o_list_view .o_data_row:contains(Reviewers: approval pending for 2 days)",
        },
        {
            content: "Add a rule",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Quotations not sent after 3 days",
        },
        {
            content: "On stalled orders",
            trigger: ".o_field_widget[name=trigger] input[data-value=stalled]",
            run: "click",
        },
        {
            content: "Quotation not sent",
            trigger: ".o_field_widget[name=stalled_condition] select",
            run: 'select "quotation_not_sent"',
        },
        {
            content: "After 3 days",
            trigger: ".o_field_widget[name=days] input",
            run: "edit 3",
        },
        {
            content: "Tell the salesperson",
            trigger: ".o_field_widget[name=notify_salesperson] input",
            run: "click",
        },
        {
            content: "As an activity",
            trigger: ".o_field_widget[name=channel] input[data-value=activity]",
            run: "click",
        },
        {
            content: "Due in one day",
            trigger: ".o_field_widget[name=deadline_days] input",
            run: "edit 1",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
