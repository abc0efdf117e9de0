"""UI strings: Spanish by default (the company works in Spanish), English on a switch.

The switch lives in the URL too (`?lang=en`), so a reload or a shared link opens in the
language it was sent in (docs/conventions.md, "Shared links").
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from operational_app.domain import messages

LANGS = {"es": "Español", "en": "English"}
DEFAULT_LANG = "es"
LANG_PARAM = "lang"  # the URL parameter (?lang=es|en); the session key is "lang" too

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"es": "Seiton · Cadena de valor", "en": "Seiton · Value chain"},
    "login": {"es": "Iniciar sesión", "en": "Log in"},
    "logout": {"es": "Cerrar sesión", "en": "Log out"},
    "username": {"es": "Usuario", "en": "Username"},
    "password": {"es": "Contraseña", "en": "Password"},
    "login_failed": {"es": "Usuario o contraseña incorrectos.", "en": "Wrong username or password."},
    "session_expired": {"es": "La sesión expiró; inicia sesión de nuevo.",
                        "en": "Your session expired; please log in again."},
    "language": {"es": "Idioma", "en": "Language"},
    "last_refresh": {"es": "Última actualización del almacén", "en": "Last warehouse refresh"},
    "never": {"es": "nunca", "en": "never"},
    "data_age": {"es": "Datos", "en": "Data"},
    "data_age_never": {"es": "Aún no hay datos publicados", "en": "No data published yet"},
    "data_age_now": {"es": "de hace menos de un minuto", "en": "less than a minute old"},
    "data_age_minutes": {"es": "de hace {n} min", "en": "{n} min old"},
    "data_age_hours": {"es": "de hace {n} h", "en": "{n} h old"},
    "data_age_days": {"es": "de hace {n} días", "en": "{n} days old"},
    "data_age_pending": {"es": "actualización en camino", "en": "refresh on its way"},
    "refresh_now": {"es": "Actualizar ahora", "en": "Refresh now"},
    "refresh_running": {"es": "Actualizando el almacén…", "en": "Refreshing the warehouse…"},
    "refresh_ok": {"es": "Almacén actualizado.", "en": "Warehouse refreshed."},
    "refresh_failed": {"es": "La actualización falló", "en": "The refresh failed"},
    "no_warehouse": {"es": "Aún no hay almacén publicado: ejecuta `seiton refresh`.",
                     "en": "No published warehouse yet: run `seiton refresh`."},
    "not_allowed": {"es": "Tu rol no tiene acceso a esta página.",
                    "en": "Your role cannot open this page."},
    "not_your_duty": {"es": "Tu área no es responsable de estos registros: no se guardó nada.",
                      "en": "Your area is not responsible for these records: nothing was "
                            "saved."},
    "section_dashboards": {"es": "Tableros", "en": "Dashboards"},
    "section_directors": {"es": "Dirección", "en": "Management"},
    "section_finance": {"es": "Finanzas", "en": "Finance"},
    "section_analysis": {"es": "Análisis", "en": "Analysis"},
    "section_admin": {"es": "Administración", "en": "Administration"},
    "page_value_chain": {"es": "Cadena de valor", "en": "Value chain"},
    "objective": {"es": "Objetivo", "en": "Objective"},
    "key_output": {"es": "Salida clave", "en": "Key output"},
    "areas": {"es": "Áreas responsables", "en": "Responsible areas"},
    "records": {"es": "Registros", "en": "Records"},
    "signed_in_as": {"es": "Sesión de", "en": "Signed in as"},
    "url_bad_param": {"es": "Se ignoró un parámetro inválido de la URL",
                      "en": "An invalid URL parameter was ignored"},
    "demo_mode_hint": {"es": "Modo demo: usuarios y contraseñas en el README.",
                       "en": "Demo mode: users and passwords are in the README."},
}


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def url_lang(query: Any, session: MutableMapping[str, Any]) -> None:
    """Before the switch is drawn: a session's first run takes the URL's language (an
    unknown value falls back to Spanish); later runs keep what the user chose."""
    if "lang" not in session:
        wanted = query.get(LANG_PARAM)
        session["lang"] = wanted if wanted in LANGS else DEFAULT_LANG


def write_url_lang(query: Any, chosen: str) -> None:
    """After the switch: the URL names the language chosen. The default is written only
    when the URL already names one, so Spanish links stay as they were; other parameters
    (a dashboard's filters, dashboards/url_state.py) are not touched."""
    current = query.get(LANG_PARAM)
    if current == chosen or (current is None and chosen == DEFAULT_LANG):
        return
    query[LANG_PARAM] = chosen


def language_switch() -> None:
    """The sidebar's language box, kept in the URL."""
    url_lang(st.query_params, st.session_state)
    st.selectbox(t("language"), list(LANGS), format_func=LANGS.get, key="lang")
    write_url_lang(st.query_params, st.session_state["lang"])


def t(key: str) -> str:
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry.get(lang()) or entry["es"]


def register(strings: dict[str, dict[str, str]]) -> None:
    """Pages add their own strings next to their code; the labels of fixed choices
    ("opt_<value>") also name those values in messages (docs/conventions.md "Messages")."""
    STRINGS.update(strings)
    messages.OPTION_LABELS.update({key.removeprefix("opt_"): entry
                                   for key, entry in strings.items() if key.startswith("opt_")})
