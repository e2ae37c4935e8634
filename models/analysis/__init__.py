from . import sale_order_lifecycle_report
