"""dashboards/url_state.py: what a shared link does to a page's filters (docs/conventions.md,
"Shared links")."""

from __future__ import annotations

from datetime import date

from dashboards.url_state import ALL, UrlState

PARAMS = {"period": "p_period", "currency": "p_currency", "status": "p_status",
          "contract": "p_contract"}
PERIODS = [date(2026, 9, 1), date(2026, 10, 1)]


def state(query: dict) -> tuple[UrlState, dict, dict]:
    session: dict = {}
    return UrlState(PARAMS, query, session), query, session


def test_a_shared_link_sets_every_filter_it_names() -> None:
    url, _, session = state({"period": "2026-10-17", "currency": "USD",
                             "status": "over_billed,matched", "contract": "C-7"})
    url.day("period", lambda: PERIODS[-1], month=True, allowed=PERIODS)
    url.choice("currency", ("MXN", "USD"))
    url.many("status", ["matched", "under_billed", "over_billed"], default=["matched"])
    url.choice("contract")
    assert session == {"p_period": date(2026, 10, 1), "p_currency": "USD",
                       "p_status": ["matched", "over_billed"], "p_contract": "C-7"}
    assert url.bad is False


def test_values_not_offered_fall_back_and_are_reported() -> None:
    url, _, session = state({"period": "2025-01", "currency": "EUR", "status": "nope"})
    url.day("period", lambda: PERIODS[-1], month=True, allowed=PERIODS)
    url.choice("currency", ("MXN", "USD"))
    url.many("status", ["matched", "over_billed"], default=["matched"])
    assert session == {"p_period": PERIODS[-1], "p_currency": ALL, "p_status": []}
    assert url.bad is True


def test_a_bad_date_with_a_fallback_uses_the_fallback() -> None:
    url, _, session = state({"period": "2026-13-01"})
    url.day("period", lambda: PERIODS[-1], month=True, allowed=PERIODS, fallback=ALL)
    assert session["p_period"] == ALL and url.bad


def test_the_url_is_read_once_per_session() -> None:
    url, query, session = state({"currency": "USD"})
    session["p_currency"] = "MXN"  # the user changed it on an earlier run
    url.choice("currency", ("MXN", "USD"))
    assert session["p_currency"] == "MXN"


def test_keep_valid_drops_a_choice_no_longer_offered() -> None:
    url, _, session = state({})
    session["p_contract"] = "C-9"
    url.keep_valid("contract", [ALL, "C-1"])
    assert session["p_contract"] == ALL
    session["p_contract"] = "C-1"
    url.keep_valid("contract", [ALL, "C-1"])
    assert session["p_contract"] == "C-1"


def test_write_keeps_only_set_filters_and_other_pages_parameters() -> None:
    url, query, _ = state({"currency": "USD", "contract": "C-1", "lang": "en"})
    url.write({"period": date(2026, 10, 1), "currency": ALL, "contract": None,
               "status": []}, keep_empty=("status",))
    assert query == {"period": "2026-10-01", "status": "", "lang": "en"}
