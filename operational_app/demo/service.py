"""Stage 4 of the demo: tickets (with SLA times and pauses), preventive maintenance,
consumables and device monitoring events, planned per device and emitted on the timeline.

The operation stage carries the story's recovery: SLA compliance was poor from
`OPERATION_BAD_FROM_MONTHS` to `OPERATION_BAD_TO_MONTHS` months before `until` and climbs
back to its baseline over the last months; a few other months are just bad luck.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from operational_app.demo import params as P
from operational_app.demo.calendar_utils import (
    add_months,
    month_start,
    month_starts,
    months_between,
    pick,
    poisson,
    weighted,
)
from operational_app.demo.meters import plan_anomalies
from operational_app.demo.timeline import P_OPERATION, P_SETUP, Timeline
from operational_app.demo.workhours import add_business_hours, is_business_day
from operational_app.demo.world import Contract, Device, World

CORRECTIVE = (
    "Atasco de papel recurrente en bandeja 2", "Líneas verticales en la impresión",
    "Error de fusor (código SC542)", "No escanea a correo electrónico",
    "El equipo no enciende", "Ruido anormal en la unidad de transferencia",
    "Manchas de tóner en las copias", "Falla del alimentador de documentos",
    "Error de comunicación con el servidor de impresión", "Pantalla táctil sin respuesta",
)
REQUESTS = (
    "Configurar escaneo a carpeta compartida", "Reubicar equipo a otra área",
    "Alta de usuarios en control de impresión", "Instalar controlador en equipos nuevos",
    "Reporte de volúmenes por departamento",
)
INCIDENTS = (
    "Caída del servidor de impresión", "Sin conexión de los equipos tras cambio de red",
    "Cola de impresión detenida en todo el piso", "Certificado del portal de escaneo vencido",
)
CONSUMABLE_TICKETS = ("Tóner defectuoso: impresión tenue", "Cartucho no reconocido")
MONO_ITEMS = {"Tóner negro": 0.85, "Kit de mantenimiento": 0.10, "Unidad de imagen": 0.05}
COLOR_ITEMS = {"Tóner negro": 0.40, "Tóner cian": 0.15, "Tóner magenta": 0.15,
               "Tóner amarillo": 0.15, "Kit de mantenimiento": 0.08, "Unidad de imagen": 0.07}


DEALER_PROFILE = """name: fmaudit-seiton
description: El reporte de FMAudit de Seiton, con una línea de título antes del encabezado.
encoding: cp1252
delimiter: ";"
thousands: "."
decimal: ","
date_format: "%d/%m/%Y"
skip_rows: 1
columns:
  serial: "Número de serie"
  read_on: "Fecha de auditoría"
  mono_counter: "Páginas monocromo"
  color_counter: "Páginas color"
source: agent
unknown_serials: skip
"""


@dataclass
class TicketPlan:
    opened_at: datetime
    contract: Contract
    device: Device | None
    ticket_type: str
    priority: str
    description: str
    first_response_at: datetime
    resolved_at: datetime
    closed_at: datetime
    first_time_fix: bool | None
    pauses: list[tuple[datetime, datetime]] = field(default_factory=list)
    number: str = ""


class OperationPlanner:
    def __init__(self, world: World, tl: Timeline) -> None:
        self.world = world
        self.tl = tl
        self.rng = random.Random(f"{world.seed}:operation")
        self.until = world.until
        self.bad_months = {m for m in month_starts(world.start, world.until)
                           if self.rng.random() < P.SLA_BAD_MONTH_P}
        self.tickets: list[TicketPlan] = []
        self.visits: list[tuple[date, Device, date, date | None]] = []  # due, dev, sched, done
        self.requests: list[tuple[datetime, Device, str, int, datetime]] = []

    # -- the story

    def trouble(self, day: date) -> float:
        """0 = baseline, 1 = the bad period; in between while recovering."""
        m = months_between(day, self.until)
        if P.OPERATION_BAD_TO_MONTHS <= m < P.OPERATION_BAD_FROM_MONTHS:
            return 1.0
        if m < P.OPERATION_BAD_TO_MONTHS:
            return max(0.0, m / P.OPERATION_BAD_TO_MONTHS - 0.15)
        return 0.0

    def miss_p(self, day: date) -> tuple[float, float, float]:
        """(response miss, resolution miss, first-time-fix) probabilities on a day."""
        k = self.trouble(day)
        resp = P.SLA_RESPONSE_MISS_P + (P.OPERATION_BAD_RESPONSE_MISS_P
                                        - P.SLA_RESPONSE_MISS_P) * k
        res = P.SLA_RESOLUTION_MISS_P + (P.OPERATION_BAD_RESOLUTION_MISS_P
                                         - P.SLA_RESOLUTION_MISS_P) * k
        ftf = P.FIRST_TIME_FIX_P + (P.OPERATION_BAD_FIRST_TIME_FIX_P - P.FIRST_TIME_FIX_P) * k
        if k == 0 and month_start(day) in self.bad_months:
            resp, res = resp * P.SLA_BAD_MONTH_FACTOR, res * P.SLA_BAD_MONTH_FACTOR
        return resp, res, ftf

    # -- helpers

    def life(self, d: Device) -> tuple[date, date]:
        first = max(d.installed_on, self.world.start)
        last = min(d.removed_on or self.until, self.until)
        return first, last

    def business_time(self, day: date) -> datetime | None:
        """A working moment on `day` or the next business day (None if that is > day+4)."""
        probe = day
        while not is_business_day(probe):
            probe += timedelta(days=1)
        if (probe - day).days > 4:
            return None
        minute = self.rng.randint(0, 8 * 60 + 30)
        return datetime.combine(probe, time(9, 0)) + timedelta(minutes=minute)

    def opened_at(self, day: date) -> datetime | None:
        if self.rng.random() < P.TICKET_OFF_HOURS_P:
            hour = pick(self.rng, (7, 8, 18, 19, 20, 21, 22))
            return datetime.combine(day, time(hour, self.rng.randint(0, 59)))
        return self.business_time(day)

    # -- tickets

    def ticket(self, c: Contract, d: Device | None, kind: str, day: date, last: date,
               description: str, priority: str | None = None) -> TicketPlan | None:
        rng = self.rng
        opened = self.opened_at(day)
        if opened is None or opened.date() > last:
            return None
        resp_miss, res_miss, ftf_p = self.miss_p(opened.date())
        response = rng.uniform(4.3, 10.0) if rng.random() < resp_miss else rng.triangular(
            0.1, 3.9, 0.7)
        if rng.random() < res_miss:
            resolution = rng.uniform(16.5, 36.0)
        else:
            resolution = rng.triangular(max(response + 0.5, 1.5), 15.8, 6.0)
        resolution = max(resolution, response + 0.3)
        first_response = add_business_hours(opened, response)
        pauses = []
        if kind in ("corrective", "request", "incident") and rng.random() < P.TICKET_PAUSED_P:
            start_h = rng.uniform(response + 0.1, resolution - 0.1)
            paused = add_business_hours(opened, start_h)
            resumed = add_business_hours(paused, rng.uniform(*P.TICKET_PAUSE_BUSINESS_HOURS))
            resolved = add_business_hours(resumed, resolution - start_h)
            pauses.append((paused, resumed))
        else:
            resolved = add_business_hours(opened, resolution)
        closed = add_business_hours(resolved, rng.uniform(0.5, 16.0))  # customer confirms
        plan = TicketPlan(
            opened_at=opened, contract=c, device=d, ticket_type=kind,
            priority=priority or weighted(rng, P.TICKET_PRIORITIES), description=description,
            first_response_at=first_response, resolved_at=resolved, closed_at=closed,
            first_time_fix=(rng.random() < ftf_p) if kind == "corrective" else None,
            pauses=pauses)
        self.tickets.append(plan)
        return plan

    def device_tickets(self, d: Device, first: date, last: date, years: float) -> list[
            TicketPlan]:
        rng = self.rng
        out = []
        lo, hi = first + timedelta(days=1), last - timedelta(days=3)
        if hi <= lo:
            return out
        span = (hi - lo).days
        rate = rng.uniform(*P.CORRECTIVE_TICKETS_PER_DEVICE_YEAR)
        for kind, lam, texts in (
            ("corrective", rate * years, CORRECTIVE),
            ("request", P.REQUEST_TICKETS_PER_DEVICE_YEAR * years, REQUESTS),
            ("consumable", P.CONSUMABLE_TICKETS_PER_DEVICE_YEAR * years, CONSUMABLE_TICKETS),
        ):
            for _ in range(poisson(rng, lam)):
                day = lo + timedelta(days=rng.randint(0, span))
                t = self.ticket(d.contract, d, kind, day, hi, pick(rng, texts))
                if t is not None:
                    out.append(t)
        return out

    # -- maintenance and consumables

    def maintenance(self, d: Device, first: date, last: date) -> None:
        rng = self.rng
        interval = d.maintenance_months
        if d.contract.legacy and d.installed_on <= self.world.start:
            starts = first + timedelta(days=rng.randint(0, interval * 30 - 1))
        else:
            starts = first + timedelta(days=rng.randint(0, 10))
        created = first + timedelta(days=rng.randint(0, 5))
        if starts > last or created > last:
            return
        self.tl.add(created, P_OPERATION, "operation", "create_maintenance_plan",
                    P.ACTOR_OPERATION, {"serial": d.serial, "interval_months": interval,
                                        "starts_on": starts})
        end_ok = (d.removed_on or self.until + timedelta(days=400)) - timedelta(days=5)
        k = 1
        while True:
            due = add_months(starts, k * interval)
            k += 1
            if due > end_ok or due > self.until + timedelta(days=45):
                break
            scheduled = max(created, due - timedelta(days=rng.randint(20, 35)))
            bad = self.trouble(due)
            on_time_p = P.VISIT_ON_TIME_P - 0.15 * bad
            done: date | None
            if rng.random() < P.VISIT_SKIPPED_P:
                done = None
            elif rng.random() < on_time_p:
                done = max(scheduled, due - timedelta(days=rng.randint(0, 10)))
            else:
                done = due + timedelta(days=rng.randint(1, 25))
                if d.removed_on is not None and done > d.removed_on:
                    done = None
            self.visits.append((due, d, scheduled, done))
            if done is not None and rng.random() < P.PREVENTIVE_TICKET_AFTER_VISIT_P:
                self.ticket(d.contract, d, "preventive", done, last,
                            "Hallazgo en visita preventiva: cambio de rodillos", "low")

    def consumables(self, d: Device, first: date, last: date) -> None:
        rng = self.rng
        total = max(1000.0, d.monthly_mono + d.monthly_color)
        mean = min(120.0, max(20.0, rng.uniform(*P.CONSUMABLE_INTERVAL_DAYS)
                              * math.sqrt(8000 / total)))
        day = first + timedelta(days=rng.randint(3, int(mean)))
        items = COLOR_ITEMS if d.is_color else MONO_ITEMS
        while day <= last - timedelta(days=2):
            requested = self.business_time(day)
            if requested is not None and requested.date() <= last:
                on_time_p = P.CONSUMABLE_ON_TIME_P - 0.13 * self.trouble(day)
                hours = rng.uniform(1.0, 17.5) if rng.random() < on_time_p else rng.uniform(
                    19.0, 60.0)
                delivered = add_business_hours(requested, hours)
                qty = 1 if rng.random() < 0.7 else (2 if rng.random() < 0.85 else
                                                     rng.randint(3, 4))
                self.requests.append((requested, d, weighted(rng, items), qty, delivered))
            day += timedelta(days=max(7, int(mean * rng.uniform(0.7, 1.3))))

    def monitoring(self, d: Device, first: date, last: date, years: float,
                   tickets: list[TicketPlan]) -> None:
        rng = self.rng
        spans: list[tuple[datetime, datetime]] = []
        for t in tickets:
            if t.ticket_type == "corrective" and rng.random() < P.DOWN_WITH_CORRECTIVE_P:
                down = t.opened_at - timedelta(minutes=rng.randint(5, 90))
                spans.append((down, t.resolved_at))
        lo = datetime.combine(first + timedelta(days=1), time(0, 0))
        minutes = int(((last - first).days - 1) * 24 * 60)
        if minutes > 0:
            for _ in range(poisson(rng, P.DEVICE_OUTAGES_PER_YEAR * years)):
                down = lo + timedelta(minutes=rng.randint(0, minutes))
                hours = min(72.0, max(0.25, math.exp(rng.gauss(math.log(3), 1.2))))
                spans.append((down, down + timedelta(minutes=int(hours * 60))))
        merged: list[list[datetime]] = []
        for down, up in sorted(spans):
            down, up = down.replace(second=0, microsecond=0), up.replace(second=0,
                                                                        microsecond=0)
            if merged and down <= merged[-1][1] + timedelta(minutes=1):
                merged[-1][1] = max(merged[-1][1], up)
            else:
                merged.append([down, up])
        limit = d.removed_on
        for down, up in merged:
            if down.date() < first or (limit is not None and up.date() > limit):
                continue
            self.tl.add(down.date(), P_OPERATION, "operation", "record_device_event",
                        P.ACTOR_OPERATION, {"serial": d.serial, "event_type": "down",
                                            "event_at": down})
            self.tl.add(up.date(), P_OPERATION, "operation", "record_device_event",
                        P.ACTOR_OPERATION, {"serial": d.serial, "event_type": "up",
                                            "event_at": up})

    # -- all of it

    def plan(self) -> None:
        rng = self.rng
        for c in self.world.contracts:
            for d in c.devices:
                first, last = self.life(d)
                if last <= first:
                    continue
                years = (last - first).days / 365.25
                tickets = self.device_tickets(d, first, last, years)
                self.maintenance(d, first, last)
                self.consumables(d, first, last)
                self.monitoring(d, first, last, years, tickets)
            c_first = max(c.activated_on, self.world.start) + timedelta(days=1)
            c_last = min(c.last_day(), self.until) - timedelta(days=3)
            if c_last > c_first:
                years = (c_last - c_first).days / 365.25
                for _ in range(poisson(rng, P.INCIDENT_TICKETS_PER_CONTRACT_YEAR * years)):
                    day = c_first + timedelta(days=rng.randint(0, (c_last - c_first).days))
                    self.ticket(c, None, "incident", day, c_last, pick(rng, INCIDENTS),
                                pick(rng, ("high", "high", "critical")))
        self.emit()

    def test_pages(self, rng: random.Random, d: Device | None, p: float,
                   day: date) -> dict[str, int]:
        """The test copies a technician records on a visit (the review story's scales only,
        params.REVIEW_STORY_SCALES), from its own random stream so the rest of the story does
        not move."""
        since = add_months(month_start(self.until), 1 - P.TEST_COPIES_MONTHS)
        if d is None or not d.review_story or day < since or rng.random() >= p:
            return {}
        pages = {"test_mono_pages": rng.randint(*P.TEST_PAGES)}
        if d.is_color:
            pages["test_color_pages"] = rng.randint(*P.TEST_PAGES) // 2
        return pages

    def emit_meter_review(self) -> None:
        """The device models the review knows, and the billing area's decisions on the held
        readings meters.py plans (docs/meter-readings.md)."""
        world = self.world
        models = {}
        for d in world.devices:
            models.setdefault(d.model, (d.is_color, P.RATED_MONTHLY_VOLUME[d.cls]))
        for model, (is_color, rated) in sorted(models.items()):
            self.tl.add(world.start, P_SETUP, "billing", "set_device_model",
                        P.ACTOR_SYSTEM_ADMIN, {"model": model, "is_color": is_color,
                                               "rated_monthly_volume": rated})
        # the dealer's own copy of the FMAudit profile: its report has a title line
        self.tl.add(world.start, P_SETUP, "meter_profiles", "save_profile",
                    P.ACTOR_SYSTEM_ADMIN, {"definition": DEALER_PROFILE})
        notes = {"job": "Tiraje real: impresión de fin de ejercicio confirmada con el cliente",
                 "typo": "Dígito de más en la lectura del agente",
                 "glitch": "El agente reporta color en un equipo monocromático",
                 "stuck": "El agente repite contadores viejos: sin comunicación con el equipo"}
        for d in world.devices:
            for a in plan_anomalies(d, world.seed, world.scale.read_every_days, world.start,
                                    world.until):
                if a.decision is None:
                    continue
                for held in a.held_days():
                    day = held + timedelta(days=2)
                    if day > world.until:
                        continue
                    func = "approve_meter_reading" if a.decision == "approve" else \
                        "reject_meter_reading"
                    self.tl.add(day, P_OPERATION, "billing", func, P.ACTOR_FINANCE,
                                {"serial": d.serial, "read_on": held, "note": notes[a.kind]})

    def emit(self) -> None:
        tl = self.tl
        actor = P.ACTOR_OPERATION
        copies = random.Random(f"{self.world.seed}:test-copies")
        self.emit_meter_review()
        self.tickets.sort(key=lambda t: (t.opened_at, t.contract.number,
                                         t.device.serial if t.device else ""))
        for n, t in enumerate(self.tickets, start=1):
            t.number = f"TK-{n:06d}"
            tl.add(t.opened_at.date(), P_OPERATION, "operation", "open_ticket", actor, {
                "ticket_number": t.number, "contract_number": t.contract.number,
                "ticket_type": t.ticket_type, "opened_at": t.opened_at,
                "priority": t.priority, "serial": t.device.serial if t.device else None,
                "description": t.description})
            tl.add(t.first_response_at.date(), P_OPERATION, "operation", "respond_ticket",
                   actor, {"ticket_number": t.number,
                           "first_response_at": t.first_response_at})
            for paused, resumed in t.pauses:
                tl.add(paused.date(), P_OPERATION, "operation", "pause_ticket", actor,
                       {"ticket_number": t.number, "paused_at": paused})
                tl.add(resumed.date(), P_OPERATION, "operation", "resume_ticket", actor,
                       {"ticket_number": t.number, "resumed_at": resumed})
            tl.add(t.resolved_at.date(), P_OPERATION, "operation", "resolve_ticket", actor,
                   {"ticket_number": t.number, "resolved_at": t.resolved_at,
                    "first_time_fix": t.first_time_fix,
                    **(self.test_pages(copies, t.device, P.TEST_COPIES_TICKET_P,
                                       t.resolved_at.date())
                       if t.ticket_type == "corrective" else {})})
            tl.add(t.closed_at.date(), P_OPERATION, "operation", "close_ticket", actor,
                   {"ticket_number": t.number, "closed_at": t.closed_at})
        self.visits.sort(key=lambda v: (v[0], v[1].serial))
        for n, (due, d, scheduled, done) in enumerate(self.visits, start=1):
            code = f"MP-{n:06d}"
            tl.add(scheduled, P_OPERATION, "operation", "schedule_visit", actor,
                   {"visit_code": code, "serial": d.serial, "due_on": due})
            if done is not None:
                tl.add(done, P_OPERATION, "operation", "complete_visit", actor,
                       {"visit_code": code, "done_on": done,
                        **self.test_pages(copies, d, P.TEST_COPIES_VISIT_P, done)})
        self.requests.sort(key=lambda r: (r[0], r[1].serial))
        for n, (requested, d, item, qty, delivered) in enumerate(self.requests, start=1):
            number = f"CON-{n:06d}"
            tl.add(requested.date(), P_OPERATION, "operation", "request_consumable", actor,
                   {"request_number": number, "serial": d.serial, "item": item,
                    "quantity": qty, "requested_at": requested})
            tl.add(delivered.date(), P_OPERATION, "operation", "deliver_consumable", actor,
                   {"request_number": number, "delivered_at": delivered})


def emit_operation(tl: Timeline, world: World) -> None:
    OperationPlanner(world, tl).plan()
