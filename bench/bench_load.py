"""Mixed load over JSON-RPC against a multi-worker Odoo, then invariants.

``bench/run load [SECONDS]`` (60 by default):

1. generates, once, salespersons, two reviewers, a stock manager, customers,
   stocked products, a review rule (orders from 1,000 need one of the two
   reviewers) and a low-stock rule, all tagged LOAD; other review rules are
   switched off during the run and restored after;
2. starts Odoo with ``--workers=2 --max-cron-threads=1`` on port 8079;
3. from a second process (this file with ``--client``, standard library only)
   runs one thread per salesperson for the given time, each picking at random:
   create a quotation (small or large), request approval, approve (either
   reviewer, so they collide), confirm, reassign (wizard), cancel with a
   reason, archive cancelled orders, evaluate the low-stock rule;
4. stops Odoo and prints requests per second, p50/p95 latency per operation,
   business refusals (UserError, AccessError... answered by Odoo as it should,
   e.g. the other reviewer was first), errors (anything else), and checks the
   invariants on the database. Exits non-zero on any error or false invariant.
"""

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

PORT = 8079
TAG = "LOAD"
SALESPERSONS = 4
REFUSALS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}


# ----------------------------------------------------------------------
# Client side: standard library only, run in its own process
# ----------------------------------------------------------------------


class Refused(Exception):
    pass


class Client:
    def __init__(self, url, db, login):
        self.url, self.db, self.login = url, db, login
        self.uid = self.call("common", "authenticate", db, login, login, {})

    def call(self, service, method, *args):
        payload = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            data=payload,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            data = answer["error"].get("data", {})
            if data.get("name") in REFUSALS:
                raise Refused(data.get("message", ""))
            raise RuntimeError(
                f"{data.get('name')}: {data.get('message', answer['error'])}"
            )
        return answer.get("result")  # absent when the method returns None

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.login,
            model,
            method,
            list(args),
            kwargs,
        )

    def first(self, model, domain, order="id"):
        ids = self.execute(model, "search", domain, limit=1, order=order)
        return ids[0] if ids else None


def operations(setup, clients, salesman):
    """The operations of one salesperson's thread: name -> callable."""
    reviewers = [clients["load_reviewer_a"], clients["load_reviewer_b"]]
    manager = clients["load_reviewer_a"]
    stock = clients["load_stock"]
    mine = [("client_order_ref", "=", TAG), ("user_id", "=", salesman.uid)]

    def create():
        qty = random.choice([1, 2, 3, 20, 30])
        return salesman.execute(
            "sale.order",
            "create",
            {
                "partner_id": random.choice(setup["customers"]),
                "user_id": salesman.uid,
                "client_order_ref": TAG,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": random.choice(setup["products"]),
                            "product_uom_qty": qty,
                        },
                    )
                ],
            },
        )

    def request():
        order = salesman.first(
            "sale.order",
            [*mine, ("state", "=", "draft"), ("review_state", "=", "none")]
            + [("amount_total", ">=", 1000)],
        )
        if order:
            salesman.execute("sale.order", "action_request_review", [order])

    def approve():
        reviewer = random.choice(reviewers)
        order = reviewer.first("sale.order", [("review_can_decide", "=", True)])
        if order:
            reviewer.execute("sale.order", "action_review_approve", [order])

    def confirm():
        order = salesman.first(
            "sale.order",
            [*mine, ("state", "=", "draft"), "|", ("review_state", "=", "approved")]
            + ["&", ("review_state", "=", "none"), ("amount_total", "<", 1000)],
        )
        if order:
            salesman.execute("sale.order", "action_confirm", [order])

    def reassign():
        order = manager.first(
            "sale.order",
            [("client_order_ref", "=", TAG), ("state", "in", ["draft", "sent"])],
            order="id desc",
        )
        if order:
            wizard = manager.execute(
                "sale.order.reassign.wizard",
                "create",
                {
                    "order_ids": [(6, 0, [order])],
                    "user_id": random.choice(setup["salespersons"]),
                    "reason": "Load test: workload balancing",
                },
            )
            manager.execute("sale.order.reassign.wizard", "action_reassign", [wizard])

    def cancel():
        order = salesman.first("sale.order", [*mine, ("state", "=", "draft")])
        if order:
            salesman.execute(
                "sale.order",
                "action_cancel",
                [order],
                context={
                    "sale_cancel_reason_id": setup["reason"],
                    "sale_cancel_note": "Load test",
                },
            )

    def archive():
        orders = manager.execute(
            "sale.order",
            "search",
            [("client_order_ref", "=", TAG), ("state", "=", "cancel")],
            limit=5,
        )
        if orders:
            manager.execute("sale.order", "action_archive", orders)

    def evaluate():
        stock.execute("stock.low.stock.rule", "action_evaluate", [setup["low_rule"]])

    return {
        "create": (create, 4),
        "request approval": (request, 3),
        "approve": (approve, 4),
        "confirm": (confirm, 2),
        "reassign": (reassign, 1),
        "cancel with reason": (cancel, 1),
        "archive": (archive, 1),
        "evaluate low stock": (evaluate, 1),
    }


def run_client(url, db, seconds, setup):
    logins = [*setup["logins"], "load_reviewer_a", "load_reviewer_b", "load_stock"]
    records = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(login):
        clients = {name: Client(url, db, name) for name in logins}
        ops = operations(setup, clients, clients[login])
        names = list(ops)
        weights = [ops[name][1] for name in names]
        while time.monotonic() < deadline:
            name = random.choices(names, weights)[0]
            start = time.perf_counter()
            try:
                ops[name][0]()
                outcome = "ok"
            except Refused as refusal:
                outcome = f"refused: {refusal}"
            except Exception as error:  # noqa: BLE001 - every failure is counted
                outcome = f"error: {type(error).__name__}: {error}"
            with lock:
                records.append((name, time.perf_counter() - start, outcome))

    threads = [
        threading.Thread(target=worker, args=(login,)) for login in setup["logins"]
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"elapsed": time.perf_counter() - started, "records": records}


# ----------------------------------------------------------------------
# Server side: data, Odoo process, report, invariants
# ----------------------------------------------------------------------


def ensure_data(env):
    from odoo import Command

    def user(login, group):
        found = env["res.users"].search([("login", "=", login)])
        return found or env["res.users"].create(
            {
                "name": login,
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "groups_id": [Command.set(env.ref(group).ids)],
            }
        )

    salespersons = [
        user(f"load_salesman_{index}", "sales_team.group_sale_salesman")
        for index in range(SALESPERSONS)
    ]
    reviewers = [
        user(f"load_reviewer_{name}", "sales_team.group_sale_manager") for name in "ab"
    ]
    user("load_stock", "stock.group_stock_manager")
    customers = env["res.partner"].search([("ref", "=", TAG)])
    if not customers:
        customers = env["res.partner"].create(
            [
                {
                    "name": f"Load customer {i}",
                    "ref": TAG,
                    "street": "1 Load Rd",
                    "city": "Hangzhou",
                }
                for i in range(10)
            ]
        )
    products = env["product.product"].search([("default_code", "like", TAG)])
    if not products:
        products = env["product.product"].create(
            [
                {
                    "name": f"Load item {i}",
                    "default_code": f"{TAG}-{i}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 50.0 + 10 * i,
                }
                for i in range(10)
            ]
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        for product in products:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 500
            )
    Rule = env["sale.review.rule"].with_context(active_test=False)
    rule = Rule.search([("name", "=", f"{TAG} large orders")])
    if not rule:
        rule = Rule.create(
            {
                "name": f"{TAG} large orders",
                "min_amount": 1000.0,
                "reviewer_user_ids": [Command.set([r.id for r in reviewers])],
            }
        )
    low_rule = env["stock.low.stock.rule"].search([("name", "=", f"{TAG} stock")])
    if not low_rule:
        low_rule = env["stock.low.stock.rule"].create(
            {
                "name": f"{TAG} stock",
                "scope": "product",
                "product_ids": [Command.set(products.ids)],
                "trigger": "min_qty",
                "min_qty": 480,
            }
        )
    others = Rule.search([("active", "=", True), ("id", "!=", rule.id)])
    others.active = False
    rule.active = True
    return {
        "logins": [user.login for user in salespersons],
        "salespersons": [user.id for user in salespersons],
        "customers": customers.ids,
        "products": products.ids,
        "reason": env.ref("sale_order_lifecycle.cancel_reason_customer_request").id,
        "low_rule": low_rule.id,
        "switched_off": others.ids,
    }


def start_odoo(conf, db, logfile):
    import odoo

    # Not "python -m odoo": the prefork server restarts its helper processes
    # with the same command line, which works only from a script.
    script = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    command = [
        sys.executable,
        script,
        "-c",
        conf,
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--workers=2",
        "--max-cron-threads=1",
        f"--http-port={PORT}",
        f"--gevent-port={PORT + 1}",
        "--limit-time-real=600",
        "--limit-time-cpu=600",
        "--log-level=warn",
        f"--logfile={logfile}",
    ]
    server = subprocess.Popen(command, start_new_session=True)
    url = f"http://127.0.0.1:{PORT}"
    for _attempt in range(120):
        try:
            with urllib.request.urlopen(f"{url}/web/login", timeout=5) as response:
                if response.status == 200:
                    return server, url
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    stop_odoo(server)
    raise SystemExit(f"Odoo did not answer on {url}; see {logfile}")


def stop_odoo(server):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_results(results):
    from common import report

    records = results["records"]
    elapsed = results["elapsed"]
    latencies = [latency for _name, latency, _outcome in records]
    errors = [r for r in records if r[2].startswith("error")]
    refusals = [r for r in records if r[2].startswith("refused")]
    report(
        f"{len(records)} requests in {elapsed:.1f} s: "
        f"{len(records) / elapsed:.1f} requests/s, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
    )
    report(f"{'operation':<20} {'calls':>6} {'refused':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name in sorted({r[0] for r in records}):
        mine = [r for r in records if r[0] == name]
        times = [r[1] for r in mine]
        refused = sum(1 for r in mine if r[2].startswith("refused"))
        report(
            f"{name:<20} {len(mine):>6} {refused:>8} "
            f"{statistics.median(times) * 1000:>8.0f} "
            f"{percentile(times, 0.95) * 1000:>8.0f}"
        )
    report(f"business refusals: {len(refusals)}")
    for reason in sorted({r[2][:110] for r in refusals})[:8]:
        report(f"  {reason}")
    report(f"errors: {len(errors)}")
    for error in errors[:5]:
        report(f"  {error[0]}: {error[2][:300]}")
    return len(errors)


def invariants(env):
    from odoo.tools import SQL

    orders = (
        env["sale.order"]
        .with_context(active_test=False)
        .search([("client_order_ref", "=", TAG)])
    )
    cancelled = orders.filtered(lambda o: o.state == "cancel")
    approved = orders.filtered(lambda o: o.review_state == "approved")
    env.cr.execute(
        SQL(
            "SELECT COUNT(*) FROM (SELECT 1 FROM stock_low_stock_alert "
            "WHERE state != 'resolved' GROUP BY rule_id, product_id, warehouse_id "
            "HAVING COUNT(*) > 1) dup"
        )
    )
    duplicates = env.cr.fetchone()[0]
    reassigned = orders.filtered("assignment_ids")

    def last_assignment_matches(order):
        last = order.assignment_ids.sorted("id")[-1]
        return not last.to_user_id or last.to_user_id == order.user_id

    archived = orders.filtered(lambda o: not o.active)
    checks = {
        f"every cancelled order has a reason, user and date ({len(cancelled)})": all(
            o.cancel_reason_id and o.cancel_user_id and o.cancel_date for o in cancelled
        ),
        f"every approved order has all its levels approved ({len(approved)})": all(
            o.review_ids.filtered(lambda r: r.state != "cancelled")
            and all(
                r.state == "approved"
                for r in o.review_ids.filtered(lambda r: r.state != "cancelled")
            )
            for o in approved
        ),
        "no order is pending without a pending review line": all(
            o.review_ids.filtered(lambda r: r.state == "pending")
            for o in orders.filtered(
                lambda o: o.review_state == "pending" and o.state != "cancel"
            )
        ),
        f"no duplicate open low-stock alert ({duplicates} found)": duplicates == 0,
        f"reassignments end at the order's salesperson ({len(reassigned)})": all(
            last_assignment_matches(o) for o in reassigned
        ),
        f"archived orders are finished ({len(archived)})": all(
            o.state == "cancel" or o.invoice_status == "invoiced" for o in archived
        ),
    }
    return checks


def main():
    if sys.argv[1:2] == ["--client"]:
        url, db, seconds, setup = sys.argv[2:6]
        json.dump(run_client(url, db, float(seconds), json.loads(setup)), sys.stdout)
        return
    from common import environment, report

    conf, db = sys.argv[1:3]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    with environment(conf, db) as env:
        setup = ensure_data(env)
        env.cr.commit()
    logfile = os.path.join(os.path.dirname(conf), "bench-load-odoo.log")
    if os.path.exists(logfile):
        os.remove(logfile)
    server, url = start_odoo(conf, db, logfile)
    report(f"Odoo with 2 workers and a cron worker on {url} (log: {logfile})")
    try:
        client = subprocess.run(
            [
                sys.executable,
                __file__,
                "--client",
                url,
                db,
                str(seconds),
                json.dumps(setup),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        stop_odoo(server)
    if client.stderr.strip():
        report(f"client stderr:\n{client.stderr.strip()[:2000]}")
    errors = print_results(json.loads(client.stdout))
    with environment(conf, db) as env:
        checks = invariants(env)
        env["sale.review.rule"].with_context(active_test=False).browse(
            setup["switched_off"]
        ).active = True
        env.flush_all()
        env.cr.commit()
    with open(logfile) as log:
        logged = [line for line in log if " ERROR " in line]
    report(
        f"server log: {len(logged)} ERROR lines (a serialization failure that "
        "Odoo retried is logged as ERROR by odoo.sql_db)"
    )
    for line in logged[:3]:
        report(f"  {line.strip()[:200]}")
    for label, passed in checks.items():
        report(f"invariant {'true ' if passed else 'FALSE'}: {label}")
    if errors or not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
