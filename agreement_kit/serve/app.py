"""The drafting page's routes: one Starlette app, which the tests call in-process.

GET  /                  the page: the form, the review panel, the preview
GET  /preview/KIND      one agreement as the HTML renderer makes it
POST /api/preview       a changed form: saved, checked, answered as JSON
POST /draft             the same form without script: saved, then the page again
POST /start, /upload    begin from a sample, or from a spec file
POST /restore           the spec the browser kept, after the server restarted
GET  /download/NAME     KIND.docx|md|html, spec.yaml, all.zip, facility-time.docx|md|html
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..load.library import Library, load_library
from ..utils.errors import InputError
from . import drafting as d
from .editor import editor
from .form import Form, spec_from_form
from .guard import MAX_BODY, Guard, allowed_hosts
from .sessions import COOKIE, Session, Sessions

HERE = Path(__file__).resolve().parent
_PACKAGE = HERE.parent
FORMAT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
    "zip": "application/zip",
}
BLANK: dict[str, Any] = {
    "agreements": ["partnership"],
    "organisation": {"type": "acute_trust", "nation": "england"},
    "unions": [],
    "dates": {},
}


def samples_dir() -> Path | None:
    """The sample specs: shipped in the wheel, or the repository's samples/."""
    for candidate in (_PACKAGE / "_data" / "samples", _PACKAGE.parent / "samples"):
        if candidate.is_dir():
            return candidate
    return None


def samples() -> dict[str, Path]:
    folder = samples_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder else {}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["anchor_id"] = lambda path: "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)
    return env


def parent_path(path: str) -> str:
    """``clauses.a.b.params.x`` -> ``clauses.a.b.params``; ``unions[0]`` -> ``unions``."""
    return re.sub(r"(\.[^.\[\]]*|\[\d+\])$", "", path)


def place(target: str, known: set[str]) -> str | None:
    """The nearest field on the page that a problem's path names, or None."""
    while target:
        if target in known:
            return target
        shorter = parent_path(target)
        if shorter == target:
            break
        target = shorter
    return None


class DraftingApp:
    def __init__(self, start: dict[str, Any] | None, library: Library) -> None:
        self.library = library
        self.sessions = Sessions(start or BLANK)

    # -- sessions and tokens -------------------------------------------------

    def session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    async def changing(self, request: Request) -> tuple[Session, Form] | Response:
        """The session of a request that changes state, with its form, or 403 without the token."""
        session = self.session(request)
        form = Form([])
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            async with request.form(max_files=1, max_fields=5000, max_part_size=MAX_BODY) as data:
                for key, value in data.multi_items():
                    if isinstance(value, UploadFile):
                        form.file = (value.filename or d.SPEC_FILE, await value.read())
                    else:
                        form.values.setdefault(key, []).append(value)
        token = request.headers.get("x-csrf-token") or form.get("csrf")
        if session is None or not session.accepts(token):
            return Response(
                "Forbidden: this request lacks the page's token. Reload the page and try again.",
                status_code=403,
                media_type="text/plain",
            )
        return session, form

    # -- pages --------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        session = self.session(request) or self.sessions.new()
        outcome = d.check(session.spec, self.library, preview=True)
        ed = editor(self.library, session.spec)
        known = _known_paths(ed)
        placed: dict[str, list[str]] = {}
        for p in outcome.problems:
            where = place(outcome.target(p), known)
            if where:
                placed.setdefault(where, []).append(p.message)
        message, session.message = session.message, ""
        kinds = [a.kind for a in outcome.agreements] or [k for k, _, on in ed.kinds if on]
        html = (
            environment()
            .get_template("page.html.j2")
            .render(
                ed=ed,
                csrf=session.csrf,
                revision=session.revision,
                spec_json=session.spec,
                problems=outcome.problem_list(),
                placed=placed,
                findings=outcome.finding_list(),
                numbers=d.outline_numbers(outcome),
                samples=list(samples()),
                sample=session.sample,
                message=message,
                preview_kinds=[
                    (k, self.library.kinds[k].short_title) for k in kinds if k in self.library.kinds
                ],
                has_facility_time=bool(outcome.loaded and outcome.loaded.spec.facility_time),
                fmt_names=("docx", "md", "html"),
            )
        )
        response = HTMLResponse(html)
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict", path="/")
        return response

    async def preview_page(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return Response(
                "No drafting session: open the page first.", status_code=404, media_type="text/plain"
            )
        outcome = d.check(session.spec, self.library, preview=True)
        shown = outcome.preview(request.path_params["kind"])
        if shown is None:
            items = "".join(f"<li>{_escape(p.field)}: {_escape(p.message)}</li>" for p in outcome.problems)
            return HTMLResponse(
                f"<!DOCTYPE html><html lang='en-GB'><title>No preview</title><body><p>No preview until these"
                f" are put right:</p><ul>{items}</ul></body></html>"
            )
        return HTMLResponse(shown[1])

    async def api_preview(self, request: Request) -> Response:
        got = await self.changing(request)
        if isinstance(got, Response):
            return got
        session, form = got
        spec = spec_from_form(form, self.library, session.spec)
        session.save(spec)
        outcome = d.check(spec, self.library, preview=True)
        kind = form.get("kind") or None
        focus = form.get("focus")
        numbers = outcome.numbers()
        if focus in numbers and kind not in numbers[focus]:
            kind = next(iter(numbers[focus]))
        shown = outcome.preview(kind)
        number = numbers.get(focus, {}).get(shown[0]) if shown else None
        return JSONResponse(
            {
                "revision": session.revision,
                "problems": outcome.problem_list(),
                "findings": outcome.finding_list(),
                "kind": shown[0] if shown else None,
                "html": shown[1] if shown else None,
                "anchor": f"clause-{number.replace('.', '-')}" if number else None,
                "numbers": numbers,
                "spec": spec,
            }
        )

    async def draft(self, request: Request) -> Response:
        got = await self.changing(request)
        if isinstance(got, Response):
            return got
        session, form = got
        session.save(spec_from_form(form, self.library, session.spec))
        return _back(form.get("focus"))

    async def start(self, request: Request) -> Response:
        got = await self.changing(request)
        if isinstance(got, Response):
            return got
        session, form = got
        path = samples().get(form.get("sample"))
        if path is None:
            session.message = "Choose one of the samples listed."
        else:
            session.save(d.read_spec_file(path))
            session.sample = path.stem
            session.message = f"Started from the sample {path.stem}."
        return _back()

    async def upload(self, request: Request) -> Response:
        got = await self.changing(request)
        if isinstance(got, Response):
            return got
        session, form = got
        name, raw = form.file or ("", b"")
        if not raw:
            session.message = "Choose a spec file (.yaml) to upload."
            return _back()
        try:
            session.save(d.read_spec_bytes(raw, name))
            session.message = f"Started from {Path(name).name}."
        except InputError as exc:
            session.message = "The file was not loaded: " + "; ".join(exc.lines())
        return _back()

    async def restore(self, request: Request) -> Response:
        got = await self.changing(request)
        if isinstance(got, Response):
            return got
        session, _ = got
        try:
            spec = json.loads(await request.body())
        except ValueError:
            return Response("Not JSON.", status_code=400, media_type="text/plain")
        if not isinstance(spec, dict) or not isinstance(spec.get("spec"), dict):
            return Response('Expected {"spec": {...}}.', status_code=400, media_type="text/plain")
        session.save(spec["spec"])
        session.message = "Your draft was restored from this browser's storage."
        return Response(status_code=204)

    async def download(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return Response(
                "No drafting session: open the page first.", status_code=404, media_type="text/plain"
            )
        name = request.path_params["name"]
        outcome = d.check(session.spec, self.library)
        stem, _, fmt = name.rpartition(".")
        files: list[tuple[str, bytes]] = []
        if name == "spec.yaml":
            files = [(f"{d.file_stem(session.spec)}-spec.yaml", d.spec_yaml(session.spec).encode("utf-8"))]
        elif outcome.problems:
            lines = "\n".join(f"{p.field}: {p.message}" for p in outcome.problems)
            return Response(f"Put these right first:\n{lines}\n", status_code=409, media_type="text/plain")
        elif name == "all.zip":
            files = [(f"{d.file_stem(session.spec)}-agreements.zip", d.zip_of(d.all_files(outcome)))]
        elif stem == "facility-time":
            files = [f for f in d.facility_time_files(outcome) if f[0].endswith(f".{fmt}")]
        elif (found := d.agreement_file(outcome, stem, fmt)) is not None:
            files = [found]
        if not files:
            return Response("No such download.", status_code=404, media_type="text/plain")
        filename, data = files[0]
        return Response(
            data,
            media_type=FORMAT_TYPES.get(filename.rpartition(".")[2], "application/octet-stream"),
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )


def _escape(text: str) -> str:
    return str(escape(text))


def _back(focus: str = "") -> Response:
    fragment = f"#edit-{focus}" if re.fullmatch(r"[a-z0-9_.]+", focus or "") else ""
    return RedirectResponse("/" + fragment, status_code=303)


def _known_paths(ed: Any) -> set[str]:
    controls = [
        *ed.organisation,
        *ed.general,
        *(c for row in ed.unions for c in row),
        *(c for row in ed.signatories for c in row),
    ]
    known = {c.path for c in controls} | {"agreements", "unions", "signatories", "organisation", "dates"}
    for kind in ed.outlines:
        for section in kind.sections:
            for clause in section.clauses:
                if clause.shown_before:
                    continue
                base = f"clauses.{clause.id}"
                known |= {base, f"{base}.variant", f"{base}.text", f"{base}.reason", f"{base}.include"}
                known |= {c.path for c in clause.params}
    return known


def create_app(
    spec: dict[str, Any] | None = None, *, port: int = 8000, library: Library | None = None
) -> Guard:
    """The drafting page as an ASGI app answering on 127.0.0.1:PORT and localhost:PORT."""
    drafting = DraftingApp(spec, library or load_library())
    routes = [
        Route("/", drafting.page),
        Route("/preview/{kind:str}", drafting.preview_page),
        Route("/api/preview", drafting.api_preview, methods=["POST"]),
        Route("/draft", drafting.draft, methods=["POST"]),
        Route("/start", drafting.start, methods=["POST"]),
        Route("/upload", drafting.upload, methods=["POST"]),
        Route("/restore", drafting.restore, methods=["POST"]),
        Route("/download/{name:str}", drafting.download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.drafting = drafting
    return Guard(app, allowed_hosts(port))
