from . import test_demo_data
from . import test_module
from . import test_archive
from . import test_archive_tour
