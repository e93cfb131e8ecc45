#!/usr/bin/python3
"""Opens a fetchpool HTML report in headless Chromium through the DevTools protocol and prints
what a test needs as one JSON object: console errors, network requests, row counts before and
after using the search box and the filters, whether hostile URLs show as text, load time.

usage: html_report_check.py REPORT.html [SCREENSHOT.png] [--hostile TEXT]...
Needs Debian's chromium and python3-websocket (/usr/bin/python3)."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import websocket  # python3-websocket

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0", "--window-size=1280,900", "about:blank",
]


class Page:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method, timeout=20):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        self.ws.settimeout(timeout)
        while time.time() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == method:
                return msg
            self.events.append(msg)
        raise TimeoutError(method)

    def eval(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate failed: {r['exceptionDetails']}")
        return r["result"].get("value")


# Runs in the page: uses the controls as a person would and reports what the tables show.
PROBE = r"""
(async (hostile) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const rows = (id) => document.querySelectorAll("#" + id + " tbody tr").length;
  const out = { ready: document.body.dataset.ready === "1", title: document.title,
                script_ms: +document.body.dataset.renderMs };
  out.all_rows = rows("all");
  out.failure_rows = rows("failures");
  out.data_rows = JSON.parse(document.getElementById("fp-rows").textContent).filter(Boolean).length;
  out.imgs = document.querySelectorAll("img").length;
  out.scripts = document.querySelectorAll("script").length;
  out.js_links = [...document.querySelectorAll("a")].filter((a) => !/^https?:/i.test(a.href)).length;
  out.links = document.querySelectorAll("#all a").length;
  const cells = [...document.querySelectorAll("#all td.url")].map((td) => td.textContent);
  out.hostile_as_text = hostile.map((h) => cells.includes(h));
  out.svgs = ["histogram", "timeline"].map((id) => !!document.querySelector("svg#" + id));
  const search = document.getElementById("search");
  search.value = "status/404";
  search.dispatchEvent(new Event("input"));
  await sleep(400);
  out.search_rows = rows("all");
  search.value = "";
  search.dispatchEvent(new Event("input"));
  await sleep(400);
  const kind = document.getElementById("kind-filter");
  kind.value = "ok";
  kind.dispatchEvent(new Event("change"));
  out.ok_filter_rows = rows("all");
  kind.value = "problems";
  kind.dispatchEvent(new Event("change"));
  out.problem_filter_rows = rows("all");
  kind.value = "";
  kind.dispatchEvent(new Event("change"));
  const status = document.getElementById("status-filter");
  status.value = "c:5xx";
  status.dispatchEvent(new Event("change"));
  out.status_5xx_rows = rows("all");
  status.value = "";
  status.dispatchEvent(new Event("change"));
  const th = document.querySelector("#all th:nth-child(5)");  // ms
  th.click();
  const ms = [...document.querySelectorAll("#all tbody tr td:nth-child(5)")].map((td) => +td.textContent);
  out.sorted_desc = ms.every((v, i) => i === 0 || ms[i - 1] >= v);
  return out;
})
"""


def main():
    args = sys.argv[1:]
    hostile = []
    while "--hostile" in args:
        i = args.index("--hostile")
        hostile.append(args[i + 1])
        del args[i:i + 2]
    report = os.path.abspath(args[0])
    screenshot = args[1] if len(args) > 1 else None
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="fetchpool-chromium-")
    proc = subprocess.Popen([chromium, f"--user-data-dir={profile}", *CHROMIUM_FLAGS],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("chromium did not start")
            time.sleep(0.05)
        port = open(port_file).read().split("\n")[0]
        browser = Page(websocket.create_connection(
            f"ws://127.0.0.1:{port}" + open(port_file).read().split("\n")[1], timeout=30))
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/devtools/page/{target}",
                                         timeout=30)
        page = Page(ws)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        url = "file://" + report
        started = time.time()
        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired")
        while not page.eval("document.body && document.body.dataset.ready === '1'"):
            if time.time() - started > 30:
                break
            time.sleep(0.02)
        load_ms = (time.time() - started) * 1000
        result = page.eval(PROBE + f"({json.dumps(hostile)})")
        result["load_ms"] = round(load_ms)
        if screenshot:
            page.call("Page.navigate", url=url)
            page.wait_for("Page.loadEventFired")
            time.sleep(0.3)
            shot = page.call("Page.captureScreenshot", format="png")
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        time.sleep(0.2)
        page.ws.settimeout(0.2)
        try:
            while True:
                page.events.append(json.loads(page.ws.recv()))
        except Exception:
            pass
        errors, requests = [], []
        for e in page.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                errors.append(p["exceptionDetails"].get("text", "exception"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                errors.append(p["entry"]["text"])
            elif m == "Network.requestWillBeSent" and p["request"]["url"] != url:
                requests.append(p["request"]["url"])
        result["console_errors"] = errors
        result["requests"] = requests
        print(json.dumps(result))
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
