"""A page's filters live in its URL, so a shared link opens the same view (docs/conventions.md,
"Shared links"). The one owner of how a page reads its filters from the URL, keeps them valid
and writes them back; pages declare their parameters and call these.

Reading happens once per session (the first run): later runs keep what the user chose. A value
in the URL that the page does not offer (a typo, a period that no longer exists) falls back to
the default and is reported, so the page can say the link was partly ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping
from datetime import date
from typing import Any

ALL = ""  # "no filter": the empty choice of a select box, and absent from the URL


class UrlState:
    """The filters of one page: `params` maps a URL parameter to its session-state key."""

    def __init__(self, params: Mapping[str, str], query: MutableMapping[str, str],
                 session: MutableMapping[str, Any]):
        self.params, self.query, self.session = params, query, session
        self.bad = False  # a URL value was not offered and was replaced by the default

    def _first_run(self, name: str) -> bool:
        return self.params[name] not in self.session

    def choice(self, name: str, allowed: Collection[str] | None = None,
               default: str = ALL) -> None:
        """A select box's value; `allowed` None = checked later, against the data read."""
        if not self._first_run(name):
            return
        raw = self.query.get(name) or default
        if allowed is not None and raw and raw not in allowed:
            self.bad, raw = True, default
        self.session[self.params[name]] = raw

    def day(self, name: str, default: Callable[[], date], *, month: bool = False,
            allowed: Collection[date] | None = None, fallback: Any = None) -> None:
        """A date (or the month it falls in); a value the page does not offer → `fallback`
        (default: `default()`)."""
        if not self._first_run(name):
            return
        raw = self.query.get(name)
        value: Any = None
        if raw:
            try:
                value = date.fromisoformat(raw)
            except ValueError:
                self.bad = True
            else:
                value = value.replace(day=1) if month else value
                if allowed is not None and value not in allowed:
                    self.bad, value = True, None
        if value is None:
            value = fallback if (raw and fallback is not None) else default()
        self.session[self.params[name]] = value

    def many(self, name: str, allowed: list[str], default: list[str]) -> None:
        """A multi-select, comma-separated in the URL, kept in `allowed`'s order."""
        if not self._first_run(name):
            return
        raw = self.query.get(name)
        chosen = list(default)
        if raw is not None:
            wanted = [v for v in raw.split(",") if v]
            if any(v not in allowed for v in wanted):
                self.bad = True
            chosen = [v for v in allowed if v in wanted]
        self.session[self.params[name]] = chosen

    def keep_valid(self, name: str, options: Collection[Any]) -> None:
        """A remembered choice no longer offered (other date or filter) falls back to all."""
        key = self.params[name]
        if self.session.get(key) not in options:
            self.session[key] = ALL

    def write(self, state: Mapping[str, Any], keep_empty: Collection[str] = ()) -> None:
        """The URL of the current view: set filters only (plus `keep_empty` ones even when
        empty, e.g. a multi-select cleared on purpose); other pages' parameters untouched."""
        wanted = {}
        for name, value in state.items():
            if value is None:
                continue
            if isinstance(value, list | tuple):
                value = ",".join(map(str, value))
            if value or name in keep_empty:
                wanted[name] = str(value)
        for name in list(self.query.keys()):
            if name in self.params and name not in wanted:
                del self.query[name]
        for name, value in wanted.items():
            if self.query.get(name) != value:
                self.query[name] = value


def page_state(params: Mapping[str, str], read: Callable[[UrlState], None]) -> UrlState:
    """A dashboard page's filters, set up the one way: bound to st.query_params and
    st.session_state, `read` declares the parameters (`url.day(...)`, `url.choice(...)`),
    and a URL value that was ignored gets the one warning."""
    import streamlit as st

    from seiton.webapp.i18n import t

    url = UrlState(params, st.query_params, st.session_state)
    read(url)
    if url.bad:
        st.warning(t("url_bad_param"))
    return url
