"""Concurrent `--post` runs on SQLite and PostgreSQL never duplicate a folio nor leave a gap
(docs/billing-run.md, "Folios"): the run locks the series rows before it reads anything —
SELECT … FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite — so runs queue."""

from __future__ import annotations

import subprocess
import sys

import pytest

from seiton.config import PROJECT_ROOT
from tests.billing_run.conftest import make_store, sql

# one run in its own process: the period and the contracts' charges from the arguments
RUN = """
import sys
from datetime import date
from operational_app.domain import billing_run
from operational_app.store.engine import write_session
from tests.billing_run.conftest import charge
url, month, pause = sys.argv[1], int(sys.argv[2]), sys.argv[3]
period = date(2026, month, 1)
numbers = sys.argv[4:]
import os
os.environ["SEITON_BILL_PAUSE_AFTER_POST"] = pause
charges = {n: charge(n, mono_pages=10 * i, period=period) for i, n in enumerate(numbers)}
with write_session(url) as s:
    r = billing_run.run(s, "finanzas", period=period, charges=charges, post=True,
                        issue_date=date(2026, month + 1, 5))
print(r.count("posted"))
"""


def _runs(url: str, numbers: list[str], months: list[int]) -> list[int]:
    procs = [subprocess.Popen([sys.executable, "-c", RUN, url, str(m), "0.02", *numbers],
                              cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for m in months]
    posted = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        posted.append(int(out.strip().splitlines()[-1]))
    return posted


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_posts_never_duplicate_nor_skip_a_folio(backend, tmp_path, request) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else \
        f"sqlite:///{tmp_path / 'operational.db'}"
    numbers = make_store(url, n_contracts=8)
    # September and October twice, all at once
    posted = _runs(url, numbers, [9, 10, 10])
    assert posted[0] == 8 and sorted(posted[1:]) == [0, 8]  # the second October run: nothing
    folios = [f for (f,) in sql(url, "select folio from invoices order by folio")]
    assert folios == list(range(1, 17))  # 16 invoices, no gap, no duplicate
    per_period = sql(url, "select contract_id, period_start, count(*) from invoices "
                          "group by contract_id, period_start having count(*) > 1")
    assert per_period == []
    (next_folio,) = sql(url, "select next_folio from invoice_series where series = 'F'")[0]
    assert next_folio == 17
