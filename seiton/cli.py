"""`seiton` — the command line (README.md, "The CLI"; docs/configuration.md). Every command exits 0 on success and
non-zero with a one-line reason on failure."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

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


def cmd_init(args: argparse.Namespace) -> None:
    from operational_app.store.migrate import upgrade
    from seiton.warehouse.bootstrap import ensure_warehouse

    settings = load_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    upgrade(settings.operational_url)
    ensure_warehouse(settings)
    print(f"operational DB ready: {_redact(settings.operational_url)}")
    print(f"warehouse ready: {settings.build_warehouse}")


def cmd_demo_data(args: argparse.Namespace) -> None:
    # small (and tiny) through the domain layer; medium and large in bulk, the same plan with
    # readings written by executemany and one audit row per batch (docs/performance.md)
    if args.scale in ("medium", "large"):
        from operational_app.demo.bulk import generate
    else:
        from operational_app.demo.generator import generate

    settings = load_settings()
    if args.if_empty and _has_business_data(settings.operational_url):
        print("demo data: the operational DB already holds data; nothing generated")
        return
    until = date.fromisoformat(args.until) if args.until else None
    counts = generate(settings.operational_url, scale=args.scale, seed=args.seed, until=until)
    print("demo data written: " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))


def _has_business_data(url: str) -> bool:
    from sqlalchemy import func, select

    from operational_app.store.engine import read_session
    from operational_app.store.models import Account

    with read_session(url) as session:
        return session.scalar(select(func.count()).select_from(Account)) > 0


def cmd_import(args: argparse.Namespace) -> None:
    from operational_app.csv_import.importer import import_dir

    report = import_dir(args.dir, actor=args.user, review_readings=args.review)
    for line in report.summary_lines():
        print(line)
    if not report.ok:
        lang = cli_lang()
        for err in report.errors:  # English: the file's column names, as it always read
            print(str(err) if lang == "en" else err.describe(lang), file=sys.stderr)
        raise CommandError("import refused: {length} error(s); nothing written for those files",
                           length=len(report.errors))


def cmd_cfdi_export(args: argparse.Namespace) -> None:
    from operational_app.cfdi import export
    from operational_app.store.engine import read_session

    try:
        period = export.parse_period(args.period)
    except ValueError as exc:
        raise CommandError(exc) from exc
    settings = load_settings()
    with read_session(settings.operational_url) as session:
        report = export.build_period(session, period)
    folder = Path(args.to) if args.to else export.default_folder(settings.home, period)
    written = export.write_files(report, folder)
    print(f"{len(written)} CFDI written to {folder}")
    for err in report.errors:
        print(err, file=sys.stderr)
    if not report.ok:
        raise CommandError("{length} document(s) not exported (reasons above)",
                           length=len(report.errors))


def cmd_bill(args: argparse.Namespace) -> None:
    from operational_app.domain import billing_run
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import write_session

    try:
        if args.exclude:
            if not args.reason:
                raise CommandError("--exclude needs --reason (why the contract is left out)")
            if args.dry_run:
                raise CommandError("--exclude writes: it cannot be a dry run")
            with write_session() as session:
                billing_run.exclude(session, args.user, contract_number=args.exclude,
                                    period=args.period, reason=args.reason)
            print(f"{args.exclude} excluded from {args.period}: {args.reason}")
        report = billing_run.bill(args.user, args.period, post=args.post, dry_run=args.dry_run,
                                  issue_date=args.issue_date, refresh=not args.no_refresh,
                                  progress=None if args.quiet else print)
    except ValidationError as exc:
        raise CommandError(exc) from exc
    for line in report.lines():
        print(line)


def cmd_import_meters(args: argparse.Namespace) -> None:
    from operational_app.meter_capture.importer import import_meters

    report = import_meters(args.file, args.profile, actor=args.user, commit=not args.dry_run)
    print(report.summary())
    for serial, lines in sorted(report.unknown_serials.items()):
        shown = ", ".join(str(n) for n in lines[:5]) + (" …" if len(lines) > 5 else "")
        print(f"  unknown serial {serial} (not a device of the dealer): line(s) {shown}")
    if not report.ok:
        lang = cli_lang()
        for err in report.errors:  # English: as it always read
            print(f"{report.file}, {err if lang == 'en' else err.describe(lang)}",
                  file=sys.stderr)
        if report.errors_not_listed:
            print(f"… and {report.errors_not_listed} more error(s)", file=sys.stderr)
        raise CommandError("import-meters refused: {sum} error(s); nothing written",
                           sum=len(report.errors) + report.errors_not_listed)


def cmd_load(args: argparse.Namespace) -> None:
    from ingestion.pipeline import load

    settings = load_settings()
    result = load(settings.operational_url, settings.build_warehouse, settings.pipelines_dir)
    print(f"loaded {result.total_rows} changed rows")
    for table, n in sorted(result.rows_by_table.items()):
        print(f"  {table}: {n}")


def cmd_build(args: argparse.Namespace) -> None:
    from seiton.warehouse.dbt import run_dbt

    code = run_dbt(load_settings(), ["build", *args.dbt_args])
    if code != 0:
        raise CommandError("dbt build failed (exit {code})", code=code)


def cmd_refresh(args: argparse.Namespace) -> None:
    from seiton.warehouse.refresh import RefreshError, refresh

    try:
        status = refresh(load_settings(), quiet_dbt=args.quiet, full=args.full)
    except RefreshError as exc:
        raise CommandError(exc) from exc
    print(f"refresh done in {status['last_timings']['total']:.1f}s")


def cmd_serve(args: argparse.Namespace) -> None:
    from seiton.serve import serve

    serve(port=args.port, refresh_minutes=args.refresh_minutes)


def cmd_sql(args: argparse.Namespace) -> None:
    from seiton.warehouse.reader import QueryRefused, WarehouseUnavailable, run_query

    try:
        columns, rows = run_query(args.query)
    except (QueryRefused, WarehouseUnavailable) as exc:
        raise CommandError(exc) from exc
    except Exception as exc:  # duckdb errors: report them as one line
        raise CommandError("query failed: {error}", error=str(exc).splitlines()[0]) from exc
    sys.stdout.write(format_rows(columns, rows, args.format))


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


def cmd_docs(args: argparse.Namespace) -> None:
    from seiton.warehouse import docsite

    settings = load_settings()
    try:
        target = docsite.generate(settings, quiet=args.quiet)
    except docsite.DocsError as exc:
        raise CommandError(exc) from exc
    print(f"docs built in {target} (works offline; {target / 'static_index.html'} opens from disk)")
    if not args.no_serve:
        try:
            docsite.serve(target, port=args.port, host=args.host)
        except OSError as exc:
            raise CommandError("cannot serve on {host}:{port}: {exc}", host=args.host,
                               port=args.port, exc=exc) from exc


def cmd_user_add(args: argparse.Namespace) -> None:
    import getpass

    from operational_app.domain import users
    from operational_app.domain.errors import ValidationError
    from operational_app.store.engine import write_session

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise CommandError("passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        with write_session() as session:
            users.add_user(session, args.actor, username=args.name, display_name=args.display_name or args.name,
                           role=args.role, area=args.area, password=password)
    except ValidationError as exc:
        raise CommandError(exc) from exc
    print(f"user {args.name} created ({args.role}{', ' + args.area if args.area else ''})")


def cmd_backup(args: argparse.Namespace) -> None:
    from seiton.ops.backup import BackupError, backup

    try:
        path = backup(load_settings(), args.to)
    except BackupError as exc:
        raise CommandError(exc) from exc
    print(f"operational DB backed up to {path} ({path.stat().st_size / 2**20:.1f} MiB)")


def cmd_restore(args: argparse.Namespace) -> None:
    from seiton.ops.backup import BackupError, restore

    try:
        saved = restore(load_settings(), args.path)
    except BackupError as exc:
        raise CommandError(exc) from exc
    if saved is not None:
        print(f"previous content saved to {saved}")
    print(f"operational DB restored from {args.path}; the next `seiton refresh` reloads "
          "the warehouse from it")


def cmd_doctor(args: argparse.Namespace) -> None:
    from seiton.ops.doctor import FAIL, report, run_checks

    checks = run_checks(load_settings(), max_age_hours=args.max_age_hours)
    print(report(checks))
    failed = [c.name for c in checks if c.status == FAIL]
    if failed:
        raise CommandError("failed: {failed}", failed=', '.join(failed))


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="seiton", description="Seiton value-chain KPI warehouse")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create or migrate the operational DB; create the warehouse").set_defaults(func=cmd_init)

    d = sub.add_parser("demo-data", help="generate the deterministic demo business")
    d.add_argument("--scale", choices=["tiny", "small", "medium", "large"], default="small",
                   help="tiny is a quick one for tests, not a demo")
    from operational_app.demo.params import DEFAULT_SEED

    d.add_argument("--seed", type=int, default=DEFAULT_SEED)
    d.add_argument("--until", help="last day of history (YYYY-MM-DD); default: end of last month")
    d.add_argument("--if-empty", action="store_true",
                   help="do nothing when the operational DB already holds data (make demo)")
    d.set_defaults(func=cmd_demo_data)

    i = sub.add_parser("import", help="import the CSV and CFDI (*.xml, SAT metadata) files "
                                      "found in DIR (each file all-or-nothing)")
    i.add_argument("dir")
    i.add_argument("--user", default="import", help="username recorded in the audit log")
    i.add_argument("--review", action="store_true",
                   help="validate meter_readings.csv like agent reads (hold suspicious ones); "
                        "by default imported history counts as reviewed")
    i.set_defaults(func=cmd_import)

    cf = sub.add_parser("cfdi", help="CFDI 4.0 for the company's PAC")
    cfsub = cf.add_subparsers(dest="cfdi_command", required=True)
    ce = cfsub.add_parser("export", help="unsigned CFDI 4.0 XML of the period's posted "
                                         "invoices and credit notes")
    ce.add_argument("period", help="the billing month, YYYY-MM")
    ce.add_argument("--to", help="folder (default $SEITON_HOME/cfdi/export/PERIOD)")
    ce.set_defaults(func=cmd_cfdi_export)
    bl = sub.add_parser("bill", help="the billing run: draft, regenerate, adjust and (--post) "
                                      "post the period's invoices (docs/billing-run.md)")
    bl.add_argument("period", help="the billing month, YYYY-MM")
    bl.add_argument("--post", action="store_true",
                    help="post the drafts: series and gap-less folios, immutable invoices")
    bl.add_argument("--dry-run", action="store_true",
                    help="print what would be drafted, posted or adjusted; write nothing")
    bl.add_argument("--user", default="finanzas",
                    help="the finance or admin user running it (recorded in the audit log)")
    bl.add_argument("--issue-date", help="issue date of the posted documents (YYYY-MM-DD; "
                                         "default today)")
    bl.add_argument("--exclude", metavar="CONTRACT",
                    help="first leave this contract out of the period's run (needs --reason)")
    bl.add_argument("--reason", help="why the contract is excluded (kept and shown)")
    bl.add_argument("--no-refresh", action="store_true",
                    help="use the published warehouse as it is (no refresh first)")
    bl.add_argument("--quiet", action="store_true", help="hide the refresh's progress")
    bl.set_defaults(func=cmd_bill)

    m = sub.add_parser("import-meters", help="a fleet agent's meter export read through an "
                                             "import profile (the admin page 'Perfiles de lecturas' keeps them)")
    m.add_argument("file")
    m.add_argument("--profile", required=True,
                   help="a stored profile's name (generic, fmaudit-es, kmnet-counters, …) or "
                        "the path of a YAML profile")
    m.add_argument("--user", default="import", help="username recorded in the audit log")
    m.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    m.set_defaults(func=cmd_import_meters)

    sub.add_parser("load", help="dlt: operational DB → warehouse raw, incremental").set_defaults(func=cmd_load)

    b = sub.add_parser("build", help="dbt build (models and tests)")
    b.add_argument("dbt_args", nargs=argparse.REMAINDER, help="extra dbt arguments")
    b.set_defaults(func=cmd_build)

    r = sub.add_parser("refresh", help="load + build + publish")
    r.add_argument("--quiet", action="store_true", help="hide dbt's own output")
    r.add_argument("--full", action="store_true",
                   help="build every model, not only what the changed tables reach")
    r.set_defaults(func=cmd_refresh)

    s = sub.add_parser("serve", help="the Streamlit app, with a background refresh")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--refresh-minutes", type=float, default=None,
                   help="background refresh interval (default SEITON_REFRESH_MINUTES or 5; 0 = off)")
    s.set_defaults(func=cmd_serve)

    q = sub.add_parser("sql", help="one read-only query on the published warehouse")
    q.add_argument("query")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.set_defaults(func=cmd_sql)

    dd = sub.add_parser("docs", help="build the dbt docs site and serve it locally (offline)")
    dd.add_argument("--port", type=int, default=8081)
    dd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: local only)")
    dd.add_argument("--no-serve", action="store_true", help="only build the site")
    dd.add_argument("--quiet", action="store_true", help="hide dbt's own output")
    dd.set_defaults(func=cmd_docs)

    bk = sub.add_parser("backup", help="consistent online copy of the operational DB")
    bk.add_argument("--to", type=Path, help="file or directory (default $SEITON_HOME/backups)")
    bk.set_defaults(func=cmd_backup)

    rs = sub.add_parser("restore", help="replace the operational DB with a backup")
    rs.add_argument("path", type=Path)
    rs.set_defaults(func=cmd_restore)

    dr = sub.add_parser("doctor", help="check the stores and the last refresh")
    dr.add_argument("--max-age-hours", type=float, default=24.0,
                    help="oldest acceptable refresh / unloaded change (default 24)")
    dr.set_defaults(func=cmd_doctor)

    u = sub.add_parser("user", help="manage users")
    usub = u.add_subparsers(dest="user_command", required=True)
    ua = usub.add_parser("add", help="create a user (password prompted, or read from stdin)")
    ua.add_argument("name")
    ua.add_argument("--role", required=True, choices=["operator", "finance", "director", "analyst", "admin"])
    ua.add_argument("--area", choices=["comercial", "operacion", "administracion", "finanzas"])
    ua.add_argument("--display-name")
    ua.add_argument("--actor", default="cli", help="username recorded in the audit log")
    ua.set_defaults(func=cmd_user_add)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except CommandError as exc:
        print(f"seiton {args.command}: {exc.text(cli_lang())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"seiton {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, not a traceback, for anything unexpected
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"seiton {args.command}: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
