"""Helpers shared by the benchmarks: an Odoo environment, timing, query counts."""

import contextlib
import sys
import time

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.service import server

_configured = []


@contextlib.contextmanager
def environment(conf, db):
    if not _configured:
        odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
        _configured.append(conf)
    with Registry(db).cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def serve_http(env):
    """Serve the database over HTTP from this process, as a running Odoo does,
    so that wkhtmltopdf loads the reports' stylesheets and fonts as it does
    for users: reports point to it through ``report.url``, set in ``env``'s
    transaction."""
    server.load_server_wide_modules()
    # Read the addons' manifests now, in this thread: the first static file
    # request reads them lazily, and wkhtmltopdf's parallel requests would
    # parse them in several threads at once, which Python 3.11.7's parser
    # does not survive (a SystemError turns a stylesheet into a 500 error).
    odoo.http.root.statics  # noqa: B018
    odoo.tools.config["http_interface"] = "127.0.0.1"
    httpd = server.ThreadedServer(odoo.http.root)
    httpd.http_spawn()
    env["ir.config_parameter"].set_param(
        "report.url", f"http://127.0.0.1:{httpd.httpd.server_port}"
    )


@contextlib.contextmanager
def measure(env, label, count, commit=False):
    """Print wall time and SQL queries of the block, flushed, for ``count`` records.

    With ``commit``, also what a commit runs before committing: the precommit
    hooks, where the ORM writes the tracking messages of the changed records
    (those of the work before the block are run first). The caller still rolls
    back.
    """
    env.flush_all()
    if commit:
        env.cr.flush()
    env.invalidate_all()
    queries0, start = env.cr.sql_log_count, time.perf_counter()
    yield
    env.flush_all()
    if commit:
        env.cr.flush()
    seconds = time.perf_counter() - start
    queries = env.cr.sql_log_count - queries0
    report(
        f"{label:<52} {count:>7} records {seconds:>8.2f} s {queries:>8} queries"
        f" ({queries / max(count, 1):.3f}/record)"
    )


def report(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def confirmed_order_batches(env, ref, count, batch=500):
    """Create ``count`` confirmed orders of one stocked storable item, tagged
    ``ref`` (customer reference), and yield them by batches of ``batch``."""
    product = env["product.product"].search([("default_code", "=", ref)], limit=1)
    if not product:
        product = env["product.product"].create(
            {
                "name": f"{ref} item",
                "default_code": ref,
                "type": "consu",
                "is_storable": True,
            }
        )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    env["stock.quant"]._update_available_quantity(
        product, warehouse.lot_stock_id, count
    )
    customer = env["res.partner"].create(
        {"name": f"{ref} customer", "street": "1 Bench Road", "city": "Suzhou"}
    )
    for start in range(0, count, batch):
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "client_order_ref": ref,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                    ],
                }
                for _i in range(min(batch, count - start))
            ]
        )
        orders.action_confirm()
        yield orders
