"""The drafting page in a real browser: Playwright driving the system Chromium.

`.ci/install-tools` installs Debian's chromium (Playwright cannot download
its own browser here). The server is the real one (uvicorn on a socket on
127.0.0.1) in a thread. An HR director's path: start from a sample, change
a wording and a value, write the parties' own wording, download the Word
agreement and find every change in it; by keyboard alone; at 1280 and 400
pixels wide; and with no serious or critical axe-core violation.
Screenshots go to $AGREEMENT_KIT_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import docx
import pytest

CHROMIUM = next(
    (
        p
        for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium")
        if p and Path(p).exists()
    ),
    None,
)
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (bash .ci/install-tools installs it)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from agreement_kit.load.library import load_library  # noqa: E402
from agreement_kit.serve.app import create_app  # noqa: E402
from agreement_kit.serve.server import bind  # noqa: E402

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
OWN_WORDING = "The Joint Secretaries send the papers out ten Working Days before each meeting (zebra-marker)."
SHOTS = os.environ.get("AGREEMENT_KIT_SCREENSHOTS")


@pytest.fixture(scope="module")
def server():
    sock = bind(0)
    port = sock.getsockname()[1]
    app = create_app(None, port=port, library=load_library())
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def new_page(browser, width: int = 1280, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True, **options)
    context.set_default_timeout(60_000)  # a loaded 2-core machine can take seconds per render
    return context, context.new_page()


def updates(page) -> int:
    return int(page.evaluate("document.body.dataset.updates || '0'"))


def wait_update(page, before: int) -> None:
    """Until the page has shown the server's answer to a change (polled: the page's CSP forbids eval)."""
    deadline = time.monotonic() + 60  # generous: a loaded 2-core machine renders slowly
    while updates(page) <= before:
        assert time.monotonic() < deadline, page.locator("#status").inner_text()
        page.wait_for_timeout(50)


def start_from(page, url: str, sample: str) -> None:
    page.goto(url)
    page.get_by_label("A sample spec").select_option(sample)
    page.get_by_role("button", name="Start from this sample").click()
    page.wait_for_selector(f"text=Started from the sample {sample}")


def open_clause(page, clause_id: str):
    clause = page.locator(f'fieldset[data-clause="{clause_id}"]')
    section = page.locator("details.section", has=clause)
    if section.get_attribute("open") is None:
        section.locator(":scope > summary").click()
    return clause


def test_draft_change_and_download_word(server, browser, tmp_path):
    context, page = new_page(browser)
    start_from(page, server, "teaching-trust")

    chair = open_clause(page, "meetings.chair")
    before = updates(page)
    chair.get_by_label("co-chairs", exact=False).first.check()
    wait_update(page, before)

    before = updates(page)
    frequency = open_clause(page, "meetings.frequency")
    frequency.get_by_label("meetings", exact=False).first.fill("7")
    wait_update(page, before)

    papers = open_clause(page, "meetings.papers")
    before = updates(page)
    papers.get_by_label("The parties' own wording").fill(OWN_WORDING)
    papers.get_by_label("Reason for these choices").fill("Longer notice for shift workers.")
    wait_update(page, before)
    assert page.locator("#problems").is_hidden(), page.locator("#problem-list").inner_text()

    preview = page.frame_locator("#preview-frame")
    # the preview shows the last change once its answer arrives (a quick answer to an
    # earlier keystroke can come first), so wait for the words themselves
    sync_api.expect(preview.locator("body")).to_contain_text("zebra-marker", timeout=60_000)
    assert page.locator("#finding-list").get_by_text("wording departs from the model").count() >= 1

    with page.expect_download() as download_info:
        page.locator('a[href="/download/partnership.docx"]').click()
    path = tmp_path / "partnership.docx"
    download_info.value.save_as(path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "zebra-marker" in text
    assert "co-chair" in text.lower()
    assert "seven" in text or " 7 " in text

    page.reload()  # nothing lost on reload
    assert (
        open_clause(page, "meetings.papers").get_by_label("The parties' own wording").input_value()
        == OWN_WORDING
    )
    stored = page.evaluate("localStorage.getItem('agreement-kit:spec')")
    assert "zebra-marker" in stored
    context.close()


def test_keyboard_only(server, browser):
    context, page = new_page(browser)
    page.goto(server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the form"
    for _ in range(6):  # the sample list is reached by Tab
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "sample":
            break
    assert page.evaluate("document.activeElement.id") == "sample"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # start from the first sample
    page.wait_for_selector("text=Started from the sample")
    summary = page.locator("details.section:not([open]) > summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.section[open]").count() >= 2
    page.keyboard.press("Tab")  # into the section: the first clause's switch
    assert page.evaluate("document.activeElement.type") == "checkbox"
    before = updates(page)
    page.keyboard.press("Space")
    wait_update(page, before)
    context.close()


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.evaluate(
        """async () => {
            const result = await axe.run({exclude: [['#preview-frame']]}, {resultTypes: ['violations']});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )


@pytest.mark.parametrize("width", [1280, 400])
def test_accessible_at_each_width(server, browser, width):
    context, page = new_page(browser, width, bypass_csp=True)
    start_from(page, server, "mental-health-trust")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"drafting-{width}.png"))
        open_clause(page, "meetings.chair").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(SHOTS) / f"drafting-{width}-clause.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    if AXE.exists():
        serious = [v for v in _axe(page) if v["impact"] in ("serious", "critical")]
        assert serious == []
    context.close()


@pytest.mark.parametrize("width", [1280, 400])
def test_commentary_sits_beside_the_controls_when_wide_and_below_when_narrow(server, browser, width):
    context, page = new_page(browser, width)
    start_from(page, server, "teaching-trust")
    clause = open_clause(page, "meetings.chair")
    controls = clause.locator(".field").first.bounding_box()
    note = clause.locator("details.commentary")
    box = note.bounding_box()
    if width == 1280:
        assert note.get_attribute("open") is not None  # read as the choice is made
        assert box["x"] >= controls["x"] + controls["width"]
        assert box["y"] < controls["y"] + controls["height"]
    else:
        assert note.get_attribute("open") is None
        assert box["y"] > controls["y"] + controls["height"]
        assert box["x"] + box["width"] <= width
    context.close()
