"""The demo business as plain Python data, planned before anything is written.

`plan_world` decides who the customers are, which opportunities are won, the contracts with
their plans, formalization, implementation, renewals, amendments and closures, and the
devices with their usage profiles. Everything here is a pure function of the seed, the scale
and the history window; `emit.py` turns it into domain-layer writes.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

from operational_app.demo import params as P
from operational_app.demo.calendar_utils import (
    add_months,
    month_end,
    months_between,
    next_month_start,
    pick,
    plan_start_for,
    poisson,
    rand_date,
    term_end,
    weighted,
)

ONE_DAY = timedelta(days=1)

# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Read:
    """One meter reading the demo plans (meters.py draws them)."""

    day: date
    mono: int
    color: int
    reset: bool = False
    source: str = "agent"


@dataclass(frozen=True)
class PlanTerms:
    """A price plan as the demo sells it (written through domain/formalization.py)."""

    effective_from: date
    fixed_monthly_fee: Decimal
    included_mono_pages: int
    included_color_pages: int
    mono_rate: Decimal
    color_rate: Decimal
    minimum_monthly_charge: Decimal | None = None
    mono_tiers: tuple[tuple[int, Decimal], ...] = ()  # (from_page, rate), ascending
    color_tiers: tuple[tuple[int, Decimal], ...] = ()


@dataclass
class Account:
    code: str
    name: str
    tax_id: str
    segment: str
    region: str
    tax_rate: Decimal
    created_on: date
    legacy: bool
    payer: str
    cities: tuple[str, ...]


@dataclass
class Proposal:
    proposed_on: date
    price: Decimal
    cost: Decimal
    lines: list[dict]
    code: str = ""
    decision: str | None = None  # accepted | rejected
    decided_on: date | None = None


@dataclass
class Opportunity:
    account: Account
    owner: str
    source: str
    created_on: date
    outcome: str  # won | lost
    stages: list[tuple[str, date]]  # after prospect, in order; the last is won or lost
    lost_reason: str | None
    devices: int
    term_months: int
    currency: str
    expansion: bool
    code: str = ""
    margin: float = 0.3
    discount: float = 0.0
    proposals: list[Proposal] = field(default_factory=list)
    estimated_amount: Decimal = Decimal("0")
    contract: Contract | None = None
    classes: list[str] = field(default_factory=list)  # device classes of the deal
    plan: PlanTerms | None = None  # the quoted plan

    @property
    def closed_on(self) -> date:
        return self.stages[-1][1]

    def reached(self, stage: str) -> date | None:
        for name, on in self.stages:
            if name == stage:
                return on
        return None


@dataclass
class Device:
    serial: str
    contract: Contract
    cls: str
    model: str
    is_color: bool
    site: str
    installed_on: date
    install_mono: int
    install_color: int
    monthly_mono: float
    monthly_color: float
    read_weekday: int
    removed_on: date | None = None
    manual_only: bool = False
    manual_day: int = 27
    silent: list[tuple[date, date, bool]] = field(default_factory=list)  # (first, last, manual)
    replacements: list[date] = field(default_factory=list)
    maintenance_months: int = 4
    renewal_added: bool = False  # installed with a renewal (dropped if it is re-planned)
    review_story: bool = False  # its reads may carry the meter review's anomalies (meters.py)

    def active_on(self, day: date) -> bool:
        return self.installed_on <= day and (self.removed_on is None or day <= self.removed_on)


@dataclass
class Step:
    step: str
    decision: str
    on: date
    actor: str
    notes: str | None = None


@dataclass
class Review:
    on: date
    outcome: str
    notes: str


@dataclass
class RenewalEvent:
    renewed_on: date
    previous_end: date
    new_end: date


@dataclass
class AmendmentEvent:
    on: date
    kind: str  # devices_added | devices_removed | price_change
    delta: int
    description: str
    number: str = ""


@dataclass
class PlanChange:
    recorded_on: date
    terms: PlanTerms
    actor: str


@dataclass
class Contract:
    account: Account
    legacy: bool
    start: date
    end: date  # original end date
    term_months: int
    currency: str
    payment_terms: int
    created_on: date
    activated_on: date
    opportunity: Opportunity | None = None
    number: str = ""
    classes: list[str] = field(default_factory=list)
    plans: list[PlanChange] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    planned_on: date | None = None
    planned_go_live: date | None = None
    milestones: dict[str, date] = field(default_factory=dict)
    devices: list[Device] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    renewals: list[RenewalEvent] = field(default_factory=list)
    amendments: list[AmendmentEvent] = field(default_factory=list)
    final_end: date | None = None
    closed_on: date | None = None
    closure_reason: str | None = None
    closure_recorded_on: date | None = None
    devices_retrieved: int = 0
    retroactive_closure: bool = False
    planned_devices: int = 0

    def last_day(self) -> date:
        return self.closed_on or self.final_end or self.end

    def plan_on(self, day: date) -> PlanTerms:
        """The plan in force on `day`, by the warehouse's rule (dbt_project/macros/
        price_plans.sql): the latest version effective on or before it; the first version
        before any."""
        versions = sorted((change.terms for change in self.plans),
                          key=lambda terms: terms.effective_from)
        best = versions[0]
        for terms in versions:
            if terms.effective_from <= day:
                best = terms
        return best

    def active_devices_on(self, day: date) -> list[Device]:
        return [d for d in self.devices if d.active_on(day)]


@dataclass
class World:
    scale: P.Scale
    seed: int
    start: date  # first day of the history (the system's go-live)
    until: date
    accounts: list[Account]
    opportunities: list[Opportunity]
    contracts: list[Contract]

    @property
    def devices(self) -> list[Device]:
        return [d for c in self.contracts for d in c.devices]


# --------------------------------------------------------------------------- names


_STOP = {"de", "del", "la", "las", "los", "el", "y", "e", "sa", "cv", "sc", "ac", "h."}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def make_rfc(rng: random.Random, name: str) -> str:
    """A company RFC: 3 letters from the name, founding date YYMMDD, 3-character homoclave."""
    words = [w for w in _ascii(name).replace(",", " ").replace(".", " ").split()
             if w.lower() not in _STOP and w[:1].isalpha()]
    letters = "".join(w[0] for w in words).upper()
    if len(letters) < 3 and words:
        letters = (letters + words[0][1:].upper())
    letters = (letters + "XXX")[:3]
    founded = rand_date(rng, date(1965, 1, 1), date(2019, 12, 31))
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    homoclave = "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(2))
    homoclave += str(rng.randrange(10))
    return f"{letters}{founded:%y%m%d}{homoclave}"


_STATES = {"CDMX": "la Ciudad de México", "Nuevo León": "Nuevo León", "Jalisco": "Jalisco",
           "Querétaro": "Querétaro", "Puebla": "Puebla", "Baja California": "Baja California"}


def make_name(rng: random.Random, fake: Faker, segment: str, region: str, city: str) -> str:
    last = fake.last_name()
    last2 = fake.last_name()
    if segment == "corporativo":
        prefix = pick(rng, ("Grupo", "Corporativo", "Industrias", "Distribuidora", "Logística",
                            "Constructora", "Manufacturas", "Inmobiliaria", "Transportes"))
        return f"{prefix} {last}{' ' + last2 if rng.random() < 0.4 else ''} S.A. de C.V."
    if segment == "gobierno":
        state = _STATES[region]
        return pick(rng, (
            f"Secretaría de Finanzas de {state}",
            f"Secretaría de Educación de {state}",
            f"Secretaría de Movilidad de {state}",
            f"H. Ayuntamiento de {city}",
            f"Instituto Estatal Electoral de {state}",
            f"Poder Judicial de {state}",
            f"Fiscalía General de {state}",
            f"Sistema DIF {city}",
            f"Organismo Operador de Agua de {city}",
        ))
    if segment == "educación":
        return pick(rng, (
            f"Universidad {last}", f"Colegio {last} A.C.", f"Instituto {last} de {city} A.C.",
            f"Centro Universitario {last}", f"Escuela Bilingüe {last} S.C.",
        ))
    if segment == "salud":
        return pick(rng, (
            f"Hospital {last} S.A. de C.V.", f"Clínica {last} {last2}",
            f"Laboratorios {last} S.A. de C.V.", f"Centro Médico {city} {last}",
            f"Sanatorio {last}",
        ))
    return pick(rng, (
        f"{last} y Asociados S.C.", f"Despacho {last} {last2}",
        f"Comercializadora {last} S.A. de C.V.", f"Papelería {last}",
        f"Agencia Aduanal {last}", f"Ferretera {last} S.A. de C.V.",
        f"Consultores {last} {last2} S.C.",
    ))


# --------------------------------------------------------------------------- pricing


def _q(value: float, step: float) -> Decimal:
    """Round a float to a multiple of `step`, as an exact decimal."""
    units = round(value / step)
    return (Decimal(units) * Decimal(str(step))).normalize().quantize(
        Decimal(str(step)) if step < 1 else Decimal(1))


def price_plan(
    rng: random.Random, classes: list[str], currency: str, effective_from: date
) -> PlanTerms:
    n = len(classes)
    discount = 1 - 0.30 * min(1.0, (n - 1) / 39)
    fee = sum(rng.uniform(*P.DEVICE_CLASSES[c]["fee"]) for c in classes) * discount
    fee += rng.uniform(0, 800)
    fee = min(float(P.FEE_RANGE[1]), max(float(P.FEE_RANGE[0]), fee))
    inc_mono = sum(rng.uniform(*P.DEVICE_CLASSES[c]["allowance"]) for c in classes)
    colors = sum(1 for c in classes if P.DEVICE_CLASSES[c]["is_color"])
    inc_color = sum(rng.uniform(*P.COLOR_ALLOWANCE_PER_COLOR_DEVICE) for _ in range(colors))
    mono_rate = rng.uniform(*P.MONO_RATE)
    color_rate = rng.uniform(*P.COLOR_RATE)
    minimum = fee * rng.uniform(*P.MINIMUM_CHARGE_OVER_FEE) if rng.random() < P.MINIMUM_CHARGE_P \
        else None
    tiers = rng.random() < P.GRADUATED_TIERS_P
    if currency == "USD":
        fx = float(P.USD_PRICING_RATE)
        fee_d, mono_d, color_d = _q(fee / fx, 1), _q(mono_rate / fx, 0.0001), _q(color_rate / fx,
                                                                                   0.0001)
        min_d = _q(minimum / fx, 10) if minimum else None
    else:
        fee_d, mono_d, color_d = _q(fee, 50), _q(mono_rate, 0.005), _q(color_rate, 0.05)
        min_d = _q(minimum, 100) if minimum else None
    mono_tiers: tuple[tuple[int, Decimal], ...] = ()
    if tiers:
        second = pick(rng, (5_000, 10_000, 20_000))
        mono_tiers = ((0, mono_d), (second, (mono_d * Decimal("0.75")).quantize(
            Decimal("0.0001"))))
        if rng.random() < 0.5:
            mono_tiers += ((second * 4, (mono_d * Decimal("0.6")).quantize(Decimal("0.0001"))),)
    return PlanTerms(
        effective_from=effective_from,
        fixed_monthly_fee=Decimal(fee_d).quantize(Decimal("0.01")),
        included_mono_pages=int(round(inc_mono / 1000) * 1000) or 1000,
        included_color_pages=int(round(inc_color / 250) * 250),
        mono_rate=mono_d,
        color_rate=color_d,
        minimum_monthly_charge=Decimal(min_d).quantize(Decimal("0.01")) if min_d else None,
        mono_tiers=mono_tiers,
    )


def revised_plan(
    base: PlanTerms, effective_from: date, *, fee_factor: float, added: list[str] | None = None,
    removed: list[str] | None = None, currency: str, rng: random.Random,
) -> PlanTerms:
    """A later plan: prices moved by `fee_factor`, allowances following devices in/out."""
    fee = float(base.fixed_monthly_fee) * fee_factor
    inc_mono = base.included_mono_pages
    inc_color = base.included_color_pages
    fx = float(P.USD_PRICING_RATE) if currency == "USD" else 1.0
    for c in added or []:
        fee += rng.uniform(*P.DEVICE_CLASSES[c]["fee"]) * 0.9 / fx
        inc_mono += int(rng.uniform(*P.DEVICE_CLASSES[c]["allowance"]))
        if P.DEVICE_CLASSES[c]["is_color"]:
            inc_color += int(rng.uniform(*P.COLOR_ALLOWANCE_PER_COLOR_DEVICE))
    for c in removed or []:
        fee -= rng.uniform(*P.DEVICE_CLASSES[c]["fee"]) * 0.8 / fx
        inc_mono -= int(rng.uniform(*P.DEVICE_CLASSES[c]["allowance"]))
    low = float(P.FEE_RANGE[0]) / fx
    high = float(P.FEE_RANGE[1]) / fx
    fee = min(high, max(low, fee))
    step = 1 if currency == "USD" else 50
    minimum = None
    if base.minimum_monthly_charge is not None:
        minimum = (base.minimum_monthly_charge * Decimal(str(round(fee_factor, 4)))).quantize(
            Decimal("0.01"))
    return PlanTerms(
        effective_from=effective_from,
        fixed_monthly_fee=_q(fee, step).quantize(Decimal("0.01")),
        included_mono_pages=max(1000, int(round(inc_mono / 1000) * 1000)),
        included_color_pages=max(0, int(round(inc_color / 250) * 250)),
        mono_rate=base.mono_rate,
        color_rate=base.color_rate,
        minimum_monthly_charge=minimum,
        mono_tiers=base.mono_tiers,
        color_tiers=base.color_tiers,
    )


def proposal_for(
    rng: random.Random, plan: PlanTerms, devices: int, term: int, margin: float, on: date,
    discount: float = 0.0,
) -> Proposal:
    fee = plan.fixed_monthly_fee * Decimal(str(round(1 - discount, 4)))
    cent = Decimal("0.01")
    lines_spec = [
        ("equipment", "Arrendamiento de equipo multifuncional con instalación", devices,
         fee * Decimal("0.55") * term / devices),
        ("services", "Servicio integral: mantenimiento, refacciones y consumibles (mensual)",
         term, fee * Decimal("0.35")),
        ("software", "Software de monitoreo y control de impresión (licencia del plazo)", 1,
         fee * Decimal("0.10") * term),
    ]
    lines, price, cost = [], Decimal("0"), Decimal("0")
    for line_type, description, qty, unit in lines_spec:
        unit_price = unit.quantize(cent)
        line_margin = margin + rng.uniform(-0.03, 0.03) if line_type != "services" else margin
        unit_cost = (unit_price * Decimal(str(round(1 - line_margin, 4)))).quantize(cent)
        lines.append({"line_type": line_type, "description": description, "quantity": qty,
                      "unit_price": unit_price, "unit_cost": unit_cost})
        price += unit_price * qty
        cost += unit_cost * qty
    return Proposal(proposed_on=on, price=price, cost=cost, lines=lines)


# --------------------------------------------------------------------------- planning


class Planner:
    def __init__(self, scale: P.Scale, seed: int, start: date, until: date) -> None:
        self.scale = scale
        self.seed = seed
        self.start = start
        self.until = until
        self.rng = random.Random(f"{seed}:world")
        self.fake = Faker("es_MX")
        self.fake.seed_instance(seed)
        self.accounts: list[Account] = []
        self.opportunities: list[Opportunity] = []
        self.contracts: list[Contract] = []
        self.serials: set[str] = set()
        self.names: set[str] = set()
        self.win_credit = 0.0
        self.mean_devices = 7.0  # set from the scale in `plan`
        self.on_time_credit = 0.0
        self.drifting = False
        self.usd_contracts = 0

    # -- helpers

    def lognormal_devices(self, mean: float) -> int:
        sigma = P.DEVICES_LOGNORMAL_SIGMA
        mu = math.log(max(mean, 1.0)) - sigma * sigma / 2
        n = round(math.exp(self.rng.gauss(mu, sigma)))
        return max(P.DEVICES_PER_CONTRACT[0], min(P.DEVICES_PER_CONTRACT[1], n))

    def draw_classes(self, n: int, segment: str) -> list[str]:
        shares = {k: v["share"] for k, v in P.DEVICE_CLASSES.items()}
        if segment == "educación":
            shares["a4_mono"] *= 1.6
        if segment in ("corporativo", "gobierno"):
            shares["a3_mono"] *= 1.3
            shares["a3_color"] *= 1.2
        return [weighted(self.rng, shares) for _ in range(n)]

    def term(self) -> int:
        return weighted(self.rng, P.TERMS_MONTHS)

    def currency(self, account: Account) -> str:
        if account.segment == "gobierno":
            return "MXN"
        return "USD" if self.rng.random() < P.USD_CONTRACT_P * 1.15 else "MXN"

    def payment_terms(self, account: Account) -> int:
        if account.segment == "gobierno":
            return pick(self.rng, P.PAYMENT_TERMS_DAYS_GOBIERNO)
        return P.PAYMENT_TERMS_DAYS

    def growth_date(self, first: date, last: date) -> date:
        """A date in [first, last] with density rising linearly (sales grow)."""
        a = P.SALES_GROWTH_AT_END - 1
        u = self.rng.random()
        x = u if a == 0 else (-1 + math.sqrt(1 + 2 * a * u * (1 + a / 2))) / a
        return first + timedelta(days=int(x * (last - first).days))

    # -- accounts

    def new_account(self, legacy: bool, created_on: date) -> Account:
        segment = weighted(self.rng, P.SEGMENTS)
        region = weighted(self.rng, {k: v[0] for k, v in P.REGIONS.items()})
        _, tax_rate, cities = P.REGIONS[region]
        city = pick(self.rng, cities)
        for _ in range(50):
            name = make_name(self.rng, self.fake, segment, region, city)
            if name not in self.names:
                break
        else:  # pragma: no cover - the name space is large
            name = f"{name} {len(self.names)}"
        self.names.add(name)
        payer = weighted(self.rng, {k: v[0] for k, v in P.PAYER_PROFILES.items()})
        if segment == "gobierno" and self.rng.random() < P.GOBIERNO_WORSE_PROFILE_P:
            payer = {"good": "average", "average": "poor", "poor": "poor"}[payer]
        account = Account(code="", name=name, tax_id=make_rfc(self.rng, name), segment=segment,
                          region=region, tax_rate=tax_rate, created_on=created_on,
                          legacy=legacy, payer=payer, cities=cities)
        self.accounts.append(account)
        return account

    # -- the plan

    def plan(self) -> World:
        sc = self.scale
        n_legacy = max(2, round(sc.accounts * P.LEGACY_ACCOUNT_SHARE))
        n_prospects = max(1, sc.accounts - n_legacy)
        legacy_accounts = [self.new_account(True, self.start) for _ in range(n_legacy)]

        # legacy contracts: in force at go-live, ends spread over their remaining term
        legacy_contracts: list[tuple[Account, int, date]] = []
        for account in legacy_accounts:
            for _ in range(2 if self.rng.random() < P.LEGACY_SECOND_CONTRACT_P else 1):
                term = self.term()
                start = self.start - timedelta(days=self.rng.randint(20, term * 30 - 20))
                legacy_contracts.append((account, term, start))
        self._ensure_endings(legacy_contracts)

        # opportunities (outcomes and raw sizes first; prices after sizes are normalised)
        n_opps = max(4, round(sc.accounts * P.OPPORTUNITIES_PER_ACCOUNT_24M * sc.months / 24))
        n_expansion = round(n_opps * P.EXPANSION_OPPORTUNITY_SHARE)
        n_new = max(n_prospects, n_opps - n_expansion)
        last_created = self.until - timedelta(days=10)
        first_contacts = sorted(self.growth_date(self.start, last_created)
                                for _ in range(n_prospects))
        expected_contracts = len(legacy_contracts) + n_opps * 0.36 * 0.85
        self.mean_devices = mean_devices = sc.devices * 0.95 / max(1.0, expected_contracts)

        prospects = []
        for on in first_contacts:
            account = self.new_account(False, on)
            prospects.append(account)
            self.opportunities.append(self.new_opportunity(account, on, expansion=False))
        for _ in range(n_new - n_prospects):
            account = pick(self.rng, prospects)
            on = account.created_on + timedelta(days=self.rng.randint(60, 300))
            if on <= last_created:
                self.opportunities.append(self.new_opportunity(account, on, expansion=False))
        for _ in range(n_expansion):
            on = self.growth_date(self.start + timedelta(days=20), last_created)
            candidates = legacy_accounts + [
                o.account for o in self.opportunities
                if not o.expansion and o.outcome == "won" and o.closed_on < on]
            account = pick(self.rng, candidates)
            self.opportunities.append(self.new_opportunity(account, on, expansion=True))
        self.opportunities.sort(key=lambda o: (o.created_on, o.account.created_on))

        # normalise device counts so the scale's device total holds
        sized: list[list] = [[a, t, s, self.lognormal_devices(mean_devices)]
                             for a, t, s in legacy_contracts]
        horizon = self.until - timedelta(days=25)
        won = [o for o in self.opportunities if o.outcome == "won" and o.closed_on <= horizon]
        target = sc.devices * 0.95
        legacy_target = target * (P.LEGACY_DEVICE_SHARE if won else 1.0)
        factor = legacy_target / max(1, sum(x[3] for x in sized))
        for x in sized:
            x[3] = max(1, min(P.DEVICES_PER_CONTRACT[1], round(x[3] * factor)))
        factor = (target - legacy_target) / max(1, sum(o.devices for o in won))
        for o in self.opportunities:
            o.devices = max(1, min(P.DEVICES_PER_CONTRACT[1], round(o.devices * factor)))

        for i, (account, term, start, n) in enumerate(sized):
            last = i >= len(sized) - 3
            self.contracts.append(self.legacy_contract(account, term, start, n, last))
        for o in self.opportunities:
            self.price_opportunity(o)
            if o.outcome == "won":
                self.contracts.append(self.contract_from(o))

        self.contracts.sort(key=lambda c: (c.created_on, c.start))
        self._ensure_tiers()
        for c in self.contracts:
            self.plan_lifecycle(c)
        self._ensure_lifecycle_variety()
        self._plan_early_terminations()
        for c in self.contracts:
            self.plan_mid_term_amendments(c)
            if c.closed_on is not None:  # devices added mid-term leave with the rest
                retrieval = c.closure_recorded_on or c.closed_on
                for d in c.devices:
                    if d.removed_on is None and d.installed_on <= retrieval:
                        d.removed_on = retrieval
        for c in self.contracts:
            for d in c.devices:
                self.plan_device_reads(d)
        self._ensure_meter_story()
        self._number_everything()
        return World(scale=sc, seed=self.seed, start=self.start, until=self.until,
                     accounts=self.accounts, opportunities=self.opportunities,
                     contracts=self.contracts)

    def _ensure_tiers(self) -> None:
        """At least one plan with graduated tiers (a rare shape the charges must handle)."""
        if any(ch.terms.mono_tiers for c in self.contracts for ch in c.plans):
            return
        c = self.contracts[0]
        t = c.plans[0].terms
        tiers = ((0, t.mono_rate), (10_000, (t.mono_rate * Decimal("0.75")).quantize(
            Decimal("0.0001"))))
        c.plans[0] = PlanChange(c.plans[0].recorded_on, PlanTerms(
            **{**t.__dict__, "mono_tiers": tiers}), c.plans[0].actor)

    def _ensure_endings(self, legacy: list[tuple[Account, int, date]]) -> None:
        """At least two legacy contracts end inside the history (renewal and closure)."""
        window_last = self.until - timedelta(days=30)
        inside = [i for i, (_, t, s) in enumerate(legacy)
                  if self.start + timedelta(days=45) < term_end(s, t) <= window_last]
        i = 0
        while len(inside) < min(2, len(legacy)):
            if i not in inside:
                account, term, _ = legacy[i]
                span = max(60, (window_last - self.start).days - 60)
                end = self.start + timedelta(days=45 + (span * (len(inside) + 1)) // 3)
                legacy[i] = (account, term, add_months(end + ONE_DAY, -term))
                inside.append(i)
            i += 1

    # -- sales

    def new_opportunity(self, account: Account, created: date, expansion: bool) -> Opportunity:
        rng = self.rng
        if expansion:
            source, p_win = P.EXPANSION_SOURCE, P.EXPANSION_WIN_P
        else:
            source = weighted(rng, {k: v[0] for k, v in P.OPPORTUNITY_SOURCES.items()})
            p_win = P.OPPORTUNITY_SOURCES[source][1]
        cycle_range = (P.SALES_CYCLE_DAYS_GOBIERNO if account.segment == "gobierno"
                       else P.SALES_CYCLE_DAYS)
        cycle = rng.randint(*cycle_range)
        # error diffusion: wins track the sum of probabilities, so small scales keep the
        # win rate believable while which opportunity wins stays random
        self.win_credit += p_win
        won = self.win_credit + rng.uniform(-0.45, 0.45) >= 1.0
        if won:
            self.win_credit -= 1.0
        order = ("qualified", "diagnosis", "proposal", "negotiation")
        stages: list[tuple[str, date]] = []
        last = created
        lost_at = None if won else weighted(rng, P.LOST_AT_STAGE)
        for stage in order:
            if lost_at == "prospect":
                break
            frac = P.STAGE_AT_CYCLE_FRACTION[stage] + rng.uniform(-0.04, 0.04)
            on = max(last, created + timedelta(days=int(cycle * frac)))
            stages.append((stage, on))
            last = on
            if lost_at == stage:
                break
        lost_reason = None
        if won:
            stages.append(("won", max(last + ONE_DAY, created + timedelta(days=cycle))))
        else:
            stages.append(("lost", last + timedelta(days=rng.randint(5, 25))))
            lost_reason = weighted(rng, P.LOST_REASONS)
        devices = self.lognormal_devices(self.mean_devices)
        return Opportunity(
            account=account, owner=pick(rng, P.SALES_OWNERS), source=source, created_on=created,
            outcome="won" if won else "lost", stages=stages, lost_reason=lost_reason,
            devices=devices, term_months=self.term(), currency=self.currency(account),
            expansion=expansion,
        )

    def price_opportunity(self, o: Opportunity) -> None:
        rng = self.rng
        classes = self.draw_classes(o.devices, o.account.segment)
        o.classes = classes
        plan = price_plan(rng, classes, o.currency, o.created_on.replace(day=1))
        o.plan = plan
        o.estimated_amount = (plan.fixed_monthly_fee * o.term_months).quantize(Decimal("0.01"))
        below = rng.random() < P.PROPOSAL_BELOW_FLOOR_P
        o.margin = rng.uniform(*(P.PROPOSAL_MARGIN_BELOW_FLOOR if below else P.PROPOSAL_MARGIN))
        proposal_on = o.reached("proposal")
        if proposal_on is None:
            return
        first = proposal_for(rng, plan, o.devices, o.term_months, o.margin, proposal_on)
        o.proposals.append(first)
        negotiation_on = o.reached("negotiation")
        # the most a revision may discount without going under the minimum margin
        cap = 1 - (1 - o.margin) / (1 - P.MARGIN_MINIMUM)
        if negotiation_on is not None and rng.random() < P.PROPOSAL_REVISION_P and cap > 0.01:
            o.discount = min(cap, rng.uniform(*P.PROPOSAL_REVISION_DISCOUNT))
            revised_margin = 1 - (1 - o.margin) / (1 - o.discount)
            on = negotiation_on + timedelta(days=rng.randint(0, 4))
            if o.closed_on < on:
                on = negotiation_on
            second = proposal_for(rng, plan, o.devices, o.term_months, revised_margin, on,
                                  discount=o.discount)
            first.decision, first.decided_on = "rejected", on
            o.proposals.append(second)
            o.margin = revised_margin
        final = o.proposals[-1]
        final.decision = "accepted" if o.outcome == "won" else "rejected"
        final.decided_on = o.closed_on

    # -- contracts

    def make_devices(self, c: Contract, classes: list[str], installs: list[date],
                     legacy: bool) -> list[Device]:
        rng = self.rng
        devices = []
        for cls, installed in zip(classes, installs, strict=True):
            spec = P.DEVICE_CLASSES[cls]
            model = pick(rng, spec["models"])
            brand = model.split()[0]
            while True:
                serial = f"{P.SERIAL_PREFIX[brand]}{rng.randrange(10**7):07d}"
                if serial not in self.serials:
                    self.serials.add(serial)
                    break
            lo, hi = spec["pages"]
            total = math.exp(rng.uniform(math.log(lo), math.log(hi)))
            color_share = rng.uniform(*spec["color_share"]) if spec["is_color"] else 0.0
            if legacy:
                mono0 = rng.randint(*P.LEGACY_COUNTER_RANGE)
            elif rng.random() < P.REFURBISHED_P:
                mono0 = rng.randint(*P.INSTALL_COUNTER_REFURBISHED)
            else:
                mono0 = rng.randint(*P.INSTALL_COUNTER_NEW)
            color0 = int(mono0 * rng.uniform(0.15, 0.4)) if spec["is_color"] else 0
            city = pick(rng, c.account.cities)
            devices.append(Device(
                serial=serial, contract=c, cls=cls, model=model, is_color=spec["is_color"],
                site=f"{pick(rng, P.SITES)}, {city}", installed_on=installed,
                install_mono=mono0, install_color=color0,
                monthly_mono=total * (1 - color_share), monthly_color=total * color_share,
                read_weekday=rng.randrange(7),
                manual_only=rng.random() < P.MANUAL_ONLY_DEVICE_P,
                manual_day=pick(rng, (24, 25, 26, 27, 28, 28, 1, 2)),
                maintenance_months=weighted(rng, P.MAINTENANCE_INTERVAL_MONTHS),
                review_story=self.scale.name in P.REVIEW_STORY_SCALES,
            ))
        return devices

    def legacy_contract(self, account: Account, term: int, start: date, n: int,
                        last: bool = False) -> Contract:
        currency = self.currency(account)
        if last and self.usd_contracts == 0 and account.segment != "gobierno":
            currency = "USD"  # the history always has a dollar contract
        self.usd_contracts += currency == "USD"
        c = Contract(account=account, legacy=True, start=start, end=term_end(start, term),
                     term_months=term, currency=currency,
                     payment_terms=self.payment_terms(account), created_on=self.start,
                     activated_on=self.start, planned_devices=n)
        c.classes = self.draw_classes(n, account.segment)
        c.plans.append(PlanChange(self.start, price_plan(self.rng, c.classes, currency,
                                                         start.replace(day=1)),
                                  P.ACTOR_ADMIN_AREA))
        c.devices = self.make_devices(c, c.classes, [self.start] * n, legacy=True)
        return c

    def contract_from(self, o: Opportunity) -> Contract:
        rng = self.rng
        won_on = o.closed_on
        created = won_on + timedelta(days=rng.randint(0, 2))
        term = o.term_months
        c = Contract(account=o.account, legacy=False, start=created,
                     end=term_end(created, term), term_months=term, currency=o.currency,
                     payment_terms=self.payment_terms(o.account), created_on=created,
                     activated_on=created, opportunity=o, planned_devices=o.devices)
        o.contract = c
        c.classes = list(o.classes)
        base = o.plan
        assert base is not None
        fee = (base.fixed_monthly_fee * Decimal(str(round(1 - o.discount, 4)))).quantize(
            Decimal("1") if o.currency == "USD" else Decimal("0.01"))
        floor = P.FEE_RANGE[0] if o.currency == "MXN" else (
            P.FEE_RANGE[0] / P.USD_PRICING_RATE).quantize(Decimal("1"))
        fee = max(fee, floor)
        plan = PlanTerms(**{**base.__dict__, "effective_from": created.replace(day=1),
                            "fixed_monthly_fee": fee.quantize(Decimal("0.01"))})
        c.plans.append(PlanChange(created, plan, P.ACTOR_SALES))

        # formalization: 3–20 days from won to activation, with occasional rejections
        below = o.margin < float(P.MARGIN_FLOOR)
        lag = int(rng.triangular(P.FORMALIZATION_DAYS[0], P.FORMALIZATION_DAYS[1], 8))
        reject_pricing = rng.random() < (P.PRICING_REJECTED_P_BELOW_FLOOR if below
                                         else P.PRICING_REJECTED_P)
        reject_sla = rng.random() < P.SLA_REJECTED_P
        if reject_pricing or reject_sla:
            lag = min(P.FORMALIZATION_DAYS[1], lag + rng.randint(2, 6))
        activation = max(created + ONE_DAY, won_on + timedelta(days=lag))
        span = (activation - created).days

        def at(lo: float, hi: float) -> date:
            return created + timedelta(days=int(span * rng.uniform(lo, hi)))

        steps = [
            Step("legal_review", "approved", at(0.1, 0.5), P.ACTOR_ADMIN_AREA),
            Step("customer_registered", "approved", at(0.0, 0.4), P.ACTOR_ADMIN_AREA),
        ]
        for name, rejected, actor, why in (
            ("pricing_validated", reject_pricing, P.ACTOR_FINANCE_OP,
             "Margen por debajo del piso; se solicita ajuste o autorización de Dirección"
             if below else "Precio de excedentes inconsistente con la cotización"),
            ("sla_validated", reject_sla, P.ACTOR_OPERATION,
             "Tiempo de respuesta comprometido no cubierto en la zona del cliente"),
        ):
            if rejected:
                first = at(0.1, 0.45)
                steps.append(Step(name, "rejected", first, actor, why))
                approved = max(first, at(0.5, 0.9))
                note = ("Aprobado por excepción de Dirección" if name == "pricing_validated"
                        and below else "Corregido y validado")
                steps.append(Step(name, "approved", approved, actor, note))
            else:
                steps.append(Step(name, "approved", at(0.2, 0.8), actor))
        last_ok = max(s.on for s in steps)
        steps.append(Step("internal_approval", "approved", max(last_ok, at(0.85, 1.0)),
                          P.ACTOR_DIRECTOR))
        c.steps = sorted(steps, key=lambda s: s.on)
        c.activated_on = max(activation, max(s.on for s in steps))

        # implementation (the drifting stage of the story)
        months_left = months_between(c.activated_on, self.until)
        k = 0.0
        if months_left < P.IMPLEMENTATION_DRIFT_MONTHS:
            k = 1 - months_left / P.IMPLEMENTATION_DRIFT_MONTHS
        planned_range = (P.DRIFT_PLANNED_GO_LIVE_DAYS if rng.random() < k
                         else P.PLANNED_GO_LIVE_DAYS)
        planned = rng.randint(*planned_range)
        drift = min(1.0, 1.6 * k)  # fully drifted for the last ~2.5 months
        on_time_p = P.ON_TIME_GO_LIVE_P - (P.ON_TIME_GO_LIVE_P - P.DRIFT_ON_TIME_P_AT_END) * drift
        if k > 0 and not self.drifting:
            self.drifting, self.on_time_credit = True, 0.0
        self.on_time_credit += on_time_p  # error diffusion, as for wins
        on_time = self.on_time_credit + rng.uniform(-0.4, 0.4) >= 1.0
        if on_time:
            self.on_time_credit -= 1.0
        lo, hi = P.ACCEPTANCE_DAYS
        if on_time:
            accepted = max(lo, planned - rng.randint(0, 5))
        elif k > 0:
            accepted = rng.randint(min(hi, max(planned + 3, int(20 + 22 * drift))), hi)
        else:
            accepted = min(hi, planned + rng.randint(2, 8))
        accepted = max(accepted, planned + 1) if not on_time else accepted
        c.planned_on = c.activated_on + timedelta(days=rng.randint(0, 2))
        c.planned_go_live = c.activated_on + timedelta(days=planned)
        if c.planned_go_live < c.planned_on:
            c.planned_go_live = c.planned_on
        acceptance = c.activated_on + timedelta(days=accepted)
        n = o.devices
        installs = sorted(
            c.activated_on + timedelta(days=rng.randint(1, max(1, accepted - 2)))
            for _ in range(n))
        c.devices = self.make_devices(c, c.classes, installs, legacy=False)
        first_install = installs[0]
        c.milestones = {
            "software_configured": min(acceptance, first_install
                                       + timedelta(days=rng.randint(0, 4))),
            "training_given": max(first_install, acceptance - timedelta(days=rng.randint(0, 5))),
            "customer_acceptance": acceptance,
        }
        return c

    # -- renewal, closure, amendments

    def plan_lifecycle(self, c: Contract, force: str | None = None) -> None:
        """Reviews before each end, then renewal (maybe with changes) or closure."""
        rng = self.rng
        c.reviews, c.renewals, c.amendments = [], [], []
        c.plans = c.plans[:1]
        c.devices = [d for d in c.devices if not d.renewal_added]
        for d in c.devices:
            d.removed_on = None
        c.closed_on = c.closure_reason = c.closure_recorded_on = None
        c.devices_retrieved = 0
        end = c.end
        horizon = self.until + timedelta(days=150)
        first = True
        while end <= horizon:
            window = weighted(rng, P.REVIEW_DAYS_BEFORE_END)
            review_on = end - timedelta(days=rng.randint(*window))
            floor = max(c.activated_on, self.start) + timedelta(days=rng.randint(1, 10))
            review_on = min(end, max(review_on, floor))
            decision = force if (force and first) else (
                "renew" if rng.random() < P.RENEWAL_P else "close")
            first = False
            if decision == "close":
                c.reviews.append(Review(review_on, "cierre", pick(rng, (
                    "El cliente no renovará: cambia de proveedor",
                    "Sin presupuesto para un nuevo plazo",
                    "Se consolida la operación; no renueva",
                ))))
                c.closed_on = end
                c.closure_recorded_on = end
                c.closure_reason = weighted(rng, P.CLOSURE_REASONS)
                for d in c.devices:
                    if d.removed_on is None and d.installed_on <= end:
                        d.removed_on = end
                break
            with_changes = rng.random() < P.RENEWAL_WITH_CHANGES_P
            outcome = "renovar con cambios" if with_changes else "renovar"
            c.reviews.append(Review(review_on, outcome, pick(rng, (
                "Desempeño dentro de SLA; el cliente confirma continuidad",
                "Cliente satisfecho; se negocia nuevo plazo",
                "Renovación recomendada; revisar volumen de impresión",
            ))))
            renewed_on = rand_date(rng, review_on, end)
            new_term = weighted(rng, P.RENEWAL_TERMS_MONTHS)
            new_end = term_end(end + ONE_DAY, new_term)
            c.renewals.append(RenewalEvent(renewed_on, end, new_end))
            effective = plan_start_for(end + ONE_DAY)
            if with_changes:
                current = c.plans[-1].terms
                increase = 1 + rng.uniform(*P.RENEWAL_PRICE_INCREASE)
                if rng.random() < 0.6:  # more devices
                    k = rng.randint(1, max(1, len(c.devices) // 3 or 1))
                    classes = self.draw_classes(k, c.account.segment)
                    installs = sorted(min(end, renewed_on + timedelta(days=rng.randint(5, 20)))
                                      for _ in range(k))
                    new = self.make_devices(c, classes, installs, legacy=False)
                    for d in new:
                        d.renewal_added = True
                    c.devices.extend(new)
                    c.amendments.append(AmendmentEvent(
                        renewed_on, "devices_added", k,
                        f"Renovación con {k} equipo(s) adicional(es)"))
                    terms = revised_plan(current, effective, fee_factor=increase, added=classes,
                                         currency=c.currency, rng=rng)
                else:
                    c.amendments.append(AmendmentEvent(
                        renewed_on, "price_change", 0,
                        f"Renovación con ajuste de precio de {round((increase - 1) * 100, 1)} %"))
                    terms = revised_plan(current, effective, fee_factor=increase,
                                         currency=c.currency, rng=rng)
                if all(p.terms.effective_from != effective for p in c.plans):
                    c.plans.append(PlanChange(renewed_on, terms, P.ACTOR_ADMIN_AREA))
            end = new_end
        c.final_end = end  # the last term's end (the closed one, if it closed)

    def _decisions_in_window(self) -> tuple[list[Contract], list[Contract]]:
        closed = [c for c in self.contracts if c.closed_on and c.closed_on <= self.until
                  - timedelta(days=10)]
        renewed = [c for c in self.contracts
                   if any(r.renewed_on <= self.until for r in c.renewals)]
        return closed, renewed

    def _ensure_lifecycle_variety(self) -> None:
        closed, renewed = self._decisions_in_window()
        ending = sorted((c for c in self.contracts
                         if self.start + timedelta(days=30) < c.end <= self.until
                         - timedelta(days=20)), key=lambda c: c.end)
        if not closed and ending:
            self.plan_lifecycle(ending[-1], force="close")
        closed, renewed = self._decisions_in_window()
        if not renewed:
            for c in ending:
                if c not in closed:
                    self.plan_lifecycle(c, force="renew")
                    break

    def _plan_early_terminations(self) -> None:
        """A few contracts terminated early, with the closure recorded a month late: the
        month after the termination gets invoiced by mistake (an invoice without charge)."""
        rng = self.rng
        n = max(1, round(len(self.contracts) * P.EARLY_TERMINATION_SHARE))
        latest_close = month_end(add_months(self.until, -2))
        candidates = []
        for c in self.contracts:
            if c.closed_on is not None or c.renewals:
                continue
            earliest = add_months(c.activated_on, 4)
            if earliest.replace(day=1) < latest_close.replace(day=1) and c.end > latest_close:
                candidates.append(c)
        rng.shuffle(candidates)
        for c in candidates[:n]:
            first = max(add_months(c.activated_on, 4), add_months(self.until, -12))
            if first > latest_close:
                first = add_months(c.activated_on, 4)
            closed = month_end(rand_date(rng, first, latest_close))
            recorded = next_month_start(next_month_start(closed)) + timedelta(
                days=rng.randint(7, 14))
            if recorded > self.until:
                continue
            c.closed_on = closed
            c.closure_recorded_on = recorded
            c.closure_reason = pick(rng, ("cierre de sucursal", "recorte de presupuesto"))
            c.retroactive_closure = True
            c.final_end = c.end
            c.reviews = [r for r in c.reviews if r.on < closed - timedelta(days=25)]
            for d in c.devices:
                if d.removed_on is None:
                    d.removed_on = recorded
            c.reviews.append(Review(closed - timedelta(days=rng.randint(5, 20)), "en riesgo",
                                    "El cliente anuncia terminación anticipada"))

    def plan_mid_term_amendments(self, c: Contract) -> None:
        rng = self.rng
        if c.retroactive_closure:
            return
        day = max(c.activated_on, self.start) + timedelta(days=60)
        stop = min(c.last_day(), self.until) - timedelta(days=60)
        renewal_days = {r.renewed_on for r in c.renewals}
        while day <= stop:
            day += timedelta(days=rng.randint(20, 40))
            if day > stop or any(abs((day - r).days) < 45 for r in renewal_days):
                continue
            roll = rng.random()
            p_add = P.AMENDMENT_DEVICES_ADDED_PER_CONTRACT_YEAR / 12
            p_rem = P.AMENDMENT_DEVICES_REMOVED_PER_CONTRACT_YEAR / 12
            effective = next_month_start(day)
            if any(p.terms.effective_from == effective for p in c.plans):
                continue
            current = c.plan_on(day)
            later = [p for p in c.plans if p.terms.effective_from > effective]
            if later:
                continue
            if roll < p_add:
                k = rng.randint(1, 4)
                classes = self.draw_classes(k, c.account.segment)
                installs = sorted(day + timedelta(days=rng.randint(3, 15)) for _ in range(k))
                if installs[-1] > c.last_day():
                    continue
                c.devices.extend(self.make_devices(c, classes, installs, legacy=False))
                c.amendments.append(AmendmentEvent(day, "devices_added", k,
                                                   f"Alta de {k} equipo(s) en nueva área"))
                c.plans.append(PlanChange(day, revised_plan(
                    current, effective, fee_factor=1.0, added=classes, currency=c.currency,
                    rng=rng), P.ACTOR_ADMIN_AREA))
            elif roll < p_add + p_rem:
                active = [d for d in c.active_devices_on(day) if d.removed_on is None]
                if len(active) < 3:
                    continue
                k = rng.randint(1, min(2, len(active) - 1))
                gone = rng.sample(active, k)
                when = day + timedelta(days=rng.randint(0, 10))
                for d in gone:
                    d.removed_on = when
                c.amendments.append(AmendmentEvent(day, "devices_removed", -k,
                                                   f"Baja de {k} equipo(s) por reubicación"))
                c.plans.append(PlanChange(day, revised_plan(
                    current, effective, fee_factor=1.0, removed=[d.cls for d in gone],
                    currency=c.currency, rng=rng), P.ACTOR_ADMIN_AREA))

    # -- meter reading profile per device

    def plan_device_reads(self, d: Device) -> None:
        rng = self.rng
        first = max(d.installed_on, self.start)
        last = min(d.removed_on or self.until, self.until)
        years = max(0.0, (last - first).days / 365.25)
        for _ in range(poisson(rng, P.METER_REPLACEMENTS_PER_DEVICE_YEAR * years)):
            self._add_replacement(d, first, last)
        for _ in range(poisson(rng, P.SILENT_EPISODES_PER_DEVICE_YEAR * years)):
            self._add_silence(d, first, last)

    def _add_replacement(self, d: Device, first: date, last: date) -> bool:
        rng = self.rng
        lo, hi = first + timedelta(days=40), last - timedelta(days=20)
        if hi <= lo:
            return False
        for _ in range(10):
            day = rand_date(rng, lo, hi)
            day = day.replace(day=min(max(day.day, 5), 24))
            if not lo <= day <= hi:
                continue
            clash = any(s - timedelta(days=70) <= day <= e + timedelta(days=70)
                        for s, e, _ in d.silent) or any(abs((day - r).days) < 90
                                                         for r in d.replacements)
            if not clash:
                d.replacements.append(day)
                d.replacements.sort()
                return True
        return False

    def _add_silence(self, d: Device, first: date, last: date, weeks: int | None = None) -> bool:
        rng = self.rng
        weeks = weeks or rng.randint(*P.SILENT_WEEKS)
        lo, hi = first + timedelta(days=21), last - timedelta(days=weeks * 7 + 7)
        if hi <= lo:
            return False
        for _ in range(10):
            s = rand_date(rng, lo, hi)
            e = s + timedelta(days=weeks * 7)
            clash = any(not (e + timedelta(days=14) < s2 or e2 + timedelta(days=14) < s)
                        for s2, e2, _ in d.silent) or any(
                s - timedelta(days=70) <= r <= e + timedelta(days=70) for r in d.replacements)
            if not clash:
                d.silent.append((s, e, rng.random() < P.SILENT_ENDS_WITH_MANUAL_READ_P))
                d.silent.sort()
                return True
        return False

    def _ensure_meter_story(self) -> None:
        """Whatever the dice said, the history has a meter replacement and a long silence."""
        devices = sorted((d for c in self.contracts for d in c.devices if not d.manual_only),
                         key=lambda d: (d.installed_on, d.serial))
        long_lived = [d for d in devices
                      if (min(d.removed_on or self.until, self.until)
                          - max(d.installed_on, self.start)).days > 200]
        if not long_lived:
            return
        if not any(d.replacements for d in devices):
            for d in long_lived:
                if self._add_replacement(d, max(d.installed_on, self.start),
                                         min(d.removed_on or self.until, self.until)):
                    break
        if not any((e - s).days >= 21 for d in devices for s, e, _ in d.silent):
            for d in reversed(long_lived):
                if self._add_silence(d, max(d.installed_on, self.start),
                                     min(d.removed_on or self.until, self.until), weeks=5):
                    break

    # -- business keys

    def _number_everything(self) -> None:
        for i, a in enumerate(sorted(self.accounts, key=lambda a: (a.created_on, not a.legacy)),
                              start=1):
            a.code = f"CLI-{i:04d}"
        per_year: dict[int, int] = {}
        for o in self.opportunities:
            per_year[o.created_on.year] = per_year.get(o.created_on.year, 0) + 1
            o.code = f"OP-{o.created_on.year}-{per_year[o.created_on.year]:04d}"
        proposals = sorted(((p.proposed_on, i, p) for i, o in enumerate(self.opportunities)
                            for p in o.proposals), key=lambda x: (x[0], x[1]))
        for n, (_, _, p) in enumerate(proposals, start=1):
            p.code = f"COT-{n:05d}"
        per_year = {}
        for c in sorted(self.contracts, key=lambda c: (c.start, c.created_on)):
            per_year[c.start.year] = per_year.get(c.start.year, 0) + 1
            c.number = f"CT-{c.start.year}-{per_year[c.start.year]:04d}"
        amendments = sorted(((a.on, c.number, a) for c in self.contracts for a in c.amendments),
                            key=lambda x: (x[0], x[1]))
        for n, (_, _, a) in enumerate(amendments, start=1):
            a.number = f"AM-{n:04d}"


def plan_world(scale: P.Scale, seed: int, start: date, until: date) -> World:
    return Planner(scale, seed, start, until).plan()
