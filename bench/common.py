"""Helpers shared by the benchmarks: an Odoo environment, timing, query counts."""

import contextlib
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

_configured = []


@contextlib.contextmanager
def environment(conf, db):
    if not _configured:
        odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
        _configured.append(conf)
    with Registry(db).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


@contextlib.contextmanager
def measure(env, label, count):
    """Print wall time and SQL queries of the block, flushed, for ``count`` records."""
    env.flush_all()
    env.invalidate_all()
    queries0, start = env.cr.sql_log_count, time.perf_counter()
    yield
    env.flush_all()
    seconds = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries0
    report(
        f"{label:<52} {count:>7} records {seconds:>8.2f} s {queries:>8} queries"
        f" ({queries / max(count, 1):.3f}/record)"
    )


def report(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
