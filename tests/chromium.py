"""A small headless-Chromium driver over the DevTools protocol (tests only).

``Chromium.start()`` launches Debian's ``chromium`` headless with a fresh profile and
no background networking; ``browser.open(url)`` gives a :class:`Page` that records
console errors, uncaught exceptions, log errors and JavaScript dialogs (alert /
confirm / prompt, which it dismisses). ``page.hover_tooltip(selector)`` moves the
mouse over the first element matching ``selector`` and returns the text of Vega's
tooltip; ``page.wheel`` / ``page.drag`` send mouse-wheel and drag events. Needs
``websocket-client`` (a test extra).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
    "--window-size=1400,1000",
)


def find_chromium() -> str | None:
    """Path of the Chromium executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(RuntimeError):
    """The browser answered a DevTools command with an error, or did not answer."""


@dataclass
class Page:
    """One browser tab (a flattened DevTools session)."""

    browser: Chromium
    session: str
    target: str
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    #: URLs the page requested (recorded when it was opened with the Network domain)
    requests: list[str] = field(default_factory=list)
    loaded: bool = False

    def send(self, method: str, **params: Any) -> dict:
        return self.browser.send(method, session=self.session, **params)

    def evaluate(self, expression: str) -> Any:
        """Value of a JavaScript expression (promises awaited); JS errors raise CDPError."""
        res = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in res:
            raise CDPError(f"{expression[:80]!r} threw: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait_for(self, expression: str, *, timeout: float = 20.0) -> Any:
        """Poll ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout}s for {expression[:120]!r}")
            self.browser.pump(0.05)

    def errors(self) -> list[str]:
        """Every console error, uncaught exception and error log entry so far."""
        return [*self.console_errors, *self.exceptions, *self.log_errors]

    def box(self, selector: str) -> dict[str, float]:
        """Centre ``x``, ``y`` and size ``w``, ``h`` of the first ``selector`` match (scrolled
        into view), in viewport pixels."""
        box = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " if (!el) return null; el.scrollIntoView({block: 'center'});"
            " const r = el.getBoundingClientRect();"
            " return {x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width, h: r.height}; })()"
        )
        if not box or box["w"] <= 0 or box["h"] <= 0:
            raise CDPError(f"nothing visible at {selector!r}: {box}")
        return box

    def wheel(self, x: float, y: float, *, delta_y: float) -> None:
        """A mouse-wheel turn at (x, y); negative ``delta_y`` scrolls up (zooms in on Vega)."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        self.send("Input.dispatchMouseEvent", type="mouseWheel", x=x, y=y, deltaX=0, deltaY=delta_y)

    def drag(self, x0: float, y0: float, x1: float, y1: float, *, steps: int = 8) -> None:
        """Press the left button at (x0, y0), move to (x1, y1) in ``steps``, release."""
        mouse = {"button": "left", "clickCount": 1}
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x0, y=y0)
        self.send("Input.dispatchMouseEvent", type="mousePressed", x=x0, y=y0, buttons=1, **mouse)
        for i in range(1, steps + 1):
            x, y = x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps
            self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y, buttons=1)
        self.send("Input.dispatchMouseEvent", type="mouseReleased", x=x1, y=y1, **mouse)

    def hover_tooltip(self, selector: str, *, timeout: float = 10.0) -> str:
        """Hover the centre of the first ``selector`` match; the visible Vega tooltip's text."""
        try:
            box = self.box(selector)
        except CDPError as exc:
            raise CDPError(f"nothing visible to hover at {selector!r}") from exc
        return self.tooltip_at(box["x"], box["y"], timeout=timeout)

    def tooltip_at(self, x: float, y: float, *, timeout: float = 10.0) -> str:
        """Move the mouse to (x, y); the text of the Vega tooltip that becomes visible."""
        for dx in (-3, 0):  # two moves: Vega reacts to pointer movement over the item
            self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x + dx, y=y)
        return self.wait_for(
            "(() => { const t = document.getElementById('vg-tooltip-element');"
            " return t && t.classList.contains('visible') && t.innerText.trim()"
            " ? t.innerText : ''; })()",
            timeout=timeout,
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.browser.send("Target.closeTarget", targetId=self.target)


class Chromium:
    """A headless Chromium process and one DevTools websocket to it."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.profile = tempfile.mkdtemp(prefix="vegafigs-chromium-")
        self.proc: subprocess.Popen[bytes] | None = None
        self.ws: Any = None
        self._ids = itertools.count(1)
        self._pages: dict[str, Page] = {}
        self._replies: dict[int, dict] = {}

    @classmethod
    def start(cls, executable: str, *, timeout: float = 30.0) -> Chromium:
        import websocket

        self = cls(executable)
        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise CDPError(f"{executable} did not start (exit code {self.proc.returncode})")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}{path}", timeout=timeout, suppress_origin=True
        )
        return self

    # -- protocol -------------------------------------------------------------------------
    def send(self, method: str, *, session: str | None = None, **params: Any) -> dict:
        msg_id = next(self._ids)
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params}
        if session is not None:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + 30.0
        while msg_id not in self._replies:
            if time.monotonic() > deadline:
                raise CDPError(f"no answer to {method}")
            self._receive(timeout=max(0.01, deadline - time.monotonic()))
        reply = self._replies.pop(msg_id)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def pump(self, seconds: float) -> None:
        """Handle incoming events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(timeout=max(0.01, deadline - time.monotonic()))

    def _receive(self, *, timeout: float) -> None:
        import websocket

        self.ws.settimeout(timeout)
        try:
            raw = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return
        msg = json.loads(raw)
        if "id" in msg:
            self._replies[msg["id"]] = msg
            return
        page = self._pages.get(msg.get("sessionId", ""))
        if page is not None:
            self._event(page, msg["method"], msg.get("params", {}))

    def _event(self, page: Page, method: str, params: dict) -> None:
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            page.console_errors.append(text)
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            page.exceptions.append(
                str(details.get("exception", {}).get("description") or details.get("text"))
            )
        elif method == "Network.requestWillBeSent":
            page.requests.append(params["request"]["url"])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            where = f"{entry.get('source')}: {entry.get('text')}"
            page.log_errors.append(f"{where} {entry.get('url', '')}".strip())
        elif method == "Page.javascriptDialogOpening":
            page.dialogs.append(f"{params.get('type')}: {params.get('message')}")
            # Dismiss it from the event loop (not via send: we may be inside a send).
            self.ws.send(
                json.dumps(
                    {
                        "id": next(self._ids),
                        "sessionId": page.session,
                        "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": False},
                    }
                )
            )
        elif method == "Page.loadEventFired":
            page.loaded = True

    # -- pages ----------------------------------------------------------------------------
    def open(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        domains: tuple[str, ...] = ("Runtime", "Log", "Page"),
    ) -> Page:
        """A new tab showing ``url``, once its load event fired (``domains`` enabled first)."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session, target)
        self._pages[session] = page
        for domain in domains:
            page.send(f"{domain}.enable")
        page.send("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while not page.loaded:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load in {timeout}s")
            self.pump(0.05)
        return page

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            if self.ws is not None:
                self.ws.close()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def launch(cls: type[Chromium] = Chromium) -> Chromium:
    """A started ``cls`` browser; skips the test without Chromium (fails in CI)."""
    import pytest

    exe = find_chromium()
    if exe is None:
        if ci():
            pytest.fail("Chromium is not installed, but CI is set: .ci/run must install it")
        pytest.skip("Chromium not installed (apt-get install chromium); CI is unset")
    pytest.importorskip("websocket", reason="websocket-client (test extra) not installed")
    return cls.start(exe)


def ci() -> bool:
    """True when running in CI (the ``CI`` environment variable is set and not false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
