// Steps shared by the tours of people who start from their activities, as
// reviewers and approvers do: the activity menu, then its sales orders.
export function openSalesOrderActivities() {
    return [
        {
            content: "Open the activity menu",
            trigger: ".o-mail-ActivityMenu-counter",
            run: "click",
        },
        {
            content: "Open the sales order activities",
            trigger: ".o-mail-ActivityGroup:contains(Sales Order)",
            run: "click",
        },
    ];
}
