"""Stage 3 — implementation: the plan, milestones, devices installed and removed."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from operational_app.domain import implementation
from operational_app.pages import queries
from operational_app.pages.forms import (
    EntryForm,
    option_label,
    records_table,
    search_box,
    success,
    today,
)
from seiton.webapp.i18n import register, t

register({
    "impl_plans_title": {"es": "Planes de implementación e hitos",
                         "en": "Implementation plans and milestones"},
    "impl_new_plan": {"es": "Plan de implementación", "en": "Implementation plan"},
    "impl_plan_saved": {"es": "Plan registrado", "en": "Plan recorded"},
    "impl_milestone": {"es": "Registrar un hito", "en": "Record a milestone"},
    "impl_milestone_saved": {"es": "Hito registrado", "en": "Milestone recorded"},
    "impl_milestone_withdrawn": {"es": "Hito retirado", "en": "Milestone withdrawn"},
    "impl_devices_title": {"es": "Instalación y retiro de equipos",
                           "en": "Device installs and removals"},
    "impl_install": {"es": "Instalar un equipo", "en": "Install a device"},
    "impl_installed": {"es": "Equipo instalado", "en": "Device installed"},
    "impl_remove": {"es": "Retirar un equipo", "en": "Remove a device"},
    "impl_removed": {"es": "Equipo retirado", "en": "Device removed"},
    "impl_installed_only": {"es": "Solo equipos instalados", "en": "Installed devices only"},
    "opt_software_configured": {"es": "Software configurado", "en": "Software configured"},
    "opt_training_given": {"es": "Capacitación inicial", "en": "Initial training"},
    "opt_customer_acceptance": {"es": "Aceptación del cliente", "en": "Customer acceptance"},
})


def plans_page() -> None:
    st.title(t("impl_plans_title"))
    plan_tab, milestone_tab, withdraw_tab = st.tabs(
        [t("impl_new_plan"), t("impl_milestone"), t("entry_withdraw_mistake")])
    with plan_tab:
        with EntryForm("plan-impl") as f:
            contract = f.pick("contract_number", queries.picklist("contracts", "open"))
            planned = f.date("planned_on")
            go_live = f.date("planned_go_live", value=today() + timedelta(days=20))
        if f.submitted:
            f.save(lambda s, actor: implementation.plan_implementation(
                s, actor, contract_number=contract, planned_on=planned,
                planned_go_live=go_live),
                lambda row: success(t("impl_plan_saved"), contract, row.planned_go_live))
    with milestone_tab:
        with EntryForm("hito") as m:
            contract_m = m.pick("contract_number", queries.picklist("contracts", "active"))
            milestone = m.choice("milestone", implementation.MILESTONES)
            done = m.date("done_on")
            notes = m.text("notes", area=True)
        if m.submitted:
            m.save(lambda s, actor: implementation.record_milestone(
                s, actor, contract_number=contract_m, milestone=milestone, done_on=done,
                notes=notes),
                lambda row: success(t("impl_milestone_saved"),
                                    contract_m, option_label(row.milestone), row.done_on))
    with withdraw_tab:
        with EntryForm("retirar-hito", submit_label=t("entry_withdraw")) as w:
            w_contract = w.pick("contract_number", queries.picklist("contracts", "active"))
            w_milestone = w.choice("milestone", implementation.MILESTONES)
        if w.submitted:
            w.save(lambda s, actor: implementation.withdraw_milestone(
                s, actor, contract_number=w_contract, milestone=w_milestone),
                lambda row: success(t("impl_milestone_withdrawn"),
                                    w_contract, option_label(row.milestone)))

    st.subheader(t("entry_latest_records"))
    records_table(queries.implementation_table(search_box("planes-buscar")),
                  key="planes-impl-tabla", limit=queries.TABLE_LIMIT)


def devices_page() -> None:
    st.title(t("impl_devices_title"))
    install_tab, remove_tab = st.tabs([t("impl_install"), t("impl_remove")])
    with install_tab:
        with EntryForm("instalacion") as f:
            left, right = st.columns(2)
            with left:
                serial = f.text("serial", placeholder="SN-000001")
                contract = f.pick("contract_number", queries.picklist("contracts", "active"))
                installed = f.date("installed_on")
                site = f.text("site")
            with right:
                model = f.text("model")
                is_color = f.check("is_color")
                mono = f.number("install_mono_counter")
                color = f.number("install_color_counter", value="0")
        if f.submitted:
            f.save(lambda s, actor: implementation.install_device(
                s, actor, serial=serial, contract_number=contract, installed_on=installed,
                install_mono_counter=mono, install_color_counter=color, model=model,
                is_color=is_color, site=site),
                lambda row: success(t("impl_installed"), (t("entry_device"), row.serial),
                                    (t("entry_contract"), contract), row.installed_on))
    with remove_tab:
        with EntryForm("retiro") as r:
            serial_r = r.pick("serial", queries.picklist("devices", "installed"))
            removed = r.date("removed_on")
        if r.submitted:
            r.save(lambda s, actor: implementation.remove_device(
                s, actor, serial=serial_r, removed_on=removed),
                lambda row: success(t("impl_removed"), (t("entry_device"), row.serial),
                                    row.removed_on))

    st.subheader(t("entry_latest_records"))
    c1, c2 = st.columns([2, 1])
    with c1:
        text = search_box("equipos-buscar")
    with c2:
        installed_only = st.checkbox(t("impl_installed_only"), key="equipos-instalados")
    records_table(queries.devices_table(text, installed_only), key="equipos-tabla",
                  limit=queries.TABLE_LIMIT)
