"""A fleet agent's export read through an import profile: bytes → readings to record.

Only the file's shape and cells are checked here (encoding, header, dates, counters); what
the readings mean is the domain's (meter_batch, meter_rules). Every problem names the line
(physical, 1 = the file's first line), the column (the file's own header) and the value.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from operational_app.domain import fields
from operational_app.domain.billing import READING_SOURCES
from operational_app.domain.messages import Msg, msg, of_exception, render
from operational_app.domain.meter_batch import Row
from operational_app.domain.meter_profiles import Profile

UTF8_BOM = b"\xef\xbb\xbf"
MAX_ERRORS = 1000
OPTIONAL = ("meter_reset", "source")  # a file may leave these columns out


@dataclass
class CellError:
    line: int
    column: str  # the file's header ('' for the whole file)
    value: str
    message: Msg  # docs/conventions.md "Messages"

    @property
    def reason(self) -> str:
        """The English text."""
        return str(self.message)

    def text(self, lang: str) -> str:
        return self.message.render(lang)

    def describe(self, lang: str) -> str:
        """Where and what in `lang`: "línea 3, columna 'Contador', valor 'x': …"."""
        where = render("line {line}", {"line": self.line}, lang)
        if self.column:
            where += ", " + render("column '{column}'", {"column": self.column}, lang)
        if self.value != "":
            where += ", " + render("value {value!r}", {"value": self.value}, lang)
        return f"{where}: {self.text(lang)}"

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        if self.value != "":
            where += f", value {self.value!r}"
        return f"{where}: {self.reason}"


@dataclass
class Export:
    header: list[str] = field(default_factory=list)
    header_line: int = 1
    rows: list[Row] = field(default_factory=list)
    # line → the raw (serial, read_on, mono or total, color) cells, for the domain's errors
    cells: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    errors_not_listed: int = 0

    def error(self, err: CellError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(err)
        else:
            self.errors_not_listed += 1


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, profile: Profile, out: Export) -> str | None:
    """The text in the profile's encoding; a byte it cannot hold is an error with its line,
    column and the bytes around it."""
    if profile.encoding == "utf-8" and data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    if profile.encoding != "utf-8" and not data.isascii() and _is_utf8(data):
        first = next(i for i, b in enumerate(data) if b > 0x7F)
        out.error(CellError(_line_of(data, first), "", data[first:first + 2].hex(" "),
                            msg("the file is UTF-8, not {encoding} as profile {name} says (accented letters would be garbled)",
                                encoding=profile.encoding, name=profile.name)))
        return None
    try:
        text = data.decode(profile.encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        start = data.rfind(b"\n", 0, exc.start) + 1
        prefix = data[start:exc.start].decode(profile.encoding, errors="replace")
        header = data.split(b"\n", 1)[0].decode(profile.encoding, errors="replace")
        heads = next(csv.reader([header], delimiter=profile.delimiter), [])
        index = len(next(csv.reader([prefix], delimiter=profile.delimiter), [""])) - 1
        column = heads[index].strip() if line > 1 and 0 <= index < len(heads) else ""
        bad = data[exc.start:exc.end]
        out.error(CellError(line, column, bad.hex(" "),
                            msg("is not {encoding} (byte offset {start}): the file is in another encoding than profile {name} says",
                                encoding=profile.encoding, start=exc.start, name=profile.name)))
        return None
    return text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Dates:
    """The profile's date format, with an optional time part after the date; memoised
    (an export repeats a few hundred dates across hundreds of thousands of rows)."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.cache: dict[str, date | Msg] = {}
        # a format of the date alone, without spaces: the time part after a space or 'T'
        # can be cut before the cache (agents stamp each scan with its own minute)
        self.cut = not any(c in fmt for c in ("%H", "%I", "%M", "%S", "%p", " ", "T"))

    def parse(self, raw: str) -> date | Msg:
        """The date, or the reason it is not one."""
        key = raw.strip()
        if self.cut:
            key = key.split(" ", 1)[0].split("T", 1)[0] or key
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._parse(key)
        return found

    def _parse(self, raw: str) -> date | Msg:
        if not raw:
            return msg("is required (the reading's date)")
        candidates = [raw]
        for sep in (" ", "T"):
            if sep in raw:
                candidates.append(raw.split(sep, 1)[0])
        for text in candidates:
            try:
                day = datetime.strptime(text, self.fmt).date()
            except ValueError:
                continue
            if not fields.MIN_DATE <= day <= fields.MAX_DATE:
                return msg("is out of range (between {low} and {high})", low=fields.MIN_DATE,
                           high=fields.MAX_DATE)
            return day
        return msg("does not match the profile's date format {fmt}", fmt=self.fmt)


def counter(raw: str, profile: Profile) -> int | Msg:
    """A lifetime counter as the profile writes it ('21.900' with '.' thousands → 21900;
    '21900,00' with ',' decimals → 21900), or the reason it is not one."""
    text = raw.strip()
    if not text:
        return msg("is required (a lifetime counter)")
    if profile.thousands:
        text = text.replace(profile.thousands, "")
    whole, sep, fraction = text.partition(profile.decimal)
    if sep and fraction.strip("0"):
        return msg("is not a whole page counter")
    if not whole.isdigit() or not whole.isascii():
        if profile.thousands:
            return msg("is not a page counter (digits only, '{thousands}' between thousands)",
                       thousands=profile.thousands)
        return msg("is not a page counter (digits only)")
    number = int(whole)
    if number > fields.BIGINT_MAX:
        return msg("is too large for a page counter")
    return number


def read_export(data: bytes, profile: Profile, *, limit: int | None = None) -> Export:
    """Every data row as a reading to record, or the errors of the rows that are not one;
    `limit` stops after that many data rows (the admin page's preview)."""
    out = Export()
    text = decode(data, profile, out)
    if text is None:
        return out
    lines = io.StringIO(text, newline="")
    for _ in range(profile.skip_rows):
        lines.readline()
    out.header_line = profile.skip_rows + 1
    reader = csv.reader(lines, delimiter=profile.delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        out.error(CellError(out.header_line, "", "", msg("malformed CSV: {exc}", exc=exc)))
        return out
    if header is None:
        out.error(CellError(out.header_line, "", "", msg("the file has no header row (after {skip_rows} line(s) skipped)",
                                                         skip_rows=profile.skip_rows)))
        return out
    out.header = [h.strip() for h in header]
    index: dict[str, int] = {}
    for product, head in profile.columns.items():
        if head in out.header:
            index[product] = out.header.index(head)
        elif product not in OPTIONAL:
            shown = "; ".join(out.header[:8]) + ("; …" if len(out.header) > 8 else "")
            out.error(CellError(out.header_line, head, head,
                                msg("profile {name} reads this column ({product}) but the file's header has no such column (it has: {shown})",
                                    name=profile.name, product=product, shown=shown)))
    if out.errors:
        return out
    dates = _Dates(profile.date_format)
    mono_field = "total_counter" if profile.uses_total else "mono_counter"
    i_serial, i_read = index["serial"], index["read_on"]
    i_mono, i_color = index[mono_field], index["color_counter"]
    head_of = profile.columns
    i_reset, i_source = index.get("meter_reset"), index.get("source")
    width = max(index.values()) + 1
    previous_end = out.header_line + reader.line_num - 1
    rows = 0
    try:
        for cells in reader:
            line = previous_end + 1
            previous_end = out.header_line + reader.line_num - 1
            if not any(c.strip() for c in cells):
                continue
            if limit is not None and rows >= limit:
                break
            rows += 1
            if len(cells) < width:
                missing = [h for p, h in head_of.items() if index.get(p, -1) >= len(cells)]
                out.error(CellError(line, missing[0], "", msg("the row has {length} cells: no cell for this column",
                                                              length=len(cells))))
                continue
            serial, raw_read = cells[i_serial].strip(), cells[i_read]
            raw_mono, raw_color = cells[i_mono], cells[i_color]
            bad = False
            if not serial:
                out.error(CellError(line, head_of["serial"], "", msg("is required (the device's serial number)")))
                bad = True
            day = dates.parse(raw_read)
            if isinstance(day, Msg):
                out.error(CellError(line, head_of["read_on"], raw_read, day))
                bad = True
            mono = counter(raw_mono, profile)
            if isinstance(mono, Msg):
                out.error(CellError(line, head_of[mono_field], raw_mono, mono))
                bad = True
            color = counter(raw_color, profile)
            if isinstance(color, Msg):
                out.error(CellError(line, head_of["color_counter"], raw_color, color))
                bad = True
            reset, source = False, profile.source
            if i_reset is not None and cells[i_reset].strip():
                try:
                    reset = bool(fields.parse_bool(cells[i_reset]))
                except ValueError as exc:
                    out.error(CellError(line, head_of["meter_reset"], cells[i_reset],
                                        of_exception(exc)))
                    bad = True
            if i_source is not None and cells[i_source].strip():
                source = cells[i_source].strip()
                if source not in READING_SOURCES:
                    out.error(CellError(line, head_of["source"], source,
                                        msg("must be one of {options}",
                                            options=', '.join(READING_SOURCES))))
                    bad = True
            if bad:
                continue
            if profile.uses_total:
                if color > mono:
                    out.error(CellError(line, head_of["color_counter"], raw_color,
                                        msg("the colour counter exceeds the total counter ({raw_mono}): mono = total − color would be negative",
                                            raw_mono=raw_mono.strip())))
                    continue
                mono -= color
            out.rows.append(Row(line, serial, day, mono, color, source, reset))
            out.cells[line] = (serial, raw_read, raw_mono, raw_color)
    except csv.Error as exc:
        out.error(CellError(previous_end + 1, "", "", msg("malformed CSV: {exc} (check the quotes)",
                                                          exc=exc)))
    return out
