"""Import profiles: how to read one fleet agent's meter export (docs/meter-readings.md).

A profile is data — a small YAML document kept in `meter_import_profiles` (or a file
passed to `seiton import-meters --profile PATH`) — never code. This module owns what a valid
profile is (`parse_profile`), its YAML form (`to_yaml`), the shipped ones
(operational_app/meter_capture/profiles/*.yaml) and the audited write (`save_profile`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.domain import writes
from operational_app.domain.billing import READING_SOURCES
from operational_app.domain.errors import ValidationError
from operational_app.domain.fields import Checker, check_actor
from operational_app.store.models import MeterImportProfile

ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "cp1252": "cp1252",
             "windows-1252": "cp1252", "latin-1": "latin-1", "latin1": "latin-1",
             "iso-8859-1": "latin-1"}
DELIMITERS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "|": "|"}
SEPARATORS = ("", ".", ",", " ", "'")  # inside counters: none, or one of these
UNKNOWN_SERIALS = ("skip", "error")
FIELDS = ("serial", "read_on", "mono_counter", "color_counter", "total_counter",
          "meter_reset", "source")  # the last two optional: default false and the profile's source
KEYS = ("name", "description", "encoding", "delimiter", "thousands", "decimal", "date_format",
        "skip_rows", "columns", "source", "unknown_serials")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Profile:
    name: str
    columns: dict[str, str]  # product field → the file's header
    encoding: str = "utf-8"
    delimiter: str = ","
    thousands: str = ""
    decimal: str = "."
    date_format: str = "%Y-%m-%d"
    skip_rows: int = 0
    source: str = "agent"
    unknown_serials: str = "error"
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def uses_total(self) -> bool:
        return "total_counter" in self.columns


def parse_profile(text: str | dict[str, Any]) -> Profile:
    """A profile from its YAML text (or the mapping it holds); ValidationError naming each
    bad key otherwise."""
    v = Checker()
    if isinstance(text, str):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise ValidationError("definition", "is not valid YAML{where}: {problem}", where=where,
                                  problem=getattr(exc, 'problem', exc)) from None
    else:
        data = text
    if not isinstance(data, dict):
        raise ValidationError("definition", "must be a YAML mapping of keys (name, encoding, "
                                            "delimiter, date_format, columns, …)")
    for key in data:
        if key not in KEYS:
            v.fail(str(key), "unknown profile key (the keys are: {keys})", keys=', '.join(KEYS))
    name = str(data.get("name") or "").strip()
    if not _NAME_RE.match(name):
        v.fail("name", "is required: lowercase letters, digits, '-' or '_', at most 40")
    encoding = ENCODINGS.get(str(data.get("encoding", "utf-8")).strip().lower())
    if encoding is None:
        v.fail("encoding", "must be one of utf-8, cp1252, latin-1, not {value!r}",
               value=data.get('encoding'))
    delimiter = DELIMITERS.get(str(data.get("delimiter", ",")))
    if delimiter is None:
        v.fail("delimiter", "must be ',', ';', '|' or a tab, not {value!r}",
               value=data.get('delimiter'))
    thousands = "" if data.get("thousands") is None else str(data.get("thousands"))
    decimal = str(data.get("decimal", "."))
    if thousands not in SEPARATORS:
        v.fail("thousands", "must be empty or one of '.', ',', ' ', \"'\"")
    if decimal not in (".", ","):
        v.fail("decimal", "must be '.' or ','")
    elif thousands and thousands == decimal:
        v.fail("thousands", "must differ from the decimal separator")
    date_format = str(data.get("date_format", "%Y-%m-%d"))
    has = lambda *codes: any(c in date_format for c in codes)  # noqa: E731
    if not (has("%d", "%j") and has("%m", "%b", "%B", "%j") and has("%Y", "%y")):
        v.fail("date_format", "{date_format!r} must name a day, a month and a year (strftime "
                              "codes such as %d/%m/%Y)", date_format=date_format)
    else:
        try:
            datetime.strptime(date(2026, 3, 1).strftime(date_format), date_format)
        except ValueError:
            v.fail("date_format", "{date_format!r} is not a usable strftime format",
                   date_format=date_format)
    skip = data.get("skip_rows", 0)
    if not isinstance(skip, int) or isinstance(skip, bool) or not 0 <= skip <= 100:
        v.fail("skip_rows", "must be a whole number from 0 to 100")
    source = str(data.get("source", "agent"))
    if source not in READING_SOURCES:
        v.fail("source", "must be one of {options}", options=', '.join(READING_SOURCES))
    unknown = str(data.get("unknown_serials", "error"))
    if unknown not in UNKNOWN_SERIALS:
        v.fail("unknown_serials", "must be skip (listed in the report) or error")
    columns = data.get("columns")
    mapping: dict[str, str] = {}
    if not isinstance(columns, dict):
        v.fail("columns", "is required: a mapping of product field → the file's header")
    else:
        for product, header in columns.items():
            if product not in FIELDS:
                v.fail(f"columns.{product}", "unknown product field (the fields are: {fields})",
                       fields=', '.join(FIELDS))
            elif not isinstance(header, str) or not header.strip():
                v.fail(f"columns.{product}", "must name a header of the file")
            else:
                mapping[str(product)] = header.strip()
        for needed in ("serial", "read_on", "color_counter"):
            if needed not in columns:
                v.fail(f"columns.{needed}", "is required")
        has_mono, has_total = "mono_counter" in columns, "total_counter" in columns
        if has_mono == has_total:
            v.fail("columns.mono_counter", "give mono_counter, or total_counter (mono = "
                                             "total − color), but not both")
        if len(set(mapping.values())) != len(mapping):
            v.fail("columns", "two product fields read the same header")
    v.check()
    return Profile(name=name, columns=mapping, encoding=encoding or "utf-8",
                   delimiter=delimiter or ",", thousands=thousands, decimal=decimal,
                   date_format=date_format, skip_rows=int(skip), source=source,
                   unknown_serials=unknown,
                   description=str(data.get("description") or "").strip())


def to_yaml(profile: Profile) -> str:
    data: dict[str, Any] = {"name": profile.name}
    if profile.description:
        data["description"] = profile.description
    data.update(encoding=profile.encoding, delimiter=profile.delimiter,
                thousands=profile.thousands, decimal=profile.decimal,
                date_format=profile.date_format, skip_rows=profile.skip_rows,
                columns=dict(profile.columns), source=profile.source,
                unknown_serials=profile.unknown_serials)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# --------------------------------------------------------------------------- stored, shipped


def shipped() -> dict[str, str]:
    """The profiles that ship with the product: name → YAML text."""
    folder = resources.files("operational_app.meter_capture").joinpath("profiles")
    out = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            text = item.read_text(encoding="utf-8")
            out[parse_profile(text).name] = text
    return out


def stored(session: Session) -> dict[str, str]:
    return {p.name: p.definition for p in session.scalars(
        select(MeterImportProfile).order_by(MeterImportProfile.name))}


def available(session: Session) -> dict[str, str]:
    """Every profile by name: the stored ones, then the shipped ones not overridden."""
    return {**shipped(), **stored(session)}


def load(session: Session, name_or_path: str) -> Profile:
    """A stored (or shipped) profile by name, or a YAML file by path."""
    text = available(session).get(name_or_path)
    if text is None:
        path = Path(name_or_path)
        if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
            text = path.read_text(encoding="utf-8")
        else:
            known = ", ".join(sorted(available(session)))
            raise ValidationError("profile", "no profile named {name_or_path!r} and no such "
                                             "YAML file (profiles: {known})",
                                  name_or_path=name_or_path, known=known)
    return parse_profile(text)


def save_profile(session: Session, actor: str, *, definition: Any) -> MeterImportProfile:
    """Store a profile (new, or replacing the stored one of that name); audited."""
    actor = check_actor(actor)
    v = Checker()
    if isinstance(definition, str):  # a YAML document marker is not a spreadsheet formula
        definition = definition.removeprefix("---\n")
    text = v.text("definition", definition, max_len=20_000, required=True, multiline=True)
    v.check()
    profile = parse_profile(text)
    current = session.scalars(select(MeterImportProfile).where(
        MeterImportProfile.name == profile.name)).first()
    if current is not None:
        return writes.update(session, actor, current, profile.name, definition=text)
    return writes.insert(session, actor, MeterImportProfile(name=profile.name, definition=text),
                         profile.name, "name")
