from . import res_company
from . import res_config_settings
from . import res_partner
from . import res_users
from . import sale_order
from . import sale_order_assignment
from . import sale_order_line
from . import account_move
