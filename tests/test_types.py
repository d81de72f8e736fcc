"""Static types: mypy over the package, with the settings in pyproject.toml."""

import subprocess
import sys

from conftest import REPO


def test_mypy_finds_no_errors():
    """The package type-checks."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "agreement_kit"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
