"""pytest plugin for the Odoo suite: import Odoo's test framework in test mode.

Loaded by scripts/test with ``-p odoo_test_mode``, before any test module is
collected.

Odoo logs an error when ``odoo.tests`` is first imported outside test mode, and
pytest-odoo turns test mode on only around each test module, after collection
has imported it. Turning it on for good would make Odoo run every installed
module's at_install tests when pytest-odoo loads the registry.
"""

import odoo

odoo.tools.config["test_enable"] = True
try:
    import odoo.tests
finally:
    odoo.tools.config["test_enable"] = False
