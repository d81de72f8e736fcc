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
