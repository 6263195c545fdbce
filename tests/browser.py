"""A headless Chromium driven over the Chrome DevTools Protocol on a pipe, for the browser tests.

Why this and not a library: Chromium speaks CDP on file descriptors 3 and 4 when started with
`--remote-debugging-pipe` (NUL-separated JSON), so the standard library is enough. There is no
port to pick or race for, no websocket package, and no browser download (playwright would fetch
its own build, which this machine cannot). Unlike `chromium --headless --screenshot`, the
protocol reports every console message, uncaught exception, CSP violation and network request,
and lets a test ask the live page whether an element is present and visible.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The browser binary: $CHROMIUM if set, else the first known name on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


class Browser:
    """One headless Chromium with one page; events are collected as they arrive."""

    def __init__(self, binary: str, *, width: int = 1280, height: int = 900,
                 timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._profile = tempfile.TemporaryDirectory(prefix="tp-chromium-")
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._next_id = 0
        to_child, self._write = os.pipe()      # Chromium reads commands on its fd 3
        self._read, from_child = os.pipe()     # and writes replies and events on its fd 4
        args = [binary, "--headless", "--remote-debugging-pipe", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--mute-audio",
                f"--user-data-dir={self._profile.name}", "about:blank"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")     # Chromium refuses to run as root with it

        def wire_fds() -> None:
            # copy first: dup2 onto the same number would keep close-on-exec set
            reader, writer = os.dup(to_child), os.dup(from_child)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        self._process = subprocess.Popen(args, preexec_fn=wire_fds, close_fds=False,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        threading.Thread(target=self._pump, daemon=True).start()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=self.session)
        self.resize(width, height)

    # --- the protocol ---------------------------------------------------------------------------
    def _pump(self) -> None:
        buffer = b""
        with os.fdopen(self._read, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for message in messages:
                    self._inbox.put(json.loads(message))
        self._inbox.put(None)

    def send(self, method: str, params: dict[str, Any] | None = None, *,
             session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _receive(self) -> dict[str, Any]:
        try:
            message = self._inbox.get(timeout=self.timeout)
        except queue.Empty:
            raise TimeoutError(f"Chromium sent nothing for {self.timeout}s") from None
        if message is None:
            raise RuntimeError("Chromium closed the pipe")
        if "method" in message:
            self.events.append(message)
        return message

    def wait_for(self, method: str) -> dict[str, Any]:
        seen = next((e for e in self.events if e["method"] == method), None)
        while seen is None:
            message = self._receive()
            if message.get("method") == method:
                seen = message
        return seen

    # --- what a test does -----------------------------------------------------------------------
    def resize(self, width: int, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=self.session)

    def open(self, url: str) -> None:
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=self.session)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                           session=self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics", session=self.session)["cssContentSize"]
            params |= {"captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": size["width"],
                                "height": min(size["height"], 12000), "scale": 1}}
        data = self.send("Page.captureScreenshot", params, session=self.session)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def screenshot_element(self, selector: str, path: Path) -> Path:
        box = self.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                            ".getBoundingClientRect(); return {x: r.x + scrollX, y: r.y + "
                            "scrollY, width: r.width, height: r.height}; })()")
        params = {"format": "png", "captureBeyondViewport": True,
                  "clip": {**box, "height": min(box["height"], 12000), "scale": 1}}
        data = self.send("Page.captureScreenshot", params, session=self.session)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def visible(self, selector: str) -> int:
        """How many elements match `selector` and are rendered with a size and not hidden."""
        return self.evaluate(
            f"[...document.querySelectorAll({json.dumps(selector)})].filter(e => {{"
            " const r = e.getBoundingClientRect(), s = getComputedStyle(e);"
            " return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'"
            " && s.display !== 'none'; }).length")

    def print_pdf(self) -> bytes:
        data = self.send("Page.printToPDF", {"printBackground": True}, session=self.session)
        return base64.b64decode(data["data"])

    def console_errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and browser log errors (CSP
        violations and failed loads are reported there)."""
        found = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning",
                                                                               "assert"):
                found.append(" ".join(str(a.get("value", a.get("description")))
                                      for a in p.get("args", [])))
            elif e["method"] == "Runtime.exceptionThrown":
                found.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif e["method"] == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
                found.append(p["entry"]["text"])
        return found

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"]

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._write)
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
