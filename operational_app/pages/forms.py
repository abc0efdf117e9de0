"""What every entry page shares: keyed form widgets, the write, the errors and the flash.

Validation lives in the domain layer (shared with the CSV import), never here: numbers and
keys are typed as text and handed over as they are, so a form and a CSV cell give the same
error. Widgets are keyed `<form>-<domain field>` so tests (and the error display) can find
them by the domain's field names. User-entered text is only ever shown through
`st.dataframe`, `st.text` or markdown-escaped (`md`): never as HTML or live markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from operational_app.domain import fields
from operational_app.domain.errors import ValidationError
from operational_app.domain.labels import FIELD_LABELS
from operational_app.store.engine import write_session
from operational_app.store.models import Base
from operational_app.store.types import ExactDecimal, Money
from seiton.webapp import auth
from seiton.webapp.formats import (
    MISSING,
    fmt_date,
    fmt_datetime,
    fmt_money,
    fmt_number,
    is_missing,
)
from seiton.webapp.i18n import lang, register, t
from seiton.webapp.registry import may_record, running_page

register({f"f_{name}": label for name, label in FIELD_LABELS.items()})
register({
    "entry_save": {"es": "Guardar", "en": "Save"},
    "entry_withdraw": {"es": "Retirar", "en": "Withdraw"},
    "entry_withdraw_mistake": {"es": "Retirar (capturado por error)",
                               "en": "Withdraw (a mistake)"},
    "entry_not_saved": {"es": "No se guardó nada. Corrige:",
                        "en": "Nothing was saved. Please fix:"},
    "entry_pick_placeholder": {"es": "Elige o escribe la clave",
                               "en": "Choose or type the key"},
    "entry_latest_records": {"es": "Últimos registros", "en": "Latest records"},
    "entry_search": {"es": "Buscar", "en": "Search"},
    "entry_all": {"es": "Todos", "en": "All"},
    "entry_no_records": {"es": "Sin registros.", "en": "No records."},
    "entry_yes": {"es": "Sí", "en": "Yes"},
    # words of the confirmations ("Lectura registrada: equipo SN-0042 · 31/10/2026 · …")
    "entry_device": {"es": "equipo", "en": "device"},
    "entry_contract": {"es": "contrato", "en": "contract"},
    "entry_mono_counter": {"es": "contador mono", "en": "mono counter"},
    "entry_color_counter": {"es": "contador color", "en": "color counter"},
    "entry_no": {"es": "No", "en": "No"},
    "entry_showing_latest": {"es": "Se muestran los {n} más recientes.",
                       "en": "Showing the {n} most recent."},
    "entry_immutable_note": {
        "es": "Los documentos financieros publicados no se editan ni se borran: se corrigen "
              "con notas de crédito y reversos.",
        "en": "Posted financial documents are never edited or deleted: they are corrected "
              "with credit notes and reversals.",
    },
})

FLASH_KEY = "_entry_flash"
MIN_MOMENT = datetime(2000, 1, 1)
MAX_MOMENT = datetime(2099, 12, 31, 23, 59)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=])")


def md(value: Any) -> str:
    """Text safe to put inside markdown: every markdown/directive character escaped and
    newlines flattened, so user text shows literally (no links, images, colors, icons)."""
    text = "" if value is None else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def label(field: str) -> str:
    """The form label of a domain field, in the UI language."""
    return t(f"f_{field}") if field in FIELD_LABELS else field


def option_label(value: Any) -> str:
    """Translated label of a fixed choice (a stage, a ticket type…), or the value itself."""
    key = f"opt_{value}"
    text = t(key)
    return value if text == key else text


def current_actor() -> str:
    """The signed-in username: the actor of every write. Pages run only behind main's role
    check, but a page reached without a session still refuses to write, and so does a user
    whose area is not responsible for what the page records (registry.may_record, against
    the page being run: duties within a stage stay apart)."""
    user = auth.current_user()
    if user is None:
        st.error(t("not_allowed"))
        st.stop()
    if not may_record(user.role, user.area, running_page()):
        st.error(t("not_your_duty"))
        st.stop()
    return user.username


def today() -> date:
    return fields.today()


def now_minute() -> datetime:
    return fields.now_local().replace(second=0, microsecond=0)


class EntryForm:
    """One `st.form` for one domain call.

    Use as a context manager; each widget method takes the domain field name, keys the widget
    `<form>-<field>` and remembers the label so a ValidationError maps back to what the user
    sees. After the `with` block: `if f.submitted: f.save(...)`.
    """

    def __init__(self, key: str, title: str | None = None, *, submit_label: str | None = None,
                 labels: Mapping[str, str] | None = None):
        self.key = key
        self.title = title
        self.submit_label = submit_label or t("entry_save")
        self.labels: dict[str, str] = dict(labels or {})
        self.others: list[str] = []  # keys of the form's widgets not made by these methods
        self.submitted = False
        self._form: Any = None

    # -- the form itself

    def __enter__(self) -> EntryForm:
        if self.title:
            st.subheader(self.title)
        self._form = st.form(self.key)
        self._form.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self.submitted = st.form_submit_button(self.submit_label, type="primary",
                                                   key=f"{self.key}-submit")
        self._form.__exit__(*exc)
        show_confirmation(self.key)

    def wkey(self, field: str) -> str:
        return f"{self.key}-{field}"

    def track(self, key: str) -> str:
        """A widget of the form drawn with st.* directly: cleared with the others on save."""
        self.others.append(key)
        return key

    @property
    def widget_keys(self) -> list[str]:
        return [self.wkey(field) for field in self.labels] + self.others

    def _label(self, field: str, text: str | None) -> str:
        self.labels[field] = text or self.labels.get(field) or label(field)
        return self.labels[field]

    # -- widgets

    def text(self, field: str, *, label_text: str | None = None, placeholder: str | None = None,
             help: str | None = None, value: str = "", area: bool = False) -> str:
        lbl = self._label(field, label_text)
        if area:
            return st.text_area(lbl, value=value, key=self.wkey(field), help=help,
                                placeholder=placeholder, height=80)
        return st.text_input(lbl, value=value, key=self.wkey(field), help=help,
                             placeholder=placeholder)

    def number(self, field: str, *, label_text: str | None = None, value: str = "",
               placeholder: str = "0", help: str | None = None) -> str:
        """Numbers are typed as text: the domain parses them exactly (no float rounding)."""
        return self.text(field, label_text=label_text, value=value, placeholder=placeholder,
                         help=help)

    def money(self, field: str, *, label_text: str | None = None, value: str = "") -> str:
        return self.number(field, label_text=label_text, value=value, placeholder="0.00")

    def date(self, field: str, *, label_text: str | None = None,
             value: date | None | str = "today", optional: bool = False) -> date | None:
        default = today() if value == "today" else value
        if optional and value == "today":
            default = None
        return st.date_input(self._label(field, label_text), value=default,
                             min_value=fields.MIN_DATE, max_value=fields.MAX_DATE,
                             key=self.wkey(field), format="YYYY-MM-DD")

    def moment(self, field: str, *, label_text: str | None = None) -> datetime | None:
        """A business timestamp in America/Mexico_City wall time (how the domain stores it)."""
        return st.datetime_input(self._label(field, label_text), value=now_minute(),
                                 min_value=MIN_MOMENT, max_value=MAX_MOMENT,
                                 key=self.wkey(field), format="YYYY-MM-DD",
                                 step=timedelta(minutes=1))

    def choice(self, field: str, options: Iterable[str], *, label_text: str | None = None,
               index: int | None = 0, format_func: Callable[[Any], str] = option_label) -> Any:
        return st.selectbox(self._label(field, label_text), list(options), index=index,
                            format_func=format_func, key=self.wkey(field))

    def pick(self, field: str, options: Mapping[str, str], *, label_text: str | None = None,
             index: int | None = None) -> str | None:
        """A business key from a pick-list (`{key: description}`), searchable as you type.

        Lists are capped to the most recent records; a key not listed can be typed and the
        domain checks it like any other.
        """
        keys = list(options)

        def fmt(key: Any) -> str:
            desc = options.get(key)
            return f"{key} · {desc}" if desc else str(key)

        return st.selectbox(self._label(field, label_text), keys, index=index, format_func=fmt,
                            key=self.wkey(field), placeholder=t("entry_pick_placeholder"),
                            accept_new_options=True)

    def check(self, field: str, *, label_text: str | None = None, value: bool = False) -> bool:
        return st.checkbox(self._label(field, label_text), value=value, key=self.wkey(field))

    # -- the write

    def save(self, write: Callable[[Session, str], Any],
             success: str | Callable[[Any], str]) -> Any:
        """Run one domain call in one write transaction, as the signed-in user.

        On ValidationError nothing was written (the transaction rolled back): the errors show
        under the form, naming the fields by their labels. On success the pick-lists are
        refreshed, the form is cleared and the confirmation shows after the rerun.
        """
        actor = current_actor()
        try:
            with write_session() as session:
                row = write(session, actor)
        except ValidationError as exc:
            self.show_errors(exc)
            return None
        from operational_app.pages import queries

        queries.invalidate()
        message = success(row) if callable(success) else success
        confirm_saved(self.key, message, self.widget_keys)

    def field_label(self, field: str) -> str:
        if field in self.labels:
            return self.labels[field]
        base, sep, rest = field.partition("[")
        if sep and base in self.labels:  # "lines[2].quantity" → "Partidas 2 · Cantidad"
            nested = rest.split("].", 1)
            sub = label(nested[1]) if len(nested) == 2 else ""
            return f"{self.labels[base]} {nested[0]}" + (f" · {sub}" if sub else "")
        return label(field)

    def show_errors(self, exc: ValidationError) -> None:
        lines = [f"- **{md(self.field_label(e.field))}**: {md(e.text(lang()))}"
                 for e in exc.errors]
        st.error(t("entry_not_saved") + "\n\n" + "\n".join(lines), icon=":material/error:")


def confirm_saved(form: str, message: str, widget_keys: Iterable[str]) -> NoReturn:
    """After a successful save — the one "clear + confirm" of every entry form: the form's
    widgets are forgotten (the rerun draws them at their defaults, so a second click or a
    value left in a box cannot record a second, wrong record) and the confirmation naming
    the saved record shows under the form (`show_confirmation`). A refused save never calls
    this: the form keeps its values for the user to fix (docs/operational-app.md)."""
    st.session_state[FLASH_KEY] = (form, message)
    for key in widget_keys:
        st.session_state.pop(key, None)
    st.rerun()


def show_confirmation(form: str) -> None:
    """The confirmation `confirm_saved` left for `form`, shown once."""
    flash = st.session_state.get(FLASH_KEY)
    if flash and flash[0] == form:
        st.session_state.pop(FLASH_KEY, None)
        st.success(flash[1], icon=":material/check_circle:")


def success(what: str, *parts: Any) -> str:
    """A confirmation naming the saved record: "Lectura registrada: **equipo SN-0042 ·
    31/10/2026 · contador mono 600,000**". Each part is a value or a `(word, value)` pair;
    values are written as every table writes them (`display_value`: dates, numbers in the
    language's format) and escaped (keys are user text)."""
    shown = []
    for part in parts:
        word, value = part if isinstance(part, tuple) else (None, part)
        text = str(display_value(value))
        shown.append(f"{word} {text}" if word else text)
    return f"{what}: **{md(' · '.join(shown))}**"


def _money_columns() -> frozenset[str]:
    """Columns shown as $1,234.56: every column the store declares as Money() (its one owner
    of what an amount is), plus the amounts pages/queries.py computes from them."""
    money = Money()
    stored = {column.name for table in Base.metadata.tables.values() for column in table.columns
              if isinstance(column.type, ExactDecimal)
              and (column.type.precision, column.type.scale) == (money.precision, money.scale)}
    return frozenset(stored | {"open_amount", "unapplied_amount"})


MONEY_COLUMNS = _money_columns()


def display_value(value: Any, *, money: bool = False) -> Any:
    """One table cell as people read it (docs/conventions.md "Display formats"): a missing
    value as an em dash, dates and timestamps in the language's format, money with `$` and
    two decimals, other decimals without trailing zeros, yes/no as words."""
    if isinstance(value, (list, tuple, dict)):
        return value
    if is_missing(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return t("entry_yes") if value else t("entry_no")
    if isinstance(value, datetime):  # pd.Timestamp included
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    if isinstance(value, (Decimal, float, np.floating, int, np.integer)):
        if money:
            return fmt_money(value)
        exact = Decimal(str(value)).normalize()
        return fmt_number(exact, max(0, -exact.as_tuple().exponent))
    return value


def display_frame(frame: pd.DataFrame, translate: Iterable[str] = ()) -> pd.DataFrame:
    """The frame as shown: fixed choices (`translate`) by their labels, every other value
    through `display_value`. A column of whole numbers with none missing stays numeric
    (it sorts as numbers); every other column becomes text."""
    frame = frame.copy()
    codes = set(translate)
    for col in frame.columns:
        values = frame[col]
        if col in codes:
            frame[col] = values.map(lambda v: MISSING if is_missing(v) else option_label(v))
            continue
        if pd.api.types.is_integer_dtype(values):
            continue
        money = col in MONEY_COLUMNS
        frame[col] = values.astype(object).map(lambda v, m=money: display_value(v, money=m))
    return frame


def records_table(frame: pd.DataFrame, *, key: str, limit: int | None = None,
                  column_labels: Mapping[str, str] | None = None,
                  translate: Iterable[str] = ()) -> None:
    """The latest records, as a read-only table (st.dataframe never renders HTML).
    `translate` names columns of fixed choices shown by their labels (`option_label`); every
    cell is shown through `display_value` (no `None`, `nan`, raw ISO dates or bare amounts)."""
    if frame.empty:
        st.caption(t("entry_no_records"))
        return
    frame = display_frame(frame, translate)
    shown = frame.rename(columns={c: (column_labels or {}).get(c) or label(c)
                                  for c in frame.columns})
    st.dataframe(shown, hide_index=True, key=key, width="stretch")
    if limit is not None and len(frame) >= limit:
        st.caption(t("entry_showing_latest").format(n=limit))


def search_box(key: str) -> str:
    return st.text_input(t("entry_search"), key=key, placeholder="…").strip()

