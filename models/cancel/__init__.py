from . import sale_order
from . import sale_order_cancel_reason
from . import stock_picking
from . import stock_move
