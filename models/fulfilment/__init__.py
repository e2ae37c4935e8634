from . import delivery_carrier
from . import stock_picking
from . import sale_order
from . import res_company
