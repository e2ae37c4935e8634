# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Sales Order Lifecycle",
    "summary": "Review, cancellation, archive, reassignment, low-stock alerts "
    "and payment follow-up for sales orders",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "Lifecycle Addons",
    "license": "LGPL-3",
    "depends": [
        "mail",
        "account",
        "sale_management",
        "sale_stock",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "data/mail_template_data.xml",
        "data/sale_order_cancel_reason_data.xml",
        "wizards/sale_order_reassign_wizard_views.xml",
        "wizards/sale_order_cancel_views.xml",
        "wizards/sale_mass_cancel_orders_views.xml",
        "wizards/sale_order_cancel_reject_wizard_views.xml",
        "views/sale_order_views.xml",
        "views/sale_order_cancel_reason_views.xml",
        "views/sale_order_cancellation_views.xml",
        "views/sale_order_assignment_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/product_demo.xml",
        "demo/stock_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sale_order_lifecycle/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
