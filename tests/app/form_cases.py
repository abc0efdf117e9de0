"""Filling and submitting the entry pages' forms through AppTest, by domain field name.

Every form widget is keyed `<form>-<field>` (operational_app/pages/forms.py), so a case
names the form and the domain fields, and `fill()` finds the widget whatever its type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from operational_app.pages.forms import FIELD_LABELS
from operational_app.store.engine import read_session

from .app_helpers import errors_text, goto, row_counts, success_text, unescape

WIDGET_TYPES = ("text_input", "text_area", "selectbox", "date_input", "datetime_input",
                "checkbox")


def widget(at: AppTest, key: str) -> Any:
    for kind in WIDGET_TYPES:
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(f"no widget keyed {key!r}")


def set_widget(at: AppTest, key: str, value: Any) -> None:
    w = widget(at, key)
    if w.type == "checkbox":
        w.check() if value else w.uncheck()
    elif w.type in ("text_input", "text_area"):
        w.input(value)
    else:
        w.set_value(value)


def fill(at: AppTest, form: str, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        set_widget(at, f"{form}-{name}", value)


def submit(at: AppTest, form: str) -> AppTest:
    at.button(key=f"{form}-submit").click().run()
    assert not at.exception, at.exception
    return at


def es_label(name: str) -> str:
    return FIELD_LABELS[name]["es"]


@dataclass
class FormCase:
    """One form of one page: good values that must save, a bad variant that must not."""

    id: str
    page: str
    form: str
    good: dict[str, Any]
    check: Callable[[Session], bool]  # the good write is in the DB
    key_shown: str  # the business key the confirmation names
    bad: dict[str, Any]  # overrides of `good`
    bad_label: str  # the label the error must name (as the UI shows it, Spanish)
    before: dict[str, Any] = field(default_factory=dict)  # widgets outside the form, set first
    setup: Callable[[], None] | None = None  # extra data written through the domain


def run_case_values(at: AppTest, case: FormCase, values: Mapping[str, Any]) -> AppTest:
    goto(at, case.page)
    assert not at.exception, at.exception
    for key, value in case.before.items():
        set_widget(at, key, value)
        at.run()
    fill(at, case.form, values)
    return submit(at, case.form)


def exists(model: Any, **where: Any) -> Callable[[Session], bool]:
    def check(s: Session) -> bool:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return s.scalars(query).first() is not None
    return check


def in_db(check: Callable[[Session], bool]) -> bool:
    with read_session() as s:
        return check(s)


def assert_saved(at: AppTest, case: FormCase) -> None:
    assert not at.error, unescape(errors_text(at))
    assert case.key_shown in unescape(success_text(at)), success_text(at)
    assert in_db(case.check)


def assert_refused(at: AppTest, label_text: str, before: dict[str, int]) -> None:
    shown = unescape(errors_text(at)).replace("**", "")
    assert "No se guardó nada" in shown, shown
    assert f"{label_text}:" in shown, shown
    assert not at.success
    assert row_counts() == before, "a refused form wrote something"


def d(text: str) -> date:
    return date.fromisoformat(text)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)
