from . import res_company
from . import res_config_settings
from . import customer_statement
from . import customer_statement_line
