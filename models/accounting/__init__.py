from . import sale_order
from . import account_move
