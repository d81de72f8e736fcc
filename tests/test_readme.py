"""The README's example spec is a real, valid spec."""

from __future__ import annotations

import re

from conftest import REPO

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
