"""The package tree is the architecture: imports run one way, modules stay small.

Layers, lowest first: utils < load < assembly < render < features < cli and serve
(the two interfaces: the command line and the drafting page).
A module may import its own layer or lower ones; a feature never imports
another feature. Read from each module's own import statements.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import agreement_kit

PACKAGE = Path(agreement_kit.__file__).parent
LAYERS = {"utils": 0, "load": 1, "assembly": 2, "render": 3, "cli": 5, "serve": 5}
FEATURES = {
    "building",
    "validate",
    "reviewing",
    "comparison",
    "batch",
    "catalogue",
    "importing",
    "facility_time",
    "drafts",
}
MAX_LINES = 400


def layer_of(folder: str) -> int:
    if folder in FEATURES:
        return 4
    if folder not in LAYERS:
        raise AssertionError(f"agreement_kit/{folder}/ is in no layer: add it to LAYERS or FEATURES")
    return LAYERS[folder]


def imported_folders(source: str, module_parts: tuple[str, ...]) -> list[tuple[int, str, list[str]]]:
    """(line, top-level folder, names) for each import of agreement_kit code, relative or absolute.

    ``module_parts`` is the module's path inside the package, e.g. ("load", "spec")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module_parts[:-1])
                base = base[: len(base) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "agreement_kit":
                target = node.module.split(".")[1:]
            else:
                continue
            names = [a.name for a in node.names]
            # "from .. import x" names submodules when x is a folder
            folder = target[0] if target else (names[0] if names[0] in LAYERS or names[0] in FEATURES else "")
            found.append((node.lineno, folder, names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "agreement_kit" and len(parts) > 1:
                    found.append((node.lineno, parts[1], []))
    return found


def violations(source: str, module_parts: tuple[str, ...]) -> list[str]:
    own = module_parts[0]
    if len(module_parts) == 1:  # agreement_kit/__init__.py and __main__.py sit above every layer
        return []
    own_layer = layer_of(own)
    out = []
    for line, folder, names in imported_folders(source, module_parts):
        if folder == "":
            if names != ["__version__"]:
                out.append(f"line {line}: imports {names} from the package root (only __version__ may be)")
            continue
        if folder == own:
            continue
        if layer_of(folder) > own_layer:
            out.append(f"line {line}: {own}/ imports {folder}/, a higher layer")
        elif own in FEATURES and folder in FEATURES:
            out.append(f"line {line}: feature {own}/ imports feature {folder}/")
    return out


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def parts(path: Path) -> tuple[str, ...]:
    return path.relative_to(PACKAGE).with_suffix("").parts


@pytest.mark.parametrize("path", modules(), ids=lambda p: "/".join(parts(p)))
def test_imports_run_one_way(path):
    assert violations(path.read_text(encoding="utf-8"), parts(path)) == []


@pytest.mark.parametrize(
    ("module", "source", "message"),
    [
        (("load", "spec"), "from ..render import render\n", "load/ imports render/, a higher layer"),
        (("utils", "errors"), "from agreement_kit.load.yaml_source import Loc\n", "utils/ imports load/"),
        (("render", "html"), "from ..reviewing.review import review\n", "render/ imports reviewing/"),
        (("reviewing", "review"), "from ..comparison import compare\n", "feature reviewing/ imports feature"),
        (("batch", "batch"), "    from ..cli.common import err\n", "batch/ imports cli/, a higher layer"),
        (("building", "build"), "from .. import build\n", "from the package root"),
    ],
)
def test_a_planted_violation_is_caught(module, source, message):
    source = source if not source.startswith(" ") else "def f():\n" + source
    found = violations(source, module)
    assert len(found) == 1 and message in found[0]


def test_lower_imports_are_allowed():
    source = (
        "from ..utils.errors import InputError\n"
        "from ..load import library_models as lm\n"
        "from . import model\n"
    )
    assert violations(source, ("assembly", "assembler")) == []
    assert violations("from .. import __version__\n", ("batch", "batch")) == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: "/".join(parts(p)))
def test_modules_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines; split it along a seam"


def test_every_folder_says_what_it_owns():
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent == PACKAGE or init.parent.name == "_data":
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(PACKAGE)} needs a docstring saying what it owns"
        layer_of(init.parent.relative_to(PACKAGE).parts[0])  # and it is in a layer
