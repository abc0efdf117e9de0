"""Stage 4 — operation: tickets and their life, preventive maintenance, consumables,
device monitoring. Business times are America/Mexico_City wall-clock time."""

from __future__ import annotations

import streamlit as st

from operational_app.domain import operation
from operational_app.pages import queries
from operational_app.pages.forms import (
    EntryForm,
    label,
    option_label,
    records_table,
    search_box,
    success,
)
from seiton.webapp.i18n import register, t

register({
    "op_tickets_title": {"es": "Tickets de servicio", "en": "Service tickets"},
    "op_open_ticket": {"es": "Abrir un ticket", "en": "Open a ticket"},
    "op_ticket_opened": {"es": "Ticket abierto", "en": "Ticket opened"},
    "op_ticket_action": {"es": "Avanzar un ticket", "en": "Move a ticket forward"},
    "op_action": {"es": "Acción", "en": "Action"},
    "op_when": {"es": "Fecha y hora", "en": "Date and time"},
    "op_ticket_updated": {"es": "Ticket actualizado", "en": "Ticket updated"},
    "op_ftf_help": {"es": "Obligatorio al resolver un ticket correctivo.",
                    "en": "Required when resolving a corrective ticket."},
    "op_device_optional": {"es": "Número de serie (opcional)", "en": "Serial number (optional)"},
    "op_state_filter": {"es": "Situación", "en": "State"},
    "op_maint_title": {"es": "Mantenimiento preventivo", "en": "Preventive maintenance"},
    "op_schedule_visit": {"es": "Programar una visita", "en": "Schedule a visit"},
    "op_visit_scheduled": {"es": "Visita programada", "en": "Visit scheduled"},
    "op_complete_visit": {"es": "Registrar una visita realizada", "en": "Complete a visit"},
    "op_test_pages_help": {"es": "Páginas que imprimió el técnico para probar el equipo: se "
                                 "descuentan del uso facturable del periodo.",
                           "en": "Pages the technician printed to test the device: credited "
                                 "against the period's billable usage."},
    "op_visit_done": {"es": "Visita realizada", "en": "Visit done"},
    "op_maint_plan": {"es": "Plan de mantenimiento", "en": "Maintenance plan"},
    "op_plan_saved": {"es": "Plan de mantenimiento registrado",
                      "en": "Maintenance plan recorded"},
    "op_pending_only": {"es": "Solo pendientes", "en": "Pending only"},
    "op_plans": {"es": "Planes de mantenimiento", "en": "Maintenance plans"},
    "op_consumables_title": {"es": "Consumibles", "en": "Consumables"},
    "op_request": {"es": "Solicitud de consumible", "en": "Consumable request"},
    "op_requested": {"es": "Solicitud registrada", "en": "Request recorded"},
    "op_deliver": {"es": "Registrar una entrega", "en": "Record a delivery"},
    "op_delivered": {"es": "Entrega registrada", "en": "Delivery recorded"},
    "op_monitoring_title": {"es": "Monitoreo de equipos", "en": "Device monitoring"},
    "op_event": {"es": "Evento de monitoreo", "en": "Monitoring event"},
    "op_withdrawn": {"es": "Registro retirado", "en": "Record withdrawn"},
    "op_event_saved": {"es": "Evento registrado", "en": "Event recorded"},
    "opt_corrective": {"es": "Correctivo", "en": "Corrective"},
    "opt_preventive": {"es": "Preventivo", "en": "Preventive"},
    "opt_consumable": {"es": "Consumible", "en": "Consumable"},
    "opt_incident": {"es": "Incidente", "en": "Incident"},
    "opt_request": {"es": "Solicitud", "en": "Request"},
    "opt_low": {"es": "Baja", "en": "Low"},
    "opt_medium": {"es": "Media", "en": "Medium"},
    "opt_high": {"es": "Alta", "en": "High"},
    "opt_critical": {"es": "Crítica", "en": "Critical"},
    "opt_respond": {"es": "Primera respuesta", "en": "First response"},
    "opt_pause": {"es": "Pausar (espera al cliente)", "en": "Pause (waiting on customer)"},
    "opt_resume": {"es": "Reanudar", "en": "Resume"},
    "opt_resolve": {"es": "Resolver", "en": "Resolve"},
    "opt_close": {"es": "Cerrar", "en": "Close"},
    "opt_open": {"es": "Abiertos", "en": "Open"},
    "opt_resolved": {"es": "Resueltos sin cerrar", "en": "Resolved, not closed"},
    "opt_up": {"es": "En línea (up)", "en": "Up"},
    "opt_down": {"es": "Caído (down)", "en": "Down"},
    "opt_yes": {"es": "Sí", "en": "Yes"},
    "opt_no": {"es": "No", "en": "No"},
})

# Each ticket action, the domain function and the name of its time field.
TICKET_ACTIONS = {
    "respond": (operation.respond_ticket, "first_response_at"),
    "pause": (operation.pause_ticket, "paused_at"),
    "resume": (operation.resume_ticket, "resumed_at"),
    "resolve": (operation.resolve_ticket, "resolved_at"),
    "close": (operation.close_ticket, "closed_at"),
}


def tickets_page() -> None:
    st.title(t("op_tickets_title"))
    open_tab, action_tab, withdraw_tab = st.tabs(
        [t("op_open_ticket"), t("op_ticket_action"), t("entry_withdraw_mistake")])
    with open_tab:
        with EntryForm("ticket") as f:
            left, right = st.columns(2)
            with left:
                number = f.text("ticket_number", placeholder="T-000001")
                contract = f.pick("contract_number", queries.picklist("contracts", "active"))
                serial = f.pick("serial", queries.picklist("devices", "installed"),
                                label_text=t("op_device_optional"))
            with right:
                ticket_type = f.choice("ticket_type", operation.TICKET_TYPES)
                priority = f.choice("priority", operation.PRIORITIES, index=1)
                opened = f.moment("opened_at")
            description = f.text("description", area=True)
        if f.submitted:
            f.save(lambda s, actor: operation.open_ticket(
                s, actor, ticket_number=number, contract_number=contract,
                ticket_type=ticket_type, opened_at=opened, priority=priority, serial=serial,
                description=description),
                lambda row: success(t("op_ticket_opened"), row.ticket_number))
    with action_tab:
        with EntryForm("ticket-accion") as a:
            ticket = a.pick("ticket_number", queries.picklist("tickets"))
            action = a.choice("action", TICKET_ACTIONS, label_text=t("op_action"))
            when = a.moment("when", label_text=t("op_when"))
            ftf = a.choice("first_time_fix", ("", "yes", "no"),
                           label_text=f"{label('first_time_fix')} — {t('op_ftf_help')}")
            c1, c2 = st.columns(2)
            with c1:
                test_mono = a.number("test_mono_pages", help=t("op_test_pages_help"))
            with c2:
                test_color = a.number("test_color_pages")
            for _, time_field in TICKET_ACTIONS.values():  # the domain names the time field
                a.labels[time_field] = t("op_when")
        if a.submitted:
            fn, time_field = TICKET_ACTIONS[action]
            kwargs = {"ticket_number": ticket, time_field: when}
            if action == "resolve":
                kwargs["first_time_fix"] = {"yes": True, "no": False}.get(ftf)
                kwargs.update(test_mono_pages=test_mono, test_color_pages=test_color)
            a.save(lambda s, actor: fn(s, actor, **kwargs),
                   success(t("op_ticket_updated"), ticket, option_label(action)))
    with withdraw_tab:
        with EntryForm("retirar-ticket", submit_label=t("entry_withdraw")) as w:
            w_ticket = w.pick("ticket_number", queries.picklist("tickets"))
        if w.submitted:
            w.save(lambda s, actor: operation.withdraw_ticket(s, actor, ticket_number=w_ticket),
                   lambda row: success(t("op_withdrawn"), row.ticket_number))

    st.subheader(t("entry_latest_records"))
    c1, c2 = st.columns([1, 2])
    with c1:
        state = st.selectbox(t("op_state_filter"), ("", "open", "resolved", "closed"),
                             format_func=lambda v: option_label(v) if v else t("entry_all"),
                             key="tickets-situacion")
    with c2:
        text = search_box("tickets-buscar")
    records_table(queries.tickets_table(state or None, text), key="tickets-tabla",
                  limit=queries.TABLE_LIMIT, translate=("ticket_type", "priority"))


def maintenance_page() -> None:
    st.title(t("op_maint_title"))
    tabs = st.tabs([t("op_schedule_visit"), t("op_complete_visit"), t("op_maint_plan"),
                    t("entry_withdraw_mistake")])
    with tabs[0]:
        with EntryForm("visita") as f:
            code = f.text("visit_code", placeholder="V-000001")
            serial = f.pick("serial", queries.picklist("devices", "installed"))
            due = f.date("due_on")
        if f.submitted:
            f.save(lambda s, actor: operation.schedule_visit(
                s, actor, visit_code=code, serial=serial, due_on=due),
                lambda row: success(t("op_visit_scheduled"), row.visit_code, row.due_on))
    with tabs[1]:
        with EntryForm("visita-hecha") as d:
            visit = d.pick("visit_code", queries.picklist("visits"))
            done = d.date("done_on")
            v1, v2 = st.columns(2)
            with v1:
                v_mono = d.number("test_mono_pages", help=t("op_test_pages_help"))
            with v2:
                v_color = d.number("test_color_pages")
        if d.submitted:
            d.save(lambda s, actor: operation.complete_visit(
                s, actor, visit_code=visit, done_on=done, test_mono_pages=v_mono,
                test_color_pages=v_color),
                lambda row: success(t("op_visit_done"), row.visit_code, row.done_on))
    with tabs[2]:
        with EntryForm("plan-mant") as p:
            serial_p = p.pick("serial", queries.picklist("devices", "installed"))
            interval = p.number("interval_months", value="3")
            starts = p.date("starts_on")
        if p.submitted:
            p.save(lambda s, actor: operation.create_maintenance_plan(
                s, actor, serial=serial_p, interval_months=interval, starts_on=starts),
                lambda row: success(t("op_plan_saved"), (t("entry_device"), serial_p)))
    with tabs[3]:
        with EntryForm("retirar-visita", submit_label=t("entry_withdraw")) as w:
            w_visit = w.pick("visit_code", queries.picklist("visits"))
        if w.submitted:
            w.save(lambda s, actor: operation.withdraw_visit(s, actor, visit_code=w_visit),
                   lambda row: success(t("op_withdrawn"), row.visit_code))

    st.subheader(t("entry_latest_records"))
    c1, c2 = st.columns([2, 1])
    with c1:
        text = search_box("visitas-buscar")
    with c2:
        pending = st.checkbox(t("op_pending_only"), key="visitas-pendientes")
    records_table(queries.maintenance_table(pending, text), key="visitas-tabla",
                  limit=queries.TABLE_LIMIT)
    with st.expander(t("op_plans")):
        records_table(queries.maintenance_plans_table(), key="planes-mant-tabla")


def consumables_page() -> None:
    st.title(t("op_consumables_title"))
    request_tab, deliver_tab, withdraw_tab = st.tabs(
        [t("op_request"), t("op_deliver"), t("entry_withdraw_mistake")])
    with request_tab:
        with EntryForm("consumible") as f:
            number = f.text("request_number", placeholder="R-000001")
            serial = f.pick("serial", queries.picklist("devices", "installed"))
            item = f.text("item")
            quantity = f.number("quantity", value="1")
            requested = f.moment("requested_at")
        if f.submitted:
            f.save(lambda s, actor: operation.request_consumable(
                s, actor, request_number=number, serial=serial, item=item, quantity=quantity,
                requested_at=requested),
                lambda row: success(t("op_requested"), row.request_number))
    with deliver_tab:
        with EntryForm("entrega") as d:
            request = d.pick("request_number", queries.picklist("consumables"))
            delivered = d.moment("delivered_at")
        if d.submitted:
            d.save(lambda s, actor: operation.deliver_consumable(
                s, actor, request_number=request, delivered_at=delivered),
                lambda row: success(t("op_delivered"), row.request_number))
    with withdraw_tab:
        with EntryForm("retirar-solicitud", submit_label=t("entry_withdraw")) as w:
            w_request = w.pick("request_number", queries.picklist("consumables"))
        if w.submitted:
            w.save(lambda s, actor: operation.withdraw_consumable_request(
                s, actor, request_number=w_request),
                lambda row: success(t("op_withdrawn"), row.request_number))

    st.subheader(t("entry_latest_records"))
    c1, c2 = st.columns([2, 1])
    with c1:
        text = search_box("consumibles-buscar")
    with c2:
        pending = st.checkbox(t("op_pending_only"), key="consumibles-pendientes")
    records_table(queries.consumables_table(pending, text), key="consumibles-tabla",
                  limit=queries.TABLE_LIMIT)


def monitoring_page() -> None:
    st.title(t("op_monitoring_title"))
    with EntryForm("evento", t("op_event")) as f:
        serial = f.pick("serial", queries.picklist("devices", "installed"))
        event_type = f.choice("event_type", ("down", "up"))
        event_at = f.moment("event_at")
    if f.submitted:
        f.save(lambda s, actor: operation.record_device_event(
            s, actor, serial=serial, event_type=event_type, event_at=event_at),
            lambda row: success(t("op_event_saved"),
                                (t("entry_device"), serial), option_label(row.event_type),
                                row.event_at))

    st.subheader(t("entry_latest_records"))
    frame = queries.events_table(search_box("eventos-buscar"))
    if not frame.empty:
        frame["event_type"] = frame["event_type"].map(option_label)
    records_table(frame, key="eventos-tabla", limit=queries.TABLE_LIMIT)
