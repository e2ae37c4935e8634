from . import sale_review_rule
from . import sale_order
