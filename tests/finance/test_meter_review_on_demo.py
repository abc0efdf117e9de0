"""The meter-read review on the small demo (docs/meter-readings.md): the demo has held,
approved and rejected readings, the page lists the held ones, the missing-reads list before a
billing run is the mart's with the admin's d applied. Read-only: the demo is shared."""

from __future__ import annotations

from pathlib import Path

from seiton.webapp.formats import fmt_date

from .conftest import mart, open_page


def test_the_demo_has_held_approved_and_rejected_reads(home: Path) -> None:
    counts = dict(mart(home, "select status, count(*) from marts.fct_meter_exceptions "
                             "group by 1"))
    assert counts.get("held", 0) > 0 and counts.get("approved", 0) > 0
    assert counts.get("rejected", 0) > 0
    decided = mart(home, "select count(*) from marts.fct_meter_exceptions "
                         "where status <> 'held' and (decided_by is null or decided_at is null)")
    assert decided == [(0,)]


def test_the_review_page_lists_the_demo_held_reads(home: Path) -> None:
    held = mart(home, "select serial, read_on from marts.fct_meter_exceptions "
                      "where status = 'held' order by read_on, serial")
    at = open_page("revision-de-lecturas", role="operator", area="operacion")
    shown = at.dataframe[0].value
    # the page writes dates as Spanish readers do (docs/conventions.md "Display formats")
    assert [(s, fmt_date(d, "es")) for s, d in held] == [(s, str(d)) for s, d in zip(
        shown.iloc[:, 0], shown.iloc[:, 1], strict=True)]


def test_the_missing_reads_list_is_the_marts_with_d_applied(home: Path) -> None:
    periods = [p for (p,) in mart(home, "select distinct period_start from "
                                        "marts.fct_missing_reads order by 1 desc")]
    period = periods[1]  # the page's default: the latest closed month
    expected = mart(home, "select serial from marts.fct_missing_reads where period_start = ? "
                          "and days_without_read >= 5 order by account_code, serial", [period])
    assert expected, "the demo has silent devices"
    at = open_page("revision-de-lecturas", role="finance")
    assert at.selectbox(key="faltantes-periodo").value == period
    listed = next(f.value for f in at.dataframe if "days_without_read" in f.value.columns)
    assert list(listed.iloc[:, 3]) == [s for (s,) in expected]  # by account, then serial
    assert (listed["days_without_read"] >= 5).all()
