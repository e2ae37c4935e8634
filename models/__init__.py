# The shared entry points of sale.order (write, action_confirm, action_draft and
# the cancellation hook) are defined first, so that each capability below
# extends them with super(); the capabilities then follow in the order in which
# they depend on one another: low_stock gives review its stock figures, review
# extends the cancellation hook; fulfilment (couriers and tracking numbers)
# only reads the deliveries; screens computes which buttons the forms offer
# from the checks of the others. analysis reads what all of them store.
from . import number_bounds_mixin
from . import res_company
from . import res_config_settings
from . import sale_order
from . import low_stock
from . import archive
from . import reassign
from . import cancel
from . import review
from . import screens
from . import accounting
from . import fulfilment
from . import analysis
