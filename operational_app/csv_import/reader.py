"""From a file's bytes to checked rows: size, encoding, CSV syntax, header, cell counts.

Only the shape of the file is checked here; what the values mean is the domain layer's
business (docs/contract.md, "CSV import formats"). Every problem names the file, the line
(header = line 1) and, where there is one, the column.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from operational_app.csv_import.report import CsvError

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# One cell may be as long as the whole file allows; the size limit is what bounds memory.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Record:
    """One data row: its first physical line and its cells by column (raw text)."""

    line: int
    values: dict[str, str]


@dataclass
class ParsedFile:
    header: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)  # the file cannot be imported
    row_errors: list[tuple[int, CsvError]] = field(default_factory=list)  # per-row shape


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, name: str, header: list[str] | None = None) -> tuple[str | None,
                                                                            CsvError | None]:
    """Strict UTF-8 (a BOM is accepted and dropped). A bad byte is reported with its byte
    offset and line, and the column when the header could be read."""
    if data.startswith(UTF16_BOMS):
        return None, CsvError("", "is UTF-16, not UTF-8: save it as 'CSV UTF-8'", 1, name)
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
        shift = len(UTF8_BOM)
    else:
        shift = 0
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        start_of_line = data.rfind(b"\n", 0, exc.start) + 1
        column = ""
        if line > 1:
            # The cells before the bad byte decode fine: count them to name the column.
            prefix = data[start_of_line:exc.start].decode("utf-8", errors="replace")
            cells = next(csv.reader([prefix]), [""])
            head = _header_of(data)
            index = max(len(cells), 1) - 1
            if index < len(head):
                column = head[index]
        bad = data[exc.start:exc.start + 1].hex()
        return None, CsvError(
            column,
            "is not valid UTF-8: byte 0x{bad} at byte offset {sum} (line {line}); save the "
            "file as UTF-8 ('CSV UTF-8' in Excel)",
            line, name, params={"bad": bad, "sum": exc.start + shift, "line": line})


def _header_of(data: bytes) -> list[str]:
    first = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return [c.strip() for c in next(csv.reader([first]), [])]


def _blank(cells: list[str]) -> bool:
    return all(c.strip() == "" for c in cells)


def check_header(
    header: list[str], columns: Iterable[str], required: Iterable[str], name: str
) -> list[CsvError]:
    known = list(columns)
    errors: list[CsvError] = []
    if len(header) == 1 and ";" in header[0] and header[0] not in known:
        return [CsvError("", "the header is separated by ';': columns must be separated by "
                             "commas", 1, name)]
    if not any(h in known for h in header):
        shown = ", ".join(header[:4]) + (", …" if len(header) > 4 else "")
        return [CsvError("", "missing header: line 1 must name the columns ({known}), but it "
                             "reads '{shown}'", 1, name, params={"known": ', '.join(known),
                                                                 "shown": shown})]
    seen: set[str] = set()
    for pos, col in enumerate(header, start=1):
        if col == "":
            errors.append(CsvError(f"#{pos}", "header cell {pos} is empty: every column needs "
                                              "a name", 1, name, params={"pos": pos}))
        elif col not in known:
            errors.append(CsvError(col, "unknown column for {name} (extra columns are an "
                                        "error, not ignored; the columns are: {known})", 1, name, params={
                                                                                                          "name": name,
                                                                                                          "known": ', '.join(known)}))
        elif col in seen:
            errors.append(CsvError(col, "the column appears twice in the header", 1, name))
        seen.add(col)
    for col in required:
        if col not in seen:
            errors.append(CsvError(col, "required column is missing from the header", 1, name))
    return errors


def parse(data: bytes, name: str, columns: list[str], required: list[str]) -> ParsedFile:
    """Decode and split a CSV file; file-level problems stop at the first, row-level ones
    (wrong number of cells) are collected for every row."""
    out = ParsedFile()
    text, err = _decode(data, name)
    if err is not None:
        out.errors.append(err)
        return out
    assert text is not None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        first = next(reader, None)
        if first is None or _blank(first):
            out.errors.append(CsvError("", "the first line must be the header row naming the "
                                           "columns ({columns})", 1, name, params={
                                                                                   "columns": ', '.join(columns)}))
            return out
        previous_end = reader.line_num
        header = [c.strip() for c in first]
        out.header = header
        out.errors.extend(check_header(header, columns, required, name))
        if out.errors:
            return out
        width = len(header)
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if _blank(cells):
                continue  # empty lines (and rows of empty cells) carry nothing
            if len(cells) > width:
                extra = [c for c in cells[width:] if c.strip()]
                if extra:
                    out.row_errors.append((line, CsvError(
                        f"#{width + 1}", "the row has {length} cells but the header has "
                                         "{width} columns", line, name, params={
                                                                                "length": len(cells),
                                                                                "width": width})))
                    continue
                cells = cells[:width]  # trailing empty cells (a spreadsheet's habit)
            if len(cells) < width:
                missing = header[len(cells):]
                out.row_errors.append((line, CsvError(
                    missing[0], "the row has {length} cells but the header has {width} columns "
                                "(no cell for {missing})", line, name, params={
                                                                               "length": len(cells),
                                                                               "width": width,
                                                                               "missing": ', '.join(missing)})))
                continue
            out.records.append(Record(line, dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        out.errors.append(CsvError("", "malformed CSV: {exc} (check the quotes)",
                                   previous_end + 1, name, params={"exc": exc}))
    return out
