from . import report_customer_statement
from . import report_customer_statement_register
