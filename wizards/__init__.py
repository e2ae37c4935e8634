from . import sale_order_cancel_reason_mixin
from . import sale_order_reject_wizard_mixin
from . import sale_mass_cancel_orders
from . import sale_order_cancel
from . import sale_order_cancel_reject_wizard
from . import sale_order_reassign_wizard
from . import customer_statement_wizard
from . import sale_order_review_reject_wizard
