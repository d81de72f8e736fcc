"""Schema of the clause library: clauses, parameters, variants, terms,
cited instruments and agreement outlines.

Every model forbids unknown keys, so a misspelt field in a clause file is an
error rather than a silently ignored setting.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

CLAUSE_ID = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
NAME = r"^[a-z][a-z0-9_]*$"

Nation = Literal["england", "scotland", "wales"]
NATIONS: tuple[Nation, ...] = ("england", "scotland", "wales")
KindName = Annotated[str, Field(pattern=NAME)]
ClauseId = Annotated[str, Field(pattern=CLAUSE_ID)]
ParamName = Annotated[str, Field(pattern=NAME)]
RefKey = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]


# Characters XML 1.0 cannot carry (and so no .docx can): C0 controls other
# than tab and newline, and lone surrogates. Refused with the field named,
# rather than dropped, mangled, or failing later inside the Word renderer.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def check_xml_safe(value: str) -> None:
    bad = XML_INVALID.search(value)
    if bad:
        raise ValueError(
            f"contains the control character U+{ord(bad.group()):04X} at position {bad.start() + 1},"
            " which a Word document cannot hold"
        )


def _check_strings(value: Any) -> None:
    """Every string in a field's value, however nested in lists and mappings."""
    if isinstance(value, str):
        check_xml_safe(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _check_strings(item)


class Strict(BaseModel):
    """Every model of the library and the spec: unknown keys are errors, and
    no text may hold a character a Word document cannot (clause libraries
    may come from third parties)."""

    # defer_build: a model's validator is made on its first use, not at import;
    # a build that reads the library from the cache never validates its models.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @field_validator("*")
    @classmethod
    def _xml_safe_text(cls, value: Any) -> Any:
        _check_strings(value)
        return value


# --- parameters -----------------------------------------------------------


class _Param(Strict):
    label: str
    """Short question shown to the person filling in a spec."""
    help: str | None = None
    """What the value means and how to choose it."""


Side = Literal["staff", "management", "neutral"]
"""Which side of the table a wording or value favours, against the model."""


class IntegerGuidance(Strict):
    higher_favours: Side | None = None
    """Which side a value above the recommended one favours; a lower value favours
    the other side (both neutral when this is neutral)."""
    min: int | None = None
    """Values below this are weaker than the guidance."""
    max: int | None = None
    """Values above this are weaker than the guidance."""
    recommended: int | None = None
    why: str | None = None
    """Why the guidance range is what it is (shown in review findings)."""


class TextParam(_Param):
    type: Literal["text"]
    default: str | None = None
    max_length: int = 300


class IntegerParam(_Param):
    type: Literal["integer"]
    default: int | None = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    """Plural noun for the value, e.g. ``working days``."""
    guidance: IntegerGuidance | None = None

    @model_validator(mode="after")
    def _bounds(self) -> IntegerParam:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        if self.default is not None:
            if self.min is not None and self.default < self.min:
                raise ValueError("default is below min")
            if self.max is not None and self.default > self.max:
                raise ValueError("default is above max")
        return self


class ChoiceParam(_Param):
    type: Literal["choice"]
    choices: dict[str, str]
    """Each allowed value and the words it puts into the agreement."""
    default: str | None = None
    recommended: str | None = None
    favours: dict[str, Side] = {}
    """Which side each choice favours, against the recommended one."""

    @model_validator(mode="after")
    def _known(self) -> ChoiceParam:
        for name in ("default", "recommended"):
            value = getattr(self, name)
            if value is not None and value not in self.choices:
                raise ValueError(f"{name} {value!r} is not one of the choices")
        for value in self.favours:
            if value not in self.choices:
                raise ValueError(f"favours: {value!r} is not one of the choices")
        return self


class BooleanParam(_Param):
    type: Literal["boolean"]
    default: bool | None = None
    recommended: bool | None = None


class DateParam(_Param):
    type: Literal["date"]
    default: dt.date | None = None


class ListParam(_Param):
    type: Literal["list"]
    default: list[str] | None = None
    min_items: int = 0


Param = Annotated[
    TextParam | IntegerParam | ChoiceParam | BooleanParam | DateParam | ListParam,
    Field(discriminator="type"),
]


# --- clauses --------------------------------------------------------------


class Variant(Strict):
    label: str
    """One line saying what this wording does differently."""
    favours: Side | None = None
    """Which side this wording favours, against the recommended one (the review
    reports a departure as stronger or weaker for the staff side)."""
    text: str
    note: str | None = None
    """Commentary added to the clause note when this variant is chosen."""


class Check(Strict):
    """A rule the chosen values must keep for the agreement to hold together."""

    require: str = Field(min_length=1)
    """A Jinja expression that must be true: this clause's parameters by name,
    ``variant``, and ``clauses`` (each clause in the agreements by id, with its
    parameters and ``variant``), e.g. ``management_roles | length <= management_members``."""
    message: str = Field(min_length=1)
    """What is wrong, in the spec's terms; Jinja over the same values."""
    param: ParamName | None = None
    """The parameter the spec should change: the error points at it."""


class Clause(Strict):
    id: ClauseId
    title: str
    version: int = Field(ge=1)
    kinds: list[KindName] = Field(min_length=1)
    nations: list[Nation] = list(NATIONS)
    params: dict[ParamName, Param] = {}
    text: str | None = None
    """Body of the clause: Jinja2 over the markup subset (see clauses/README.md)."""
    variants: dict[ParamName, Variant] = {}
    default_variant: ParamName | None = None
    recommended_variant: ParamName | None = None
    nation_variants: dict[Nation, ParamName] = {}
    """Variant chosen by a spec's nation unless the spec picks one itself."""
    note: str = Field(min_length=1)
    """Commentary: why the clause is there and what each side should weigh."""
    references: list[RefKey] = []
    """Instruments the clause cites; each must be in force for the agreement's
    nation at its effective date."""
    references_when_in_force: list[RefKey] = []
    """Instruments cited only where and when they are in force (the text uses
    ``in_force('key')`` to say the same)."""
    checks: list[Check] = []
    """Rules across this clause's values (and other clauses') that every spec must keep."""
    generated: Literal["definitions", "unions"] | None = None
    """Content the assembler appends after the text (the definitions list, the unions list)."""

    @model_validator(mode="after")
    def _wording(self) -> Clause:
        if (self.text is None) == (not self.variants):
            raise ValueError("give either text or variants, not both and not neither")
        if self.variants:
            names = set(self.variants)
            if self.default_variant is None:
                raise ValueError("default_variant is required when there are variants")
            for field in ("default_variant", "recommended_variant"):
                value = getattr(self, field)
                if value is not None and value not in names:
                    raise ValueError(f"{field} {value!r} is not one of the variants")
            for nation, value in self.nation_variants.items():
                if value not in names:
                    raise ValueError(f"nation_variants.{nation}: {value!r} is not one of the variants")
        elif self.default_variant or self.recommended_variant or self.nation_variants:
            raise ValueError("variant settings given but the clause has no variants")
        return self

    def variant_for(self, nation: Nation, chosen: str | None) -> str | None:
        if not self.variants:
            return None
        return chosen or self.nation_variants.get(nation) or self.default_variant

    @property
    def recommended(self) -> str | None:
        return self.recommended_variant or self.default_variant


class ClauseFile(Strict):
    topic: Annotated[str, Field(pattern=NAME)]
    title: str
    clauses: list[Clause] = Field(min_length=1)


# --- defined terms --------------------------------------------------------


class Term(Strict):
    definition: str
    """Markup text; may use the same context as clause text (org, nation...)."""
    nations: dict[Nation, str] = {}
    """A different definition for a nation."""
    requires: list[ClauseId] = []
    """Clauses without which the term means nothing (e.g. the LNC): an agreement
    may use the term only when one of them is in the spec's agreements."""


class TermsFile(Strict):
    terms: dict[Annotated[str, Field(pattern=r"^[A-Z][A-Za-z' \-]*$")], Term]


# --- agreement outlines ---------------------------------------------------


class OutlineEntry(Strict):
    clause: ClauseId
    default: bool = True
    """False for an optional clause a spec switches on with ``add``."""


class Section(Strict):
    id: ParamName
    title: str
    clauses: list[
        Annotated[
            Annotated[ClauseId, Tag("id")] | Annotated[OutlineEntry, Tag("entry")],
            Discriminator(lambda v: "id" if isinstance(v, str) else "entry"),
        ]
    ] = Field(min_length=1)

    def entries(self) -> list[OutlineEntry]:
        # a bare id was validated with the section; an entry of its defaults is
        # made without validating it again (and without building a validator for it)
        return [OutlineEntry.model_construct(clause=c) if isinstance(c, str) else c for c in self.clauses]


class Kind(Strict):
    title: str
    short_title: str
    sections: list[Section] = Field(min_length=1)


class KindsFile(Strict):
    library_version: str
    kinds: dict[KindName, Kind] = Field(min_length=1)


# --- checklists -----------------------------------------------------------


class ChecklistItem(Strict):
    id: ParamName
    text: str
    """The requirement in the project's own words."""
    clauses: list[ClauseId] = Field(min_length=1)
    """Clauses that cover the item; each must cite the checklist's reference."""
    require: str | None = None
    """A Jinja expression over ``clauses`` (each clause in the agreements by id, with
    its parameters and ``variant``) that must hold for the item to be covered on
    its content, not merely by a clause being present."""
    weak_because: str | None = None
    """What is missing when ``require`` does not hold, for the review."""


class Checklist(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")]
    title: str
    reference: RefKey
    """The instrument the checklist comes from (a key in references.yaml)."""
    kinds: list[KindName] = Field(min_length=1)
    items: list[ChecklistItem] = Field(min_length=1)
