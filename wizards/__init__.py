from . import sale_order_reassign_wizard
