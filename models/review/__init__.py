from . import mail_activity
from . import payment_transaction
from . import sale_order
from . import sale_order_line
from . import sale_order_review
from . import sale_review_rule
