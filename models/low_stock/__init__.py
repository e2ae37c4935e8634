from . import product_template
from . import sale_order_line
from . import stock_low_stock_alert
from . import stock_low_stock_rule
