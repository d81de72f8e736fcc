"""The drafting page in-process: Starlette's TestClient against the app, no socket.

Pages render from the library; the Host check, the token and the body limit
hold; hostile values are escaped; a changed variant or value changes the
preview; problems come back by field; downloads are whole.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import docx
import html5lib
import pytest
from starlette.testclient import TestClient

from agreement_kit.load.library import load_library
from agreement_kit.serve.app import create_app
from agreement_kit.serve.drafting import read_spec_file

REPO = Path(__file__).resolve().parent.parent
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def library():
    return load_library()


def client_for(library, sample: str = "teaching-trust") -> TestClient:
    spec = read_spec_file(REPO / "samples" / f"{sample}.yaml")
    return TestClient(create_app(spec, port=PORT, library=library), base_url=BASE)


def form_items(text: str, form_id: str = "draft-form") -> list[tuple[str, str]]:
    """What a browser would post for the form as the page shows it."""
    tree = html5lib.parse(text, namespaceHTMLElements=False)
    form = next(f for f in tree.iter("form") if f.get("id") == form_id)
    items = []
    for el in form.iter():
        name = el.get("name")
        if not name:
            continue
        if el.tag == "input" and el.get("type") in ("checkbox", "radio"):
            if el.get("checked") is not None:
                items.append((name, el.get("value", "on")))
        elif el.tag == "input":
            items.append((name, el.get("value", "")))
        elif el.tag == "textarea":
            items.append((name, el.text or ""))
        elif el.tag == "select":
            options = list(el.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            items.append((name, chosen[0].get("value", "")))
    return items


def replaced(items: list[tuple[str, str]], name: str, value: str | None) -> list[tuple[str, str]]:
    out = [(k, v) for k, v in items if k != name]
    return out + ([(name, value)] if value is not None else [])


class Page:
    def __init__(self, client: TestClient):
        self.client = client
        response = client.get("/")
        assert response.status_code == 200
        self.text = response.text
        self.items = form_items(self.text)
        self.token = dict(self.items)["csrf"]

    def preview(self, items: list[tuple[str, str]], **headers: str):
        return self.client.post(
            "/api/preview", content=urlencode(items), headers={**FORM, "x-csrf-token": self.token, **headers}
        )


@pytest.fixture
def page(library):
    return Page(client_for(library))


def test_the_page_is_built_from_the_library(page, library):
    text = page.text
    tree = html5lib.parse(text, namespaceHTMLElements=False)
    # every clause of the sample's agreements for its nation has its editor, with its title
    for kind in ("partnership", "recognition"):
        for clause_id in library.outline_ids(kind):
            clause = library.clauses[clause_id].clause
            if "england" in clause.nations:
                assert f'data-clause="{clause_id}"' in text or f"{clause.title}: set above" in text
    chair = library.clauses["meetings.chair"].clause
    for name, variant in chair.variants.items():
        assert f'value="{name}"' in text and variant.label in text
    assert "favours the staff side" in text or "favours management" in text
    # every control has a visible label
    ids = {el.get("for") for el in tree.iter("label")}
    for el in tree.iter():
        if el.tag in ("input", "select", "textarea") and el.get("type") != "hidden":
            assert el.get("id") in ids, el.attrib
    assert '<script src="/static/drafting.js"' in text and "https://" not in text.split("<body>")[0]


def test_static_files_and_preview_page(page):
    assert "fetch(" in page.client.get("/static/drafting.js").text
    assert page.client.get("/static/drafting.css").status_code == 200
    preview = page.client.get("/preview/partnership")
    assert preview.status_code == 200 and "<h1>Partnership Agreement</h1>" in preview.text


@pytest.mark.parametrize(
    "host", ["evil.example:8765", "127.0.0.1", "localhost:9999", "127.0.0.1.nip.io:8765", ""]
)
def test_a_foreign_host_is_refused(library, host):
    client = client_for(library, "test-mini")
    assert client.get("/", headers={"host": host}).status_code == 400
    assert client.post("/api/preview", headers={"host": host}).status_code == 400


def test_localhost_is_accepted(library):
    client = TestClient(create_app(None, port=PORT, library=library), base_url=f"http://localhost:{PORT}")
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/api/preview", "/draft", "/start", "/restore"])
def test_state_changes_need_the_token(page, path):
    items = [(k, v) for k, v in page.items if k != "csrf"]
    missing = page.client.post(path, content=urlencode(items), headers=FORM)
    assert missing.status_code == 403
    wrong = page.client.post(path, content=urlencode(items), headers={**FORM, "x-csrf-token": "x" * 43})
    assert wrong.status_code == 403
    # another browser (no session cookie) with the right token is refused too
    other = TestClient(page.client.app, base_url=BASE)
    assert other.post(path, content=urlencode(page.items), headers=FORM).status_code == 403


def test_an_oversize_body_is_refused(page):
    body = b"a=" + b"x" * 2_100_000
    response = page.client.post("/api/preview", content=body, headers={**FORM, "x-csrf-token": page.token})
    assert response.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(30):
            yield b"x" * 100_000

    response = page.client.post("/api/preview", content=chunks(), headers={"x-csrf-token": page.token})
    assert response.status_code == 413


def test_hostile_values_are_escaped(page):
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{ 7*7 }}'
    items = replaced(page.items, "organisation.name", hostile)
    items = replaced(items, "c.meetings.chair.reason", hostile)
    assert page.preview(items).status_code == 200
    text = page.client.get("/").text
    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    spec_json = text.split('id="spec-data">')[1].split("</script>")[0]
    assert "<" not in spec_json  # the embedded spec cannot close its script element
    preview = page.client.get("/preview/partnership").text
    assert "<script>alert(1)" not in preview and "{{ 7*7 }}" in preview


def test_a_changed_variant_and_value_change_the_preview(page, library):
    before = page.preview(page.items).json()
    chair = library.clauses["meetings.chair"].clause
    other = next(v for v in chair.variants if v != dict(page.items).get("c.meetings.chair.variant"))
    items = replaced(page.items, "c.meetings.chair.variant", other)
    items = replaced(items, "c.meetings.frequency.p.meetings_per_year", "7")
    answer = page.preview(items + [("focus", "meetings.chair")]).json()
    assert answer["problems"] == []
    assert answer["kind"] == "partnership"
    assert answer["html"] != before["html"]
    assert answer["spec"]["clauses"]["meetings.chair"]["variant"] == other
    assert answer["spec"]["clauses"]["meetings.frequency"]["params"]["meetings_per_year"] == 7
    assert "seven" in answer["html"] or ">7<" in answer["html"] or " 7 " in answer["html"]
    assert answer["anchor"].startswith("clause-")
    assert f'id="{answer["anchor"]}"' in answer["html"]
    assert any(f["clause_id"] == "meetings.chair" for f in answer["findings"]) or other == chair.recommended
    # saved in the session: a reload shows the choice
    again = form_items(page.client.get("/").text)
    assert ("c.meetings.chair.variant", other) in again


def test_problems_come_back_by_field(page):
    items = replaced(page.items, "c.meetings.frequency.p.meetings_per_year", "1000")
    items = replaced(items, "organisation.name", "")
    items = replaced(items, "organisation.headcount", "many")
    answer = page.preview(items).json()
    fields = {p["field"]: p["message"] for p in answer["problems"]}
    assert "organisation.name" in fields and "organisation.headcount" in fields
    assert answer["html"] is None
    # values are checked once the spec itself parses
    answer = page.preview(replaced(page.items, "c.meetings.frequency.p.meetings_per_year", "1000")).json()
    fields = {p["field"]: p["message"] for p in answer["problems"]}
    assert "above the maximum" in fields["clauses.meetings.frequency.params.meetings_per_year"]
    # and the page shows the message beside the field
    text = page.client.get("/").text
    err = text.split('id="f-clauses-meetings-frequency-params-meetings_per_year-err"')[1].split("</p>")[0]
    assert "above the maximum" in err and "hidden" not in err.split(">")[0]


def test_leaving_a_clause_out_that_others_need_points_at_its_switch(page):
    items = [(k, v) for k, v in page.items if k != "c.meetings.decisions.include"]
    answer = page.preview(items).json()
    targets = {p["target"] for p in answer["problems"]}
    assert not answer["problems"] or "clauses.meetings.decisions.include" in targets


def test_plain_form_post_saves_and_redirects(page):
    items = replaced(page.items, "c.meetings.chair.reason", "Both sides asked for it.")
    response = page.client.post("/draft", content=urlencode(items), headers=FORM, follow_redirects=False)
    assert response.status_code == 303
    assert 'value="Both sides asked for it."' in page.client.get("/").text


def test_start_from_a_sample_and_from_an_upload(page):
    token = page.token
    response = page.client.post(
        "/start", content=urlencode({"csrf": token, "sample": "suffolk-ccg"}), headers=FORM
    )
    assert response.status_code == 200 and "Started from the sample suffolk-ccg" in response.text
    assert "Suffolk" in response.text
    bad = page.client.post(
        "/start", content=urlencode({"csrf": token, "sample": "../../etc/passwd"}), headers=FORM
    )
    assert "Choose one of the samples" in bad.text
    spec = (REPO / "samples" / "test-mini.yaml").read_bytes()
    up = page.client.post("/upload", data={"csrf": token}, files={"spec": ("mine.yaml", spec, "text/yaml")})
    assert up.status_code == 200 and "Started from mine.yaml" in up.text
    assert "Smith &amp; Jones &lt;Holdings&gt; NHS Trust" in up.text
    broken = page.client.post(
        "/upload", data={"csrf": token}, files={"spec": ("x.yaml", b"a: !!python/object x", "text/yaml")}
    )
    assert "The file was not loaded" in broken.text


def test_restore_from_the_browser(page):
    spec = read_spec_file(REPO / "samples" / "test-mini.yaml")
    response = page.client.post("/restore", json={"spec": spec}, headers={"x-csrf-token": page.token})
    assert response.status_code == 204
    assert "restored from this browser" in page.client.get("/").text


def test_downloads(page):
    response = page.client.get("/download/partnership.docx")
    assert response.status_code == 200
    assert 'filename="' in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert any("Partnership Agreement" in p.text for p in document.paragraphs)
    assert page.client.get("/download/recognition.md").text.startswith("#")
    assert "<!DOCTYPE html>" in page.client.get("/download/partnership.html").text
    spec = page.client.get("/download/spec.yaml").text
    assert "organisation:" in spec and "effective: 2026" in spec
    archive = zipfile.ZipFile(io.BytesIO(page.client.get("/download/all.zip").content))
    names = archive.namelist()
    for kind in ("partnership", "recognition"):
        for fmt in ("docx", "md", "html"):
            assert any(n.endswith(f"-{kind}.{fmt}") for n in names), names
    assert any(n.endswith("-spec.yaml") for n in names)
    if read_spec_file(REPO / "samples" / "teaching-trust.yaml").get("facility_time"):
        assert any("facility-time" in n for n in names)
        assert page.client.get("/download/facility-time.docx").status_code == 200
    assert page.client.get("/download/nothing.exe").status_code == 404


def test_downloads_wait_for_a_spec_without_problems(page):
    page.preview(replaced(page.items, "organisation.name", ""))
    assert page.client.get("/download/partnership.docx").status_code == 409
    assert page.client.get("/download/spec.yaml").status_code == 200


def test_the_saved_spec_builds_the_same_agreement(page, tmp_path, library):
    from agreement_kit.building.build import prepare
    from agreement_kit.render.markdown import render_markdown

    path = tmp_path / "spec.yaml"
    path.write_text(page.client.get("/download/spec.yaml").text, encoding="utf-8")
    original = prepare([REPO / "samples" / "teaching-trust.yaml"], library)
    again = prepare([path], library)
    assert [render_markdown(p.agreement) for p in again] == [render_markdown(p.agreement) for p in original]


def test_every_sample_survives_the_form(library):
    from agreement_kit.render.markdown import render_markdown
    from agreement_kit.serve.drafting import check

    for path in sorted((REPO / "samples").glob("*.yaml")):
        page = Page(client_for(library, path.stem))
        answer = page.preview(page.items).json()
        assert answer["problems"] == [], path.name
        before = check(read_spec_file(path), library).agreements
        after = check(answer["spec"], library).agreements
        assert [render_markdown(a) for a in after] == [render_markdown(a) for a in before], path.name


def test_the_serve_command_is_registered():
    from click.testing import CliRunner

    from agreement_kit.cli.app import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "--no-browser" in result.output and "--port" in result.output


def test_serve_prints_the_url_first(monkeypatch, capsys):
    """The command binds 127.0.0.1, prints the URL first and stops when the server stops."""
    import uvicorn

    from agreement_kit.serve import server

    seen = {}

    def fake_run(self, sockets=None):
        seen["address"] = sockets[0].getsockname()

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    opened = []
    monkeypatch.setattr(server.webbrowser, "open", opened.append)
    server.serve(REPO / "samples" / "test-mini.yaml", port=None, open_browser=True)
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", out[0])
    assert seen["address"][0] == "127.0.0.1" and out[0] == f"http://127.0.0.1:{seen['address'][1]}/"
    assert opened == [out[0]]
