"""Screenshots of the main screens for the README, called by scripts/screenshots.

usage: screenshots.py BASE_URL DATABASE OUTPUT_DIR

Logs in as admin through /web/session/authenticate, then drives headless
Chromium through the DevTools protocol: sets the session cookie, opens each
screen in English and in Simplified Chinese, waits until the web client is idle
and saves a 1400x900 PNG (the dashboard 2600x1300, see SIZES).
"""

import base64
import itertools
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
import websocket

WIDTH, HEIGHT = 1400, 900
LANGS = ("en_US", "zh_CN")
MODULE = "sale_order_lifecycle"
# name, URL path (or a function of the session returning it), JavaScript run
# once the screen is idle (to open a dialog), or None.
SCREENS = (
    ("review", "form:sale_order_harbor_review_demo", None),
    ("to_approve", f"/odoo/action-{MODULE}.sale_order_to_approve_action", None),
    (
        "cancel_wizard",
        "form:sale_order_lotus_confirmed_demo",
        "document.querySelector('button[name=action_cancel]').click()",
    ),
    ("low_stock", f"/odoo/action-{MODULE}.stock_low_stock_alert_action", None),
    ("statements", f"/odoo/action-{MODULE}.customer_statement_action", None),
    ("dashboard", f"/odoo/action-{MODULE}.sale_lifecycle_dashboard_action", None),
)
# Odoo's board gives each tile's renderer a minimum width of 1200 px (its
# columns scroll sideways below it): the dashboard is shot on a wide screen.
SIZES = {"dashboard": (2600, 1300)}
IDLE_JS = """
(() => {
    const busy = document.querySelector(
        '.o_loading_indicator, .o_blockUI, .o_view_nocontent_loading');
    const ready = document.querySelector('.o_action_manager .o_view_controller');
    return Boolean(ready) && !busy;
})()
"""


class Odoo:
    def __init__(self, url, db):
        self.url, self.db = url, db
        self.http = requests.Session()
        self.ids = itertools.count(1)

    def wait_up(self, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.http.get(f"{self.url}/web/login", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(1)
        sys.exit(f"Odoo does not answer at {self.url}")

    def rpc(self, path, params):
        response = self.http.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "id": next(self.ids), "params": params},
            timeout=600,
        ).json()
        if "error" in response:
            sys.exit(json.dumps(response["error"], indent=1))
        return response["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def login(self):
        self.rpc(
            "/web/session/authenticate",
            {"db": self.db, "login": "admin", "password": "admin"},
        )
        return self.http.cookies["session_id"]

    def record_url(self, xmlid):
        model, res_id = self.call(
            "ir.model.data", "check_object_reference", MODULE, xmlid
        )
        assert model == "sale.order", model
        return f"/odoo/action-sale.action_orders/{res_id}"

    def set_language(self, lang):
        installed = [code for code, _name in self.call("res.lang", "get_installed")]
        if lang not in installed:
            print(f"installing {lang} (once)", flush=True)
            wizard = self.call(
                "base.language.install",
                "create",
                {
                    "lang_ids": [
                        [
                            6,
                            0,
                            self.call(
                                "res.lang",
                                "search",
                                [("code", "=", lang)],
                                context={"active_test": False},
                            ),
                        ]
                    ]
                },
            )
            self.call("base.language.install", "lang_install", [wizard])
        uid = self.rpc("/web/session/get_session_info", {})["uid"]
        self.call("res.users", "write", [uid], {"lang": lang})


class Chromium:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="sol-screenshots-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=2)
                page = next(t for t in targets.json() if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                if time.time() > deadline:
                    sys.exit("Chromium did not start")
                time.sleep(0.5)
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.ids = itertools.count(1)
        self.resize(WIDTH, HEIGHT)

    def resize(self, width, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    sys.exit(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_idle(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(IDLE_JS):
                time.sleep(1.5)  # fonts, graphs and animations
                if self.evaluate(IDLE_JS):
                    return
            time.sleep(0.5)
        print("  (still busy after 60 s: taken as is)", flush=True)

    def shoot(self, url, path, script=None, size=(WIDTH, HEIGHT)):
        self.resize(*size)
        self.send("Page.navigate", url=url)
        time.sleep(1)
        self.wait_idle()
        if script:
            self.evaluate(script)
            time.sleep(1)
            self.wait_idle()
            time.sleep(1)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main(url, db, out):
    odoo = Odoo(url, db)
    odoo.wait_up()
    cookie = odoo.login()
    browser = Chromium()
    try:
        browser.send("Network.enable")
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=cookie,
            domain=urlsplit(url).hostname,
            path="/",
        )
        for lang in LANGS:
            odoo.set_language(lang)
            for name, target, script in SCREENS:
                if target.startswith("form:"):
                    target = odoo.record_url(target[len("form:") :])
                path = Path(out) / f"{name}_{lang}.png"
                print(f"{path.name}: {target}", flush=True)
                size = SIZES.get(name, (WIDTH, HEIGHT))
                browser.shoot(f"{url}{target}", path, script, size)
    finally:
        odoo.set_language("en_US")
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
