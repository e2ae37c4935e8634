from . import test_demo_data
from . import test_module
from . import test_archive
from . import test_archive_tour
from . import test_reassign
from . import test_reassign_tour
from . import test_cancel
from . import test_cancel_tour
