"""The README's example spec is a real, valid spec, and its walkthrough works as written."""

from __future__ import annotations

import re
import shlex
import shutil
import zipfile

from conftest import REPO
from docx import Document

from agreement_kit import assemble, load_library, load_spec


def test_readme_spec_example_builds(tmp_path):
    readme = (REPO / "README.md").read_text()
    (example,) = re.findall(r"```yaml\n(agreements:.*?)```", readme, re.S)
    spec = tmp_path / "example.yaml"
    spec.write_text(example)
    agreements = assemble(load_spec(spec), load_library())
    assert [a.kind for a in agreements] == ["partnership", "recognition"]
    cooling = agreements[0].clause("disputes.cooling_off")
    assert cooling.provenance.source == "custom"
    assert [o.id for o in agreements[0].omitted] == ["values.conduct"]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    install_and_build, install_and_test = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).splitlines()
    assert install_and_build.startswith("python -m pip install . && agreement-kit build samples/")
    ci_commands = [
        line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")
    ]
    assert ci_commands[-1] == install_and_test


def walkthrough_commands() -> list[list[str]]:
    """The commands of "First agreement, step by step", in order: each step's
    `agreement-kit ...` command that acts on the spec or the draft it made."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## First agreement, step by step", 1)[1].split("\n## ", 1)[0]
    commands = [shlex.split(c) for c in re.findall(r"`(agreement-kit [^`]+)`", section.replace("\n   ", " "))]
    # serve waits for a browser; `review draft.docx` names the staff side's own file
    return [c[1:] for c in commands if c[1] != "serve" and c[-1] != "draft.docx"]


def test_the_first_agreement_walkthrough_runs_from_init_to_a_signing_copy(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    steps = walkthrough_commands()
    assert [s[0] for s in steps] == ["init", "validate", "build", "review", "import", "build"]
    if not shutil.which("soffice"):
        steps[-1] = [a.replace("docx,pdf", "docx") for a in steps[-1]]
    edit = "The parties also meet on site once a quarter."
    for step in steps:
        if step[0] == "import":
            # the HR director's edit in Word, made to the drafting copy before it comes back
            draft = Document(step[1])
            clause_text = next(p for p in draft.paragraphs if p.style.style_id == "ClauseText")
            clause_text.add_run(" " + edit)
            draft.save(step[1])
        code, out, err = run_cli(*step)
        assert code == 0, (step, err)
    signing = tmp_path / "signing" / "example-partnership.docx"
    text = "\n".join(p.text for p in Document(signing).paragraphs)
    assert edit in text
    assert "Clause library version" not in text
    with zipfile.ZipFile(signing) as package:
        assert "word/comments.xml" not in package.namelist()
    assert (tmp_path / "review" / "example-partnership-review.docx").is_file()
