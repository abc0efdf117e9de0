"""What every page shows: who is signed in, when the warehouse was last refreshed."""

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


def sidebar(user: auth.CurrentUser) -> None:
    from seiton.warehouse.refresh import RefreshError, read_status, refresh

    settings = load_settings()
    status = read_status(settings)
    with st.sidebar:
        st.caption(f"{t('signed_in_as')}: **{user.display_name}** ({user.role}"
                   f"{' · ' + user.area if user.area else ''})")
        st.caption(f"{t('last_refresh')}: {_local(status.get('last_success_at'))}")
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
