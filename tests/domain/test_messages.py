"""Messages users see come in their language (docs/conventions.md "Messages"): English
templates in the code, their Spanish in operational_app/domain/messages.py, fields named by
their form labels, never by column or option names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from operational_app.domain import billing, messages
from operational_app.domain.errors import FieldError, ValidationError
from operational_app.domain.labels import FIELD_LABELS, field_label
from seiton.config import PROJECT_ROOT

from .conftest import ACTOR

# A call and the position of its message template argument.
_TEMPLATE_AT = {"fail": 1, "FieldError": 1, "ValidationError": 1, "CsvError": 1,
                "XmlRefused": 1, "XmlError": 1, "_refuse": 1, "bad": 1, "error": 1,
                "Refusal": 0, "QueryRefused": 0, "CommandError": 0, "msg": 0,
                "BackupError": 0, "RefreshError": 0, "cli_say": 0, "cli_text": 0, "working": 0}
# Calls whose last argument is a noun phrase shown through messages.TERMS.
_WHAT_CALLS = ("known", "unique", "not_before", "after")
_IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _calls() -> list[tuple[str, ast.Call, str]]:
    found = []
    for top in ("operational_app", "seiton"):
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            rel = str(path.relative_to(PROJECT_ROOT))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else \
                    func.id if isinstance(func, ast.Name) else None
                if name == "error" and not rel.startswith("operational_app/csv_import/"):
                    continue
                if name in _TEMPLATE_AT or name in _WHAT_CALLS:
                    found.append((f"{rel}:{node.lineno}", node, name))
    return found


CALLS = _calls()


def _template_calls() -> list[tuple[str, ast.AST, ast.Call]]:
    out = []
    for where, node, name in CALLS:
        at = _TEMPLATE_AT.get(name)
        if at is not None and len(node.args) > at:
            out.append((where, node.args[at], node))
    return out


def test_the_scan_finds_the_message_sites():
    templates = [a for _, a, _ in _template_calls() if isinstance(a, ast.Constant)]
    assert len(templates) > 250  # ~150 .fail sites, the constructors and the parsers


def test_no_message_is_a_pre_formatted_f_string():
    bad = [where for where, arg, _ in _template_calls() if isinstance(arg, ast.JoinedStr)]
    assert not bad, f"pass a template and params, not an f-string: {bad}"


def test_every_template_has_its_spanish_text_with_the_same_params():
    missing, params = [], []
    for where, arg, _call in _template_calls():
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            continue
        spanish = messages.SPANISH.get(arg.value)
        if spanish is None:
            missing.append(f"{where}: {arg.value!r}")
            continue
        if messages.template_params(arg.value) != messages.template_params(spanish):
            params.append(f"{where}: {arg.value!r}")
    assert not missing, "no Spanish entry in messages.SPANISH:\n" + "\n".join(missing)
    assert not params, "the Spanish text lacks (or adds) params:\n" + "\n".join(params)


def test_every_param_of_a_template_is_given():
    """Keyword-style sites (fail, Refusal, QueryRefused, msg…) give each `{param}` they use."""
    short = []
    for where, arg, call in _template_calls():
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) \
                or any(k.arg is None for k in call.keywords):
            continue
        given = {k.arg for k in call.keywords}
        if "params" in given:  # FieldError/CsvError(..., params={...})
            value = next(k.value for k in call.keywords if k.arg == "params")
            if not isinstance(value, ast.Dict):
                continue
            given = {k.value for k in value.keys if isinstance(k, ast.Constant)}
        elif len(call.args) > 4:  # positional params dict (CsvError(col, t, line, file, p))
            continue
        wanted = messages.template_params(arg.value)
        if wanted - given:
            short.append(f"{where}: {sorted(wanted - given)}")
    assert not short, short


def test_every_noun_phrase_passed_as_what_has_its_spanish():
    missing = []
    for where, node, name in CALLS:
        if name not in _WHAT_CALLS or not node.args:
            continue
        what = node.args[-1]
        if isinstance(what, ast.Constant) and isinstance(what.value, str) \
                and what.value not in messages.TERMS:
            missing.append(f"{where}: {what.value!r}")
        assert not isinstance(what, ast.JoinedStr), f"{where}: use msg(...), not an f-string"
    assert not missing, missing


def test_labels_moved_to_the_domain_and_forms_still_offer_them():
    from operational_app.pages import forms

    assert forms.FIELD_LABELS is FIELD_LABELS
    assert field_label("meter_reset", "es") == "Cambio de medidor (el contador reinicia)"
    assert field_label("lines[2].quantity", "en") == "Lines 2 · Quantity"
    assert field_label("Version", "es") == "Version"  # no label: the name itself


def test_field_params_render_as_labels_and_reason_stays_english():
    err = FieldError("total", "is only recorded together with {trigger_field}",
                     params={"trigger_field": "tax_amount"})
    assert err.reason == "is only recorded together with tax_amount"
    assert err.text("es") == "solo se registra junto con «IVA»"
    assert err.text("en") == "is only recorded together with Tax"
    assert ValidationError(errors=[err]).text("es") == "campo 'Total': solo se registra " \
                                                       "junto con «IVA»"


def test_option_params_render_as_the_apps_option_labels(monkeypatch):
    from operational_app.pages import formalization  # noqa: F401 - registers its options

    assert messages.OPTION_LABELS["legal_review"]["es"] == "Revisión legal"
    err = FieldError("step", "step {step} has no decision yet", params={"step": "legal_review"})
    assert err.reason == "step legal_review has no decision yet"
    assert err.text("es") == "el paso Revisión legal aún no tiene decisión"
    assert err.text("en") == "step Legal review has no decision yet"
    monkeypatch.delitem(messages.OPTION_LABELS, "legal_review")
    assert err.text("es") == "el paso legal_review aún no tiene decisión"  # no label: the value


# --------------------------------------------------------------------------- a lower reading


@pytest.fixture
def device(mk):
    mk.world()  # SN1 installed 2026-01-10 with counters 1000 / 200


def _lower_reading(session) -> ValidationError:
    billing.record_meter_reading(session, ACTOR, serial="SN1", read_on="2026-01-31",
                                 mono_counter="1800", color_counter="250")
    with pytest.raises(ValidationError) as caught:
        billing.record_meter_reading(session, ACTOR, serial="SN1", read_on="2026-02-28",
                                     mono_counter="1500", color_counter="260")
    return caught.value


def test_a_lower_reading_is_refused_in_spanish_with_labels(device, session):
    exc = _lower_reading(session)
    (err,) = [e for e in exc.errors if e.field == "mono_counter"]
    text = err.text("es")
    assert text == ("1500 es menor que el contador mono anterior del equipo SN1 (1800, lectura "
                    "del 2026-01-31); si se cambió el medidor, registra la primera lectura del "
                    "medidor nuevo marcando «Cambio de medidor (el contador reinicia)»")
    assert "meter_reset" not in text and not _IDENTIFIER.search(text), text
    assert exc.text("es").startswith("campo 'Contador mono': 1500 es menor que")
    # the English reason is what it always was (tests, logs, the English CLI)
    assert err.reason.endswith("record the new meter's first reading with meter_reset=true")


def test_a_lower_reading_is_refused_in_english_with_labels(device, session):
    exc = _lower_reading(session)
    (err,) = [e for e in exc.errors if e.field == "mono_counter"]
    text = err.text("en")
    assert text.startswith("1500 is lower than device SN1's previous mono counter (1800, "
                           "reading of 2026-01-31)")
    assert "“Meter replaced (counter restarts)” checked" in text
    assert "meter_reset" not in text and not _IDENTIFIER.search(text), text
    assert exc.text("en").startswith("field 'Mono counter': 1500 is lower than")


# --------------------------------------------------------------------------- the SQL console


def test_the_sql_console_refuses_copy_in_the_users_language(tmp_path: Path):
    from seiton.warehouse import reader

    with duckdb.connect(":memory:", config=dict(reader.SANDBOX_CONFIG)) as parser, \
            pytest.raises(reader.QueryRefused) as caught:
        reader.check_read_only("COPY marts.dim_stage TO 'stages.csv'", parser)
    exc = caught.value
    assert str(exc) == "only SELECT queries are allowed (got COPY)"
    assert exc.text("es") == "solo se permiten consultas SELECT (se recibió COPY)"
    assert exc.text("en") == "only SELECT queries are allowed (got COPY)"
    # through run_query too (refused before the query process starts)
    published = tmp_path / "warehouse.duckdb"
    published.touch()
    with pytest.raises(reader.QueryRefused) as caught:
        reader.run_query("copy marts.dim_stage to 'x.csv'", path=published)
    assert caught.value.text("es").startswith("solo se permiten consultas SELECT")


# --------------------------------------------------------------------------- CSV import


def test_a_csv_import_error_in_spanish_names_file_line_and_column(db_url):
    from operational_app.csv_import import importer

    data = (b"account_code,name,tax_id,segment,region,tax_rate\n"
            b"N1,Nuevo SA,,,,0.16\n"
            b"N2,Otro SA,,,,16\n")
    report = importer.preview_files([("accounts.csv", data)], db_url, actor=ACTOR)
    (err,) = report.errors
    assert str(err) == "accounts.csv, line 3, column 'tax_rate': must be below 1"
    assert err.describe("es") == ("accounts.csv, línea 3, columna 'Tasa de IVA (0.16 = 16 %)': "
                                  "debe ser menor que 1")
    assert err.describe("en") == ("accounts.csv, line 3, column 'Tax rate (0.16 = 16 %)': "
                                  "must be below 1")
    shown = err.as_dict("es")
    assert shown["column"] == "Tasa de IVA (0.16 = 16 %)" and shown["reason"] == \
        "debe ser menor que 1"


def test_csv_row_conflicts_name_the_record_and_columns_in_spanish(db_url):
    from operational_app.csv_import import importer

    head = b"account_code,name,tax_id,segment,region,tax_rate\n"
    twice = importer.preview_files([("accounts.csv", head + b"N1,Nuevo SA,,,,0.16\n"
                                                           b"N1,Nuevo SA,,,,0.16\n")],
                                   db_url, actor=ACTOR)
    assert [e.text("es") for e in twice.errors] == [
        "fila duplicada: la línea 2 tiene la misma clave «Cuenta» (N1)"]
    assert importer.import_files([("accounts.csv", head + b"N1,Nuevo SA,,,,0.16\n")], ACTOR,
                                 db_url).ok
    changed = importer.preview_files([("accounts.csv", head + b"N1,Otro SA,,,,0.16\n")], db_url,
                                     actor=ACTOR)
    (err,) = changed.errors
    assert err.reason.startswith("account 'N1' already exists with different values: name is")
    assert err.text("es").startswith("la cuenta 'N1' ya existe con otros valores: «Nombre o "
                                     "razón social» es 'Otro SA' en el archivo")


def test_a_csv_file_problem_in_spanish(db_url):
    from operational_app.csv_import import importer

    report = importer.preview_files([("accounts.csv", b"account_code;name\nN1;Nuevo\n")], db_url,
                                    actor=ACTOR)
    texts = [e.describe("es") for e in report.errors]
    assert any(t.startswith("accounts.csv, línea 1: el encabezado está separado por ';'")
               for t in texts), texts


# --------------------------------------------------------------------------- the CLI


def _cli(monkeypatch, capsys, *args: str, **env: str) -> str:
    from seiton.cli import main

    for key in ("SEITON_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert main(list(args)) == 1
    return capsys.readouterr().err.strip()


def test_the_cli_speaks_spanish_by_default_and_english_on_seiton_lang(monkeypatch, capsys):
    args = ("bill", "2026-06", "--exclude", "C-001")
    spanish = "seiton bill: --exclude necesita --reason (por qué se deja fuera el contrato)"
    english = "seiton bill: --exclude needs --reason (why the contract is left out)"
    assert _cli(monkeypatch, capsys, *args) == spanish
    assert _cli(monkeypatch, capsys, *args, LANG="C.UTF-8") == spanish
    assert _cli(monkeypatch, capsys, *args, LANG="fr_FR.UTF-8") == spanish
    assert _cli(monkeypatch, capsys, *args, LANG="en_US.UTF-8") == english
    assert _cli(monkeypatch, capsys, *args, SEITON_LANG="en", LANG="es_MX.UTF-8") == english
    assert _cli(monkeypatch, capsys, *args, SEITON_LANG="es", LANG="en_US.UTF-8") == spanish


def test_the_cli_shows_a_refused_query_in_its_language(monkeypatch, capsys, tmp_path: Path):
    from seiton.config import load_settings

    monkeypatch.setenv("SEITON_HOME", str(tmp_path))
    monkeypatch.delenv("SEITON_WAREHOUSE", raising=False)
    load_settings().published_warehouse.touch()
    query = "COPY marts.dim_stage TO 'stages.csv'"
    assert _cli(monkeypatch, capsys, "sql", query) == \
        "seiton sql: solo se permiten consultas SELECT (se recibió COPY)"
    assert _cli(monkeypatch, capsys, "sql", query, SEITON_LANG="en") == \
        "seiton sql: only SELECT queries are allowed (got COPY)"
