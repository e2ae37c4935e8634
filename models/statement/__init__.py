from . import res_company
from . import customer_statement
from . import customer_statement_line
