"""What every page shows: who is signed in, how old the warehouse's data is."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from seiton.config import BUSINESS_TZ, load_settings
from seiton.webapp import auth
from seiton.webapp.i18n import t


def _local(iso: str | None) -> str:
    if not iso:
        return t("never")
    when = datetime.fromisoformat(iso).astimezone(ZoneInfo(BUSINESS_TZ))
    return when.strftime("%Y-%m-%d %H:%M")


def data_age(status: dict, requested: float | None, now: datetime | None = None) -> str:
    """"Data from 3 min ago" (as of the last refresh that found the warehouse current),
    and whether a newer write is still waiting for its refresh."""
    when = status.get("last_success_at")
    if not when:
        return t("data_age_never")
    now = now or datetime.now(ZoneInfo(BUSINESS_TZ))
    seconds = max(0, int((now - datetime.fromisoformat(when)).total_seconds()))
    if seconds < 60:
        age = t("data_age_now")
    elif seconds < 3600:
        age = t("data_age_minutes").format(n=seconds // 60)
    elif seconds < 48 * 3600:
        age = t("data_age_hours").format(n=seconds // 3600)
    else:
        age = t("data_age_days").format(n=seconds // 86400)
    text = f"{t('data_age')}: {age} ({_local(when)})"
    if requested is not None and requested > datetime.fromisoformat(when).timestamp():
        text += f" · {t('data_age_pending')}"
    return text


def sidebar(user: auth.CurrentUser) -> None:
    from seiton.warehouse.freshness import requested_at
    from seiton.warehouse.refresh import RefreshError, read_status, refresh

    settings = load_settings()
    status = read_status(settings)
    with st.sidebar:
        st.caption(f"{t('signed_in_as')}: **{user.display_name}** ({user.role}"
                   f"{' · ' + user.area if user.area else ''})")
        st.caption(data_age(status, requested_at(settings.home)))
        if user.role == "admin" and st.button(t("refresh_now")):
            with st.spinner(t("refresh_running")):
                try:
                    refresh(settings, progress=lambda _msg: None, quiet_dbt=True)
                    st.cache_data.clear()
                    st.success(t("refresh_ok"))
                except RefreshError as exc:
                    st.error(f"{t('refresh_failed')}: {exc}")
        if st.button(t("logout")):
            auth.logout()
            st.rerun()
