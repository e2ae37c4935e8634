from . import sale_order_notification_rule
from . import sale_order_notification_log
from . import sale_order
from . import account_move
