"""`seiton` — the command line (README.md, "The CLI"; docs/configuration.md), a typer app.

Every command exits 0 on success, 1 with a one-line reason on failure, 2 on a usage error
and 130 when interrupted; `main(argv)` returns the code, or raises SystemExit for --help and
usage errors (as argparse did). Messages come in the CLI's language (docs/conventions.md
"Messages"); machine-readable output (`seiton sql`) goes to stdout untouched, the progress of
long steps to stderr: a rich spinner on a terminal, plain lines elsewhere (not a TTY, CI)."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import typer

from operational_app.demo.params import DEFAULT_SEED
from seiton.config import load_settings


class CommandError(Exception):
    """A failure to report as one line and a non-zero exit: an English template and its
    params (docs/conventions.md "Messages"), or the exception it reports (a domain refusal or
    a refused query shows in the CLI's language)."""

    def __init__(self, template: str | BaseException, /, **params: object):
        self.source = template if isinstance(template, BaseException) else None
        self.template = None if self.source is not None else str(template)
        self.params = params
        super().__init__(self.text(None))

    def text(self, lang: str | None) -> str:
        from operational_app.domain import messages

        if self.source is not None:  # English: the exception's own text, as it always read
            shown = getattr(self.source, "text", None)
            return shown(lang) if lang not in (None, "en") and callable(shown) \
                else str(self.source)
        return messages.render(self.template, self.params, None if lang == "en" else lang)


def cli_lang() -> str:
    """The CLI's language: SEITON_LANG when set (es/en), else the locale's language when it is
    Spanish or English, else Spanish (docs/conventions.md "Messages")."""
    wanted = os.environ.get("SEITON_LANG", "").strip().lower()[:2]
    if wanted in ("es", "en"):
        return wanted
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(key, "").strip().lower()
        if value:
            code = value[:2]
            return code if code in ("es", "en") else "es"
    return "es"


def cli_text(template: str, /, **params: object) -> str:
    """A message in the CLI's language; English as the template always read (raw params)."""
    from operational_app.domain import messages

    lang = cli_lang()
    return messages.render(template, params, None if lang == "en" else lang)


def cli_say(template: str, /, **params: object) -> None:
    """One success line on stdout, in the CLI's language."""
    print(cli_text(template, **params))


def fancy(stream) -> bool:
    """Rich output (colours, spinners, help panels) only for a person at a terminal."""
    return stream.isatty() and os.environ.get("CI", "").lower() not in ("1", "true") \
        and os.environ.get("TERM") != "dumb"


@contextmanager
def working(template: str, /, *, spinner: bool = True, **params: object
            ) -> Iterator[Callable[[str], None]]:
    """A long step's progress on stderr: yields the function that shows one line. On a
    terminal a rich spinner names the step (not while a child such as dbt writes there)."""
    if not (spinner and fancy(sys.stderr)):
        yield lambda line: print(line, file=sys.stderr, flush=True)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(stderr=True, highlight=False)
    with console.status(Text(cli_text(template, **params) + " …")) as status:
        def show(line: str) -> None:
            console.print(Text(line))
            if not line.startswith(" "):  # the spinner names the phase, not its details
                status.update(Text(line + " …"))
        yield show


_MARKUP = "rich" if fancy(sys.stdout) else None
app = typer.Typer(name="seiton", help="Seiton value-chain KPI warehouse", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=_MARKUP,
                  context_settings={"help_option_names": ["-h", "--help"]})
cfdi_app = typer.Typer(help="CFDI 4.0 for the company's PAC", no_args_is_help=True,
                       rich_markup_mode=_MARKUP)
user_app = typer.Typer(help="manage users", no_args_is_help=True, rich_markup_mode=_MARKUP)
app.add_typer(cfdi_app, name="cfdi")
app.add_typer(user_app, name="user")

Period = Annotated[str, typer.Argument(metavar="PERIOD", help="the billing month, YYYY-MM")]
ImportUser = Annotated[str, typer.Option(metavar="U", help="username recorded in the audit log")]
Quiet = Annotated[bool, typer.Option("--quiet", help="hide dbt's own output")]


@app.command()
def init() -> None:
    """create or migrate the operational DB; create the warehouse"""
    from operational_app.store.migrate import upgrade
    from seiton.warehouse.bootstrap import ensure_warehouse

    settings = load_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    upgrade(settings.operational_url)
    ensure_warehouse(settings)
    cli_say("operational DB ready: {url}", url=_redact(settings.operational_url))
    cli_say("warehouse ready: {path}", path=settings.build_warehouse)


@app.command("demo-data")
def demo_data(
    scale: Annotated[Literal["tiny", "small", "medium", "large"], typer.Option(
        help="tiny is a quick one for tests, not a demo")] = "small",
    seed: Annotated[int, typer.Option(metavar="N")] = DEFAULT_SEED,
    until: Annotated[str | None, typer.Option(
        metavar="DATE", help="last day of history (YYYY-MM-DD); default: end of last month")
    ] = None,
    if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="do nothing when the operational DB already holds data (make demo)")
    ] = False,
) -> None:
    """generate the deterministic demo business"""
    # small (and tiny) through the domain layer; medium and large in bulk: the same plan and
    # the same domain operations with in-memory lookups and a buffered writer, one audit row
    # per write (the readings: one per month) (docs/domain-api.md, "Lookups and writers")
    if scale in ("medium", "large"):
        from operational_app.demo.bulk import generate
    else:
        from operational_app.demo.generator import generate

    settings = load_settings()
    if if_empty and _has_business_data(settings.operational_url):
        cli_say("demo data: the operational DB already holds data; nothing generated")
        return
    with working("generating the {scale} demo business", scale=scale) as show:
        counts = generate(settings.operational_url, scale=scale, seed=seed,
                          until=date.fromisoformat(until) if until else None, progress=show)
    cli_say("demo data written: {counts}", counts=", ".join(f"{t} {n}" for t, n in sorted(counts.items())))


def _has_business_data(url: str) -> bool:
    from sqlalchemy import func, select

    from operational_app.store.engine import read_session
    from operational_app.store.models import Account

    with read_session(url) as session:
        return session.scalar(select(func.count()).select_from(Account)) > 0


@app.command("import")
def import_(
    dir: Annotated[str, typer.Argument(metavar="DIR")],
    user: ImportUser = "import",
    review: Annotated[bool, typer.Option(
        "--review", help="validate meter_readings.csv like agent reads (hold suspicious ones); "
                         "by default imported history counts as reviewed")] = False,
) -> None:
    """import the CSV and CFDI (*.xml, SAT metadata) files found in DIR (each file
    all-or-nothing)"""
    from operational_app.csv_import.importer import import_dir

    report = import_dir(dir, actor=user, review_readings=review)
    for line in report.summary_lines(cli_lang()):
        print(line)
    if not report.ok:
        lang = cli_lang()
        for err in report.errors:  # English: the file's column names, as it always read
            print(str(err) if lang == "en" else err.describe(lang), file=sys.stderr)
        raise CommandError("import refused: {length} error(s); nothing written for those files",
                           length=len(report.errors))


@cfdi_app.command("export")
def cfdi_export(
    period: Period,
    to: Annotated[str | None, typer.Option(
        "--to", metavar="DIR", help="folder (default $SEITON_HOME/cfdi/export/PERIOD)")] = None,
) -> None:
    """unsigned CFDI 4.0 XML of the period's posted invoices and credit notes"""
    from operational_app.cfdi import export
    from operational_app.store.engine import read_session

    try:
        month = export.parse_period(period)
    except ValueError as exc:
        raise CommandError(exc) from exc
    settings = load_settings()
    with read_session(settings.operational_url) as session:
        report = export.build_period(session, month)
    folder = Path(to) if to else export.default_folder(settings.home, month)
    written = export.write_files(report, folder)
    cli_say("{length} CFDI written to {folder}", length=len(written), folder=folder)
    for err in report.errors:
        print(err, file=sys.stderr)
    if not report.ok:
        raise CommandError("{length} document(s) not exported (reasons above)",
                           length=len(report.errors))


@app.command()
def bill(
    period: Period,
    post: Annotated[bool, typer.Option(
        "--post", help="post the drafts: series and gap-less folios, immutable invoices")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="print what would be drafted, posted or adjusted; write nothing")
    ] = False,
    user: Annotated[str, typer.Option(
        metavar="U", help="the finance or admin user running it (recorded in the audit log)")] = "finanzas",
    issue_date: Annotated[str | None, typer.Option(
        metavar="D", help="issue date of the posted documents (YYYY-MM-DD; default today)")] = None,
    exclude: Annotated[str | None, typer.Option(
        metavar="CONTRACT",
        help="first leave this contract out of the period's run (needs --reason)")] = None,
    reason: Annotated[str | None, typer.Option(
        metavar="TEXT", help="why the contract is excluded (kept and shown)")] = None,
    no_refresh: Annotated[bool, typer.Option(
        "--no-refresh", help="use the published warehouse as it is (no refresh first)")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="hide the refresh's progress")] = False,
) -> None:
    """the billing run: draft, regenerate, adjust and (--post) post the period's invoices
    (docs/billing-run.md)"""
    from operational_app.domain import billing_run
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import write_session

    try:
        if exclude:
            if not reason:
                raise CommandError("--exclude needs --reason (why the contract is left out)")
            if dry_run:
                raise CommandError("--exclude writes: it cannot be a dry run")
            with write_session() as session:
                billing_run.exclude(session, user, contract_number=exclude, period=period,
                                    reason=reason)
            cli_say("{contract} excluded from {period}: {reason}", contract=exclude, period=period,
                reason=reason)
        with working("billing run {period}", period=period, spinner=not quiet) as show:
            report = billing_run.bill(user, period, post=post, dry_run=dry_run,
                                      issue_date=issue_date, refresh=not no_refresh,
                                      progress=None if quiet else _in_lang(show))
    except ValidationError as exc:
        raise CommandError(exc) from exc
    for line in report.lines(cli_lang()):
        print(line)


@app.command("import-meters")
def import_meters(
    file: Annotated[str, typer.Argument(metavar="FILE")],
    profile: Annotated[str, typer.Option(
        metavar="NAME", help="a stored profile's name (generic, fmaudit-es, kmnet-counters, …) or the path of "
             "a YAML profile")],
    user: ImportUser = "import",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check only; write nothing")] = False,
) -> None:
    """a fleet agent's meter export read through an import profile (the admin page 'Perfiles
    de lecturas' keeps them)"""
    from operational_app.meter_capture.importer import import_meters

    with working("reading {file}", file=file):
        report = import_meters(file, profile, actor=user, commit=not dry_run)
    print(report.summary(cli_lang()))
    for serial, lines in sorted(report.unknown_serials.items()):
        shown = ", ".join(str(n) for n in lines[:5]) + (" …" if len(lines) > 5 else "")
        cli_say("  unknown serial {serial} (not a device of the dealer): line(s) {shown}",
            serial=serial, shown=shown)
    if not report.ok:
        lang = cli_lang()
        for err in report.errors:  # English: as it always read
            print(f"{report.file}, {err if lang == 'en' else err.describe(lang)}",
                  file=sys.stderr)
        if report.errors_not_listed:
            print(cli_text("… and {more} more error(s)", more=report.errors_not_listed),
                  file=sys.stderr)
        raise CommandError("import-meters refused: {sum} error(s); nothing written",
                           sum=len(report.errors) + report.errors_not_listed)


@app.command()
def load() -> None:
    """dlt: operational DB → warehouse raw, incremental"""
    from ingestion.pipeline import load

    settings = load_settings()
    with working("loading the operational DB into the warehouse"):
        result = load(settings.operational_url, settings.build_warehouse, settings.pipelines_dir)
    cli_say("loaded {rows} changed rows", rows=result.total_rows)
    for table, n in sorted(result.rows_by_table.items()):
        print(f"  {table}: {n}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def build(dbt_args: Annotated[list[str] | None, typer.Argument(
        metavar="DBT_ARGS", help="extra dbt arguments")] = None) -> None:
    """dbt build (models and tests); dbt shows its own progress"""
    from seiton.warehouse.dbt import run_dbt

    code = run_dbt(load_settings(), ["build", *(dbt_args or ())])
    if code != 0:
        raise CommandError("dbt build failed (exit {code})", code=code)


def _in_lang(show: Callable[[str], None]) -> Callable[[object], None]:
    """A progress callback for the refresh's lines (messages `Msg`s or plain text)."""
    lang = cli_lang()

    def progress(line: object) -> None:
        render = getattr(line, "render", None)
        show(render(None if lang == "en" else lang) if callable(render) else str(line))
    return progress


@app.command()
def refresh(
    quiet: Quiet = False,
    full: Annotated[bool, typer.Option(
        "--full", help="build every model, not only what the changed tables reach")] = False,
) -> None:
    """load + build + publish"""
    from seiton.warehouse.refresh import RefreshError, refresh

    try:  # the spinner only when dbt's own output is hidden: both would share the terminal
        with working("refresh", spinner=quiet) as show:
            status = refresh(load_settings(), _in_lang(show), quiet_dbt=quiet, full=full)
    except RefreshError as exc:
        raise CommandError(exc) from exc
    cli_say("refresh done in {seconds:.1f}s", seconds=status["last_timings"]["total"])


@app.command()
def serve(
    port: Annotated[int, typer.Option(metavar="P")] = 8501,
    refresh_minutes: Annotated[float | None, typer.Option(
        help="background refresh interval (default SEITON_REFRESH_MINUTES or 5; 0 = off)")
    ] = None,
) -> None:
    """the Streamlit app, with a background refresh"""
    from seiton.serve import serve

    serve(port=port, refresh_minutes=refresh_minutes)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(metavar="QUERY")],
    format: Annotated[Literal["table", "csv", "json"], typer.Option("--format")] = "table",
) -> None:
    """one read-only query on the published warehouse"""
    from seiton.warehouse.reader import QueryRefused, WarehouseUnavailable, run_query

    try:
        columns, rows = run_query(query)
    except (QueryRefused, WarehouseUnavailable) as exc:
        raise CommandError(exc) from exc
    except Exception as exc:  # duckdb errors: report them as one line
        raise CommandError("query failed: {error}", error=str(exc).splitlines()[0]) from exc
    sys.stdout.write(format_rows(columns, rows, format))


def format_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    def plain(v):
        if isinstance(v, Decimal):
            return str(v)
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return v

    if fmt == "json":
        return json.dumps([{c: plain(v) for c, v in zip(columns, r, strict=True)} for r in rows],
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if v is None else plain(v) for v in r])
        return buf.getvalue()
    text = [[str(c) for c in columns]] + [["" if v is None else str(plain(v)) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in text) for i in range(len(columns))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in text]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


@app.command()
def docs(
    port: Annotated[int, typer.Option(metavar="P")] = 8081,
    host: Annotated[str, typer.Option(metavar="HOST", help="address to listen on (default: local only)")
                    ] = "127.0.0.1",
    no_serve: Annotated[bool, typer.Option("--no-serve", help="only build the site")] = False,
    quiet: Quiet = False,
) -> None:
    """build the dbt docs site and serve it locally (offline)"""
    from seiton.warehouse import docsite

    settings = load_settings()
    try:
        target = docsite.generate(settings, quiet=quiet)
    except docsite.DocsError as exc:
        raise CommandError(exc) from exc
    cli_say("docs built in {target} (works offline; {index} opens from disk)", target=target,
        index=target / "static_index.html")
    if not no_serve:
        try:
            docsite.serve(target, port=port, host=host)
        except OSError as exc:
            raise CommandError("cannot serve on {host}:{port}: {exc}", host=host, port=port,
                               exc=exc) from exc


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    role: Annotated[Literal["operator", "finance", "director", "analyst", "admin"],
                    typer.Option()],
    area: Annotated[Literal["comercial", "operacion", "administracion", "finanzas"] | None,
                    typer.Option()] = None,
    display_name: Annotated[str | None, typer.Option(metavar="TEXT")] = None,
    actor: Annotated[str, typer.Option(metavar="U", help="username recorded in the audit log")] = "cli",
) -> None:
    """create a user (password prompted, or read from stdin)"""
    import getpass

    from operational_app.domain import users
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import write_session

    if sys.stdin.isatty():
        password = getpass.getpass(cli_text("password: "))
        if getpass.getpass(cli_text("again: ")) != password:
            raise CommandError("passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with write_session() as session:
            users.add_user(session, actor, username=name, display_name=display_name or name,
                           role=role, area=area, password=password)
    except ValidationError as exc:
        raise CommandError(exc) from exc
    cli_say("user {name} created ({role_option}{area_shown})", name=name, role_option=role,
        area_shown=", " + area if area else "")


@app.command()
def backup(to: Annotated[Path | None, typer.Option(
        "--to", metavar="FILE|DIR", help="file or directory (default $SEITON_HOME/backups)")
        ] = None) -> None:
    """consistent online copy of the operational DB"""
    from seiton.ops.backup import BackupError, backup

    try:
        path = backup(load_settings(), to)
    except BackupError as exc:
        raise CommandError(exc) from exc
    cli_say("operational DB backed up to {path} ({mib:.1f} MiB)", path=path,
        mib=path.stat().st_size / 2**20)


@app.command()
def restore(path: Annotated[Path, typer.Argument(metavar="FILE")]) -> None:
    """replace the operational DB with a backup"""
    from seiton.ops.backup import BackupError, restore

    try:
        saved = restore(load_settings(), path)
    except BackupError as exc:
        raise CommandError(exc) from exc
    if saved is not None:
        cli_say("previous content saved to {saved}", saved=saved)
    cli_say("operational DB restored from {path}; the next `seiton refresh` reloads the warehouse "
        "from it", path=path)


@app.command()
def doctor(max_age_hours: Annotated[float, typer.Option(
        metavar="H", help="oldest acceptable refresh / unloaded change (default 24)")] = 24.0
           ) -> None:
    """check the stores and the last refresh"""
    from seiton.ops.doctor import FAIL, report, run_checks

    lang = cli_lang()
    checks = run_checks(load_settings(), max_age_hours=max_age_hours)
    print(report(checks, None if lang == "en" else lang))
    failed = [c.title(None if lang == "en" else lang) for c in checks if c.status == FAIL]
    if failed:
        raise CommandError("failed: {failed}", failed=', '.join(failed))


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    name = next((a for a in args if not a.startswith("-")), "")
    command = typer.main.get_command(app)
    try:
        with command.make_context("seiton", args) as ctx:
            command.invoke(ctx)
    except typer.Exit as exc:  # --help: SystemExit, as argparse did
        raise SystemExit(exc.exit_code) from None
    except typer.TyperException as exc:  # a usage error: click's usage and message, exit 2
        exc.show() if hasattr(exc, "show") else print(exc.format_message(), file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    except CommandError as exc:
        print(f"seiton {name}: {exc.text(cli_lang())}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, typer.Abort):
        print(f"seiton {name}: {cli_text('interrupted')}", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, not a traceback, for anything unexpected
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"seiton {name}: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
