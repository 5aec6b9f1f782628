"""The ``"vegafigs"`` Altair renderer: its mimebundle, and a real notebook in a browser.

(``vegafigs.jupyter`` the attribute is ``vf.notebook()``: the module's names are
imported with ``from vegafigs.jupyter import ...``.)

Fast: the bundle's keys, the static picture, the JavaScript bundle evaluated once per
page, byte-identical outputs, the untrusted-spec rules, bad options. Slow: a notebook
with three gallery figures executed by nbclient (an ipykernel of this Python), exported
by nbconvert's HTMLExporter (default template) and opened in headless Chromium with the
network off: every chart draws, no console error, no request beyond the template's own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import altair as alt
import pytest

import vegafigs as vf
from vegafigs.errors import ExportError, VegafigsError
from vegafigs.export import _js_bundle
from vegafigs.gallery import FIGURES
from vegafigs.jupyter import _png_size, renderer

from .chromium import Chromium, launch

ROOT = Path(__file__).resolve().parents[1]
SPEC = {"data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 1}]}, "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}}}  # fmt: skip


@pytest.fixture
def enabled():
    before = alt.renderers.active
    vf.notebook()
    yield
    alt.renderers.enable(before)


def _bundle(chart) -> tuple[dict, dict]:
    out = chart._repr_mimebundle_()
    return out if isinstance(out, tuple) else (out, {})


# -- the mimebundle -------------------------------------------------------------------
def test_bundle_keys_and_picture(enabled, hist_chart):
    bundle, meta = _bundle(hist_chart)
    assert sorted(bundle) == ["image/png", "text/html", "text/plain"]
    png = bundle["image/png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = meta["image/png"]["width"], meta["image/png"]["height"]
    assert _png_size(png) == (2 * w, 2 * h)  # 144 dpi, shown at its CSS size
    page = bundle["text/html"]
    # the same picture is the output's placeholder (untrusted frontends strip the script)
    assert f'width="{w}" height="{h}"' in page
    assert page.count("data:image/png;base64,") == 1


def test_svg_picture(enabled):
    alt.renderers.enable("vegafigs", static="svg")
    bundle, meta = _bundle(alt.Chart.from_dict(SPEC))
    assert sorted(bundle) == ["image/svg+xml", "text/html", "text/plain"]
    assert bundle["image/svg+xml"].startswith("<svg")
    assert "data:image/svg+xml;base64," in bundle["text/html"]


def test_bundle_inlined_in_every_output_evaluated_once(enabled):
    page = _bundle(alt.Chart.from_dict(SPEC))[0]["text/html"]
    js = _js_bundle()
    assert page.count(js) == 1  # each output draws on its own (cleared outputs, one cell shown)
    # ... inside a function, behind the per-page registry: a second copy is never evaluated
    head = page[: page.index(js)]
    assert "if (!reg[KEY]) {" in head and head.rstrip().endswith("(function () {")
    assert page.count("<script") == page.count("</script>") == 2
    assert "<script>" in page and 'type="application/json"' in page
    assert not re.search(r"<script[^>]*\bsrc=", page)  # nothing loaded from anywhere
    assert "https://cdn" not in page.replace(js, "")


def test_bytes_are_deterministic(enabled, tmp_path):
    """Same chart, same bytes: here, again, and in a fresh process."""
    fig = FIGURES["training_curve"]
    first, second = _bundle(fig.build()), _bundle(fig.build())
    assert first == second
    code = (
        "import pickle, sys, vegafigs as vf\n"
        "from vegafigs.gallery import FIGURES\n"
        "vf.notebook()\n"
        "sys.stdout.buffer.write(pickle.dumps(FIGURES['training_curve'].build()"
        "._repr_mimebundle_()))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    import pickle

    assert pickle.loads(out.stdout) == first


def test_two_charts_have_their_own_ids(enabled):
    one = _bundle(alt.Chart.from_dict(SPEC))[0]["text/html"]
    other = _bundle(alt.Chart.from_dict({**SPEC, "mark": "tick"}))[0]["text/html"]
    ids = [re.search(r'data-vegafigs-id="(\w+)"', p).group(1) for p in (one, other)]
    assert ids[0] != ids[1]


def test_spec_is_escaped(enabled):
    evil = "</script><script>alert(1)</script>"
    chart = alt.Chart.from_dict({**SPEC, "title": evil})
    page = _bundle(chart)[0]["text/html"]
    assert page.count("<script") == 2 and evil not in page
    assert 'alt="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"data": {"url": "https://example.com/d.csv"}}, "data"),
        ({"usermeta": {"embedOptions": {"actions": True}}}, "embedOptions"),
    ],
)
def test_untrusted_spec_refused(enabled, extra, where):
    with pytest.raises(ExportError, match=where):
        renderer({**SPEC, **extra})


def test_embed_options_dropped_when_external_data_allowed():
    spec = {**SPEC, "usermeta": {"embedOptions": {"actions": True}}}
    page = renderer(spec, allow_external_data=True)[0]["text/html"]
    shown = json.loads(re.search(r'class="vegafigs-spec">(.*?)</script>', page).group(1))
    assert "embedOptions" not in shown.get("usermeta", {})
    assert "const allowExternal = true;" in page


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"static": "gif"}, "static: expected one of"),
        ({"dpi": 0}, "dpi: expected"),
        ({"allow_external_data": "yes"}, "allow_external_data: expected True or False"),
        ({"embed_options": {"actions": True}}, "embed_options: the vegafigs renderer"),
        ({"colour": "red"}, "colour: unknown option"),
    ],
)
def test_bad_options(options, message):
    with pytest.raises(VegafigsError, match=message):
        renderer(SPEC, **options)


def test_enable_checks_options_now():
    before = alt.renderers.active
    with pytest.raises(ExportError, match="static"):
        vf.notebook(static="jpeg")
    assert alt.renderers.active == before
    vf.notebook(dpi=72)
    try:
        assert alt.renderers.active == "vegafigs" and alt.renderers.options == {"dpi": 72}
        bundle, meta = _bundle(alt.Chart.from_dict(SPEC))
        assert _png_size(bundle["image/png"]) == (
            meta["image/png"]["width"],
            meta["image/png"]["height"],
        )
    finally:
        alt.renderers.enable(before)


def test_set_embed_options_is_refused(enabled):
    alt.renderers.set_embed_options(actions=True)
    with pytest.raises(ExportError, match="embed_options"):
        _bundle(alt.Chart.from_dict(SPEC))


def test_entry_point_declared():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points."altair.vegalite.v6.renderer"]' in text
    assert 'vegafigs = "vegafigs.jupyter:renderer"' in text


# -- a real notebook, executed, exported and opened in a browser ----------------------
NAMES = ("grad_metrics_hist", "training_curve", "kl_spaghetti")

# Per vegafigs output: its state, the SVGs drawn and their mark items, the picture left.
_OUTPUTS = """
(() => Array.from(document.querySelectorAll('.vegafigs-output')).map(box => {
  const svgs = box.querySelectorAll('svg');
  const marks = box.querySelectorAll('svg g.role-mark > path, svg g.role-mark > text');
  return {
    state: box.getAttribute('data-vegafigs-state'),
    svgs: svgs.length,
    marks: Array.from(marks).filter(m => (m.getAttribute('d') || m.textContent) !== '').length,
    picture: box.querySelectorAll('.vegafigs-static').length,
    cell: box.closest('.jp-Cell') ? Array.from(document.querySelectorAll('.jp-Cell'))
      .indexOf(box.closest('.jp-Cell')) : -1,
  };
}))()
"""


class _OfflineChromium(Chromium):
    """Chromium whose pages are offline and record every request they make (page.requests)."""

    def open(self, url, *, timeout=60.0):
        page = super().open("about:blank", domains=("Runtime", "Log", "Page", "Network"))
        page.send(
            "Network.emulateNetworkConditions",
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        page.loaded = False
        page.send("Page.navigate", url=url)
        self._wait_loaded(page, timeout)
        return page

    def _wait_loaded(self, page, timeout):
        import time

        deadline = time.monotonic() + timeout
        while not page.loaded:
            if time.monotonic() > deadline:
                raise TimeoutError(f"page did not load in {timeout}s")
            self.pump(0.05)


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory):
    """A kernelspec that runs this Python (so this vegafigs) as the notebook's kernel."""
    folder = tmp_path_factory.mktemp("kernels") / "vegafigs-test"
    folder.mkdir()
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    path = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    spec = {"argv": argv, "display_name": "vegafigs test", "language": "python",
            "env": {"PYTHONPATH": path}}  # fmt: skip
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder.parent


def _export(cells: list[str], kernel_dir: Path) -> str:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nbconvert = pytest.importorskip("nbconvert")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in cells]
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    km = KernelManager(kernel_name="vegafigs-test", kernel_spec_manager=specs)
    nbclient.NotebookClient(nb, km=km, timeout=600).execute()
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    return body


@pytest.fixture(scope="module")
def exported(tmp_path_factory, kernel_dir):
    cells = ["import vegafigs as vf\nfrom vegafigs.gallery import FIGURES\nvf.notebook()"]
    cells += [f"FIGURES[{name!r}].build()" for name in NAMES]
    out = tmp_path_factory.mktemp("nb")
    (out / "figures.html").write_text(_export(cells, kernel_dir), encoding="utf-8")
    # The same export without charts: the requests the template itself makes.
    (out / "plain.html").write_text(_export(["1 + 1"], kernel_dir), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def browser():
    b = launch(_OfflineChromium)
    yield b
    b.stop()


def _settle(browser, page, count: int) -> list[dict]:
    page.wait_for(
        f"(() => {{ const b = document.querySelectorAll('.vegafigs-output');"
        f" return b.length === {count} && Array.from(b).every(x =>"
        " ['drawn', 'failed'].includes(x.getAttribute('data-vegafigs-state'))); })()",
        timeout=60,
    )
    browser.pump(0.5)  # late console messages
    return page.evaluate(_OUTPUTS)


def _template_noise(browser, plain: Path) -> tuple[set[str], set[str]]:
    """Requests and console errors of the export without charts (require.js, MathJax)."""
    page = browser.open(plain.resolve().as_uri())
    try:
        browser.pump(1.5)
        return set(page.requests), set(page.errors())
    finally:
        page.close()


@pytest.mark.slow
def test_nbconvert_export_draws_three_charts_offline(browser, exported):
    text = (exported / "figures.html").read_text(encoding="utf-8")
    assert text.count('class="vegafigs-output"') == 3
    assert text.count(_js_bundle()) == 3  # carried by each output, evaluated once
    requests, errors = _template_noise(browser, exported / "plain.html")
    page = browser.open((exported / "figures.html").resolve().as_uri())
    try:
        drawn = _settle(browser, page, 3)
        assert [d["state"] for d in drawn] == ["drawn"] * 3, (drawn, page.errors())
        for d in drawn:
            assert d["svgs"] >= 1 and d["marks"] >= 3 and d["picture"] == 0, d
        assert len({d["cell"] for d in drawn}) == 3  # one per cell
        # the template's own require.js and MathJax (CDN): offline, they fail to load
        assert all(e.startswith("network: Failed to load resource") for e in errors), errors
        assert set(page.errors()) <= errors, page.errors()  # none of ours
        assert not any("already been declared" in e for e in page.errors())
        web = [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))]
        assert set(web) <= requests, web  # nothing beyond the template's own
        # The bundle ran once: one registry entry, and the page's globals are its own.
        assert page.evaluate("Object.keys(window.__vegafigs).length") == 1
    finally:
        page.close()


@pytest.mark.slow
def test_a_later_output_alone_draws(browser, exported, tmp_path):
    """The first output's cell cleared (its bundle gone): the later ones still draw."""
    text = (exported / "figures.html").read_text(encoding="utf-8")
    start = text.index('<div class="vegafigs-output"')
    end = text.index("</script>\n</div>\n", start) + len("</script>\n</div>\n")
    path = tmp_path / "cleared.html"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    page = browser.open(path.resolve().as_uri())
    try:
        drawn = _settle(browser, page, 2)
        assert [d["state"] for d in drawn] == ["drawn"] * 2, (drawn, page.errors())
        assert all(d["marks"] >= 3 for d in drawn)
        assert not any("vegafigs" in e or "declared" in e for e in page.errors())
    finally:
        page.close()


@pytest.mark.slow
def test_output_shown_twice_and_after_altair_inline(browser, tmp_path):
    """The same output twice on a page, after a page that defined vegaEmbed itself."""
    bundle, _ = renderer(SPEC)
    head = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
    other = "<script>window.vegaEmbed = 'not ours';</script>"
    path = tmp_path / "twice.html"
    body = head + other + bundle["text/html"] * 2 + "</body></html>"
    path.write_text(body, encoding="utf-8")
    page = browser.open(path.resolve().as_uri())
    try:
        drawn = _settle(browser, page, 2)
        assert [d["state"] for d in drawn] == ["drawn"] * 2, (drawn, page.errors())
        assert page.errors() == []
        assert [u for u in page.requests if not u.startswith("data:")] == [path.as_uri()]
        assert page.evaluate("window.vegaEmbed") == "not ours"  # left as it was
    finally:
        page.close()


# How frontends insert an output: JupyterLab and VS Code set innerHTML, then replace each
# <script> by a new one (which runs); classic Notebook (jQuery) runs each script's text
# in a new <script> in <head>.
_INSERT = """
(html, how) => {
  const host = document.createElement('div');
  host.className = 'output';
  document.body.appendChild(host);
  host.innerHTML = html;
  Array.from(host.querySelectorAll('script')).forEach(old => {
    const run = document.createElement('script');
    Array.from(old.attributes).forEach(a => run.setAttribute(a.name, a.value));
    run.textContent = old.textContent;
    if (how === 'lab' || run.type === 'application/json') { old.replaceWith(run); }
    else { document.head.appendChild(run); run.remove(); }
  });
  return true;
}
"""


@pytest.mark.slow
@pytest.mark.parametrize("how", ["lab", "classic"])
def test_frontend_insertion_rerun_and_clear(browser, tmp_path, how):
    """Outputs inserted as a frontend does, a cell re-run (cleared, shown again), another chart."""
    one = renderer(SPEC)[0]["text/html"]
    other = renderer({**SPEC, "mark": "tick"})[0]["text/html"]
    path = tmp_path / "blank.html"
    path.write_text("<!DOCTYPE html><html><head></head><body></body></html>", encoding="utf-8")
    page = browser.open(path.resolve().as_uri())

    def insert(html: str) -> None:
        page.evaluate(f"({_INSERT})({json.dumps(html)}, {json.dumps(how)})")

    try:
        insert(one)
        assert [d["state"] for d in _settle(browser, page, 1)] == ["drawn"]
        page.evaluate("document.querySelectorAll('.output').forEach(o => o.remove())")  # re-run
        insert(one)
        insert(other)
        drawn = _settle(browser, page, 2)
        assert [d["state"] for d in drawn] == ["drawn"] * 2, (drawn, page.errors())
        assert all(d["marks"] >= 2 for d in drawn), drawn
        assert page.errors() == []
        assert page.evaluate("Object.keys(window.__vegafigs).length") == 1
        assert page.evaluate("typeof window.vegaEmbed") == "function"
    finally:
        page.close()
