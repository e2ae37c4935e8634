# The shared entry points of sale.order (write, action_confirm, action_draft and
# the cancellation hook) are defined first, so that each capability below
# extends them with super(); the capabilities then follow in the order in which
# they depend on one another: low_stock gives review its stock figures, review
# extends the cancellation hook; fulfilment (couriers and tracking numbers)
# only reads the deliveries; availability (stock verdicts, overselling) reads
# low_stock's figures and adds a review condition. analysis reads what all
# of them store; notification applies its rules to the events that the others
# report (_lifecycle_notify). delegation and escalation add deciders to review
# (delegation routes the cancellation approvals too). statement (the register
# of customer statements) reads the receivable ledger. screens computes which
# buttons the forms offer from the checks of the others.
from . import number_bounds_mixin
from . import res_company
from . import res_config_settings
from . import sale_order
from . import low_stock
from . import archive
from . import reassign
from . import cancel
from . import cancel_reversal
from . import review
from . import cancel_approval
from . import delegation
from . import escalation
from . import screens
from . import accounting
from . import fulfilment
from . import availability
from . import analysis
from . import notification
from . import statement
