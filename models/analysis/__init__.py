from . import sale_order_lifecycle_report
from . import stock_slow_mover_report
from . import sale_return_alert
from . import sale_review_decision_report
