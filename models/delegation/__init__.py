from . import res_users
from . import sale_order
from . import sale_order_review
