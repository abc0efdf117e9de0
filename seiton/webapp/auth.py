"""Login and session handling, checked on the server for every page.

Local users with argon2-hashed passwords (st.login needs an OIDC provider: none here).
Failed logins are slowed down with a growing delay; sessions expire after inactivity.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import streamlit as st

from seiton.webapp.i18n import t

SESSION_MINUTES = float(os.environ.get("SEITON_SESSION_MINUTES", "60"))


@dataclass(frozen=True)
class CurrentUser:
    username: str
    display_name: str
    role: str
    area: str | None


def current_user() -> CurrentUser | None:
    user = st.session_state.get("user")
    if user is None:
        return None
    last = st.session_state.get("last_seen", 0.0)
    if time.time() - last > SESSION_MINUTES * 60:
        logout()
        st.session_state["expired"] = True
        return None
    st.session_state["last_seen"] = time.time()
    return user


def logout() -> None:
    for key in ("user", "last_seen"):
        st.session_state.pop(key, None)


def login_form() -> None:
    from operational_app.domain import users
    from operational_app.store.engine import write_session

    st.title(t("app_title"))
    if st.session_state.pop("expired", False):
        st.info(t("session_expired"))
    with st.form("login"):
        username = st.text_input(t("username"))
        password = st.text_input(t("password"), type="password")
        submitted = st.form_submit_button(t("login"))
    if not submitted:
        return
    with write_session() as session:
        user = users.authenticate(session, username=username.strip(), password=password)
        if user is None:
            delay = users.login_delay_for(session, username.strip())
        else:
            current = CurrentUser(user.username, user.display_name, user.role, user.area)
    if user is None:
        time.sleep(delay)  # slow down guessing; the delay grows with consecutive failures
        st.error(t("login_failed"))
        return
    st.session_state["user"] = current
    st.session_state["last_seen"] = time.time()
    st.rerun()
