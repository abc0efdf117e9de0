"""Every assumption of the demo business in one place (docs/demo-generator.md).

These are assumptions for the generator, not facts about the company. Probabilities are
fractions (0.35 = 35 %); ranges are inclusive (low, high) tuples; money is MXN unless noted
(USD contracts convert their prices at `USD_PRICING_RATE`). docs/demo-generator.md explains
how each one is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# --------------------------------------------------------------------------- scales


@dataclass(frozen=True)
class Scale:
    name: str
    accounts: int  # customers and prospects at the end of the history
    devices: int  # devices installed over the history (legacy + new + amendments)
    months: int  # history length, ending at `until`
    read_every_days: int  # agent meter-read cadence: 7 = weekly, 1 = daily


SCALES: dict[str, Scale] = {
    # a quick one for tests (determinism, smoke); not a docs/quality-targets.md scale
    "tiny": Scale("tiny", accounts=10, devices=60, months=9, read_every_days=7),
    # docs/quality-targets.md: small ≈ 40 accounts, ≈ 300 devices, 24 months, weekly reads (~30 k)
    "small": Scale("small", accounts=40, devices=320, months=24, read_every_days=7),
    "medium": Scale("medium", accounts=600, devices=5_000, months=36, read_every_days=1),
    "large": Scale("large", accounts=3_000, devices=25_000, months=60, read_every_days=1),
}

DEFAULT_SEED = 7

# --------------------------------------------------------------------------- users

# (username, display name, role, area). Created by the generator only, for the demo.
DEMO_USERS: tuple[tuple[str, str, str, str | None], ...] = (
    ("admin", "Administrador del sistema", "admin", None),
    ("director", "Laura Méndez (Dirección)", "director", None),
    ("finanzas", "Ricardo Salinas (Finanzas)", "finance", None),
    ("analista", "Sofía Treviño (Análisis)", "analyst", None),
    ("comercial", "Jorge Castañeda (Comercial)", "operator", "comercial"),
    ("operacion", "Mariana Ruiz (Operación)", "operator", "operacion"),
    ("administracion", "Patricia Olvera (Administración)", "operator", "administracion"),
    ("finanzas_op", "Héctor Villalobos (Finanzas)", "operator", "finanzas"),
)
# Demo-only passwords, documented in docs/demo-generator.md. Never used outside demo mode.
DEMO_PASSWORDS: dict[str, str] = {u[0]: f"seiton-demo-{u[0]}" for u in DEMO_USERS}

# Who records what (the acting username stamped on each write).
ACTOR_SALES = "comercial"
ACTOR_ADMIN_AREA = "administracion"
ACTOR_FINANCE_OP = "finanzas_op"
ACTOR_FINANCE = "finanzas"
ACTOR_OPERATION = "operacion"
ACTOR_DIRECTOR = "director"
ACTOR_SYSTEM_ADMIN = "admin"
# Sales owners of opportunities (names of the sales reps, free text on the opportunity).
SALES_OWNERS = ("comercial", "comercial", "comercial", "director")

# --------------------------------------------------------------------------- customers

SEGMENTS: dict[str, float] = {  # segment → share of accounts
    "corporativo": 0.30,
    "gobierno": 0.15,
    "educación": 0.15,
    "salud": 0.15,
    "pyme": 0.25,
}
# region → (share of accounts, IVA rate, cities for sites)
REGIONS: dict[str, tuple[float, Decimal, tuple[str, ...]]] = {
    "CDMX": (0.34, Decimal("0.16"), ("Ciudad de México",)),
    "Nuevo León": (0.18, Decimal("0.16"), ("Monterrey", "San Pedro Garza García", "Apodaca")),
    "Jalisco": (0.15, Decimal("0.16"), ("Guadalajara", "Zapopan", "Tlaquepaque")),
    "Querétaro": (0.10, Decimal("0.16"), ("Querétaro", "San Juan del Río")),
    "Puebla": (0.11, Decimal("0.16"), ("Puebla", "Cholula")),
    # frontera: IVA 8 % (estímulo fiscal de la región fronteriza norte)
    "Baja California": (0.12, Decimal("0.08"), ("Tijuana", "Mexicali", "Ensenada")),
}
# Share of accounts that are customers with contracts in force when the history starts
# (captured from the previous system at go-live); the rest arrive as prospects over time.
LEGACY_ACCOUNT_SHARE = 0.55
LEGACY_SECOND_CONTRACT_P = 0.2  # a legacy customer with a second contract (another site)
# Share of the scale's devices on contracts in force at go-live: established customers are
# bigger than the new ones, and their devices report for the whole history.
LEGACY_DEVICE_SHARE = 0.78

# Payer profile mix → payment timing mix (on time, 1–30 late, 31–90 late, later or never).
PAYER_PROFILES: dict[str, tuple[float, tuple[float, float, float, float]]] = {
    "good": (0.40, (0.80, 0.15, 0.04, 0.01)),
    "average": (0.40, (0.60, 0.25, 0.10, 0.05)),
    "poor": (0.20, (0.30, 0.35, 0.25, 0.10)),
}
# gobierno pays later: its profile is one step worse than drawn half of the time
GOBIERNO_WORSE_PROFILE_P = 0.5

# --------------------------------------------------------------------------- sales

OPPORTUNITY_SOURCES: dict[str, tuple[float, float]] = {  # source → (share, win probability)
    "referido": (0.25, 0.46),
    "web": (0.30, 0.30),
    "prospección en frío": (0.25, 0.22),
    "renovación de competidor": (0.20, 0.36),
}
EXPANSION_SOURCE = "cliente actual"
EXPANSION_WIN_P = 0.55
# opportunities over the history per account (scaled by months / 24)
OPPORTUNITIES_PER_ACCOUNT_24M = 1.7
EXPANSION_OPPORTUNITY_SHARE = 0.35  # opportunities from existing customers (new sites)
# Sales grow: creation density rises linearly to this multiple at the end of the history.
SALES_GROWTH_AT_END = 3.0
# Stage where a lost opportunity was lost → share
LOST_AT_STAGE: dict[str, float] = {
    "prospect": 0.45,
    "qualified": 0.15,
    "diagnosis": 0.15,
    "proposal": 0.15,
    "negotiation": 0.10,
}
LOST_REASONS: dict[str, float] = {
    "precio": 0.35,
    "competencia": 0.30,
    "sin presupuesto": 0.20,
    "pospuesto": 0.15,
}
SALES_CYCLE_DAYS = (30, 120)
SALES_CYCLE_DAYS_GOBIERNO = (60, 180)
# fraction of the cycle at which each stage is reached
STAGE_AT_CYCLE_FRACTION = {
    "qualified": 0.12,
    "diagnosis": 0.30,
    "proposal": 0.52,
    "negotiation": 0.75,
}
PROPOSAL_MARGIN = (0.25, 0.45)
PROPOSAL_MARGIN_BELOW_FLOOR = (0.20, 0.245)
PROPOSAL_BELOW_FLOOR_P = 0.10  # "a few under the 25 % floor"
PROPOSAL_REVISION_P = 0.35  # a revised (discounted) proposal in negotiation
PROPOSAL_REVISION_DISCOUNT = (0.03, 0.08)
MARGIN_FLOOR = Decimal("0.25")
MARGIN_MINIMUM = 0.20  # no deal, revised or not, goes under this margin

# --------------------------------------------------------------------------- contracts

TERMS_MONTHS: dict[int, float] = {24: 0.30, 36: 0.50, 48: 0.20}
USD_CONTRACT_P = 0.10
USD_PRICING_RATE = Decimal("18.5")  # MXN per USD used to quote USD prices
PAYMENT_TERMS_DAYS = 30
PAYMENT_TERMS_DAYS_GOBIERNO = (60, 90)
DEVICES_PER_CONTRACT = (1, 40)  # long-tailed (lognormal, clipped)
DEVICES_LOGNORMAL_SIGMA = 0.95
FEE_RANGE = (Decimal("1500"), Decimal("60000"))
GRADUATED_TIERS_P = 0.08
MINIMUM_CHARGE_P = 0.08
MINIMUM_CHARGE_OVER_FEE = (1.08, 1.30)  # minimum monthly charge as a multiple of the fee
MONO_RATE = (0.10, 0.25)  # MXN per page over the allowance
COLOR_RATE = (0.80, 2.50)
# Formalization (won → activated): 3–20 days; steps rejected now and then.
FORMALIZATION_DAYS = (3, 20)
PRICING_REJECTED_P = 0.10
PRICING_REJECTED_P_BELOW_FLOOR = 0.6
SLA_REJECTED_P = 0.07
SLA_RESPONSE_HOURS = Decimal("4")
SLA_RESOLUTION_HOURS = Decimal("16")
SLA_UPTIME_TARGET_PCT = Decimal("98")

# device catalog: class → (share, A4/A3, is_color, models, monthly pages (low, high),
#                          color share of pages (low, high), fee per device (low, high),
#                          allowance per device (low, high))
DEVICE_CLASSES: dict[str, dict] = {
    "a4_mono": {
        "share": 0.35, "is_color": False,
        "models": ("Kyocera ECOSYS P3145dn", "HP LaserJet Enterprise M507dn",
                   "Lexmark MS631dw", "Brother HL-L6415DW"),
        "pages": (1_000, 8_000), "color_share": (0.0, 0.0),
        "fee": (800, 1_300), "allowance": (2_000, 5_000),
    },
    "a4_color": {
        "share": 0.20, "is_color": True,
        "models": ("HP Color LaserJet Enterprise M555dn", "Lexmark CS735de",
                   "Kyocera ECOSYS MA4000cifx"),
        "pages": (1_000, 6_000), "color_share": (0.25, 0.45),
        "fee": (1_200, 1_900), "allowance": (2_000, 4_000),
    },
    "a3_mono": {
        "share": 0.25, "is_color": False,
        "models": ("Ricoh IM 5000", "Kyocera TASKalfa 4012i",
                   "Canon imageRUNNER ADVANCE DX 4745i"),
        "pages": (4_000, 30_000), "color_share": (0.0, 0.0),
        "fee": (1_600, 2_600), "allowance": (5_000, 10_000),
    },
    "a3_color": {
        "share": 0.20, "is_color": True,
        "models": ("Ricoh IM C3000", "Kyocera TASKalfa 3554ci",
                   "Canon imageRUNNER ADVANCE DX C5840i", "Xerox AltaLink C8130"),
        "pages": (3_000, 20_000), "color_share": (0.15, 0.35),
        "fee": (2_200, 3_400), "allowance": (4_000, 10_000),
    },
}
COLOR_ALLOWANCE_PER_COLOR_DEVICE = (500, 2_500)
SERIAL_PREFIX = {"Kyocera": "VKP", "HP": "CNB", "Lexmark": "LX7", "Brother": "E7B",
                 "Ricoh": "G18", "Canon": "XQM", "Xerox": "XRX"}
SITES = ("Recepción", "Contabilidad", "Recursos Humanos", "Dirección General", "Almacén",
         "Ventas", "Sistemas", "Jurídico", "Compras", "Planta", "Archivo", "Servicio al Cliente")

# Usage seasonality (multiplier by calendar month); education is quiet in July and December.
SEASONALITY_DEFAULT = {1: 0.92, 4: 0.93, 7: 0.96, 12: 0.82}
SEASONALITY_BY_SEGMENT = {
    "educación": {1: 0.85, 7: 0.35, 8: 0.80, 12: 0.40},
    "gobierno": {1: 0.85, 12: 0.70},
}
USAGE_WEEKLY_NOISE_SIGMA = 0.22

# --------------------------------------------------------------------------- implementation

PLANNED_GO_LIVE_DAYS = (10, 28)  # after activation
ACCEPTANCE_DAYS = (7, 42)  # customer acceptance 1–6 weeks after activation
ON_TIME_GO_LIVE_P = 0.90
INSTALL_COUNTER_NEW = (0, 400)  # new devices
INSTALL_COUNTER_REFURBISHED = (20_000, 400_000)
REFURBISHED_P = 0.30
LEGACY_COUNTER_RANGE = (30_000, 900_000)  # lifetime counters of devices captured at go-live

# --------------------------------------------------------------------------- operation

CORRECTIVE_TICKETS_PER_DEVICE_YEAR = (0.5, 1.5)
REQUEST_TICKETS_PER_DEVICE_YEAR = 0.20
CONSUMABLE_TICKETS_PER_DEVICE_YEAR = 0.08
INCIDENT_TICKETS_PER_CONTRACT_YEAR = 0.40
PREVENTIVE_TICKET_AFTER_VISIT_P = 0.05
TICKET_PRIORITIES = {"low": 0.15, "medium": 0.60, "high": 0.25}
TICKET_OFF_HOURS_P = 0.12
TICKET_PAUSED_P = 0.10  # paused waiting on the customer
TICKET_PAUSE_BUSINESS_HOURS = (1.0, 20.0)
# SLA misses: baseline, and per-month bad luck ("worse in some months")
SLA_RESPONSE_MISS_P = 0.04
SLA_RESOLUTION_MISS_P = 0.07
SLA_BAD_MONTH_P = 0.12
SLA_BAD_MONTH_FACTOR = 2.5
FIRST_TIME_FIX_P = 0.82
MAINTENANCE_INTERVAL_MONTHS = {3: 0.4, 4: 0.3, 6: 0.3}
VISIT_ON_TIME_P = 0.90
VISIT_SKIPPED_P = 0.02
CONSUMABLE_INTERVAL_DAYS = (25, 75)
CONSUMABLE_ON_TIME_P = 0.93  # delivered within 2 business days
DEVICE_OUTAGES_PER_YEAR = 2.0  # monitoring down/up events besides corrective tickets
DOWN_WITH_CORRECTIVE_P = 0.45

# --------------------------------------------------------------------------- meter reads

SILENT_EPISODES_PER_DEVICE_YEAR = 0.30  # → 3–5 % of devices silent at any time
SILENT_WEEKS = (3, 10)
SILENT_ENDS_WITH_MANUAL_READ_P = 0.35
MANUAL_ONLY_DEVICE_P = 0.04  # no agent: a technician reads it around month end
METER_REPLACEMENTS_PER_DEVICE_YEAR = 0.01
NEW_METER_START = (0, 60)

# --------------------------------------------------------------------------- billing

INVOICE_DAYS_AFTER_PERIOD: dict[int, float] = {1: 0.15, 2: 0.30, 3: 0.25, 4: 0.18, 5: 0.12}
INVOICE_LATE_P = 0.010  # "not invoiced in time": issued 20–50 days after the period
INVOICE_LATE_DAYS = (20, 50)
INVOICE_SKIPPED_P = 0.005  # excluded from the billing run with a reason (not invoiced)
LATE_READ_P = 0.003  # a device-month whose last readings arrive after the month was invoiced
INVOICE_ERROR_P = 0.015  # under or over
INVOICE_ERROR_SIZE = (0.03, 0.20)
OVER_BILLED_CREDITED_P = 0.60  # corrected by a credit note for the difference
UNDER_BILLED_COMPLEMENTED_P = 0.40  # corrected by a complementary invoice
INVOICE_CANCELLED_P = 0.004  # cancelled by a full credit note and re-issued
INVOICE_AFTER_CLOSURE_P = 0.25  # a closed contract invoiced one more month by mistake
PAYMENT_PARTIAL_P = 0.10
PAYMENT_UNAPPLIED_P = 0.02  # a transfer without a reference: it arrives unapplied …
UNAPPLIED_APPLIED_P = 0.85  # … and finance finds its invoice and applies it within days
UNAPPLIED_APPLY_DAYS = (1, 7)
PAYMENT_BOUNCED_P = 0.004
# Of the "later or never" bucket (5 %): most pay 91–180 days late after escalation; a few
# never do. A going concern, not a portfolio of bad debt: with 0.45 never paid, 24 months
# of history piled 42 % of open receivables past 120 days (docs/demo-generator.md).
NEVER_PAID_SHARE_OF_LATEST = 0.12
VERY_LATE_DAYS = (91, 180)
PAYMENT_METHODS = {"transferencia": 0.85, "cheque": 0.10, "depósito": 0.05}
PROMISE_KEPT_P = 0.85  # with broken promises on long-late invoices, ~70 % are kept
FX_USD_RANGE = (Decimal("17.05"), Decimal("19.95"))
FX_USD_START = 18.4
FX_DAILY_VOL = 0.045
FX_MEAN_REVERSION = 0.01

# --------------------------------------------------------------------------- renewal

RENEWAL_P = 0.85
RENEWAL_WITH_CHANGES_P = 0.15
RENEWAL_TERMS_MONTHS = {12: 0.3, 24: 0.45, 36: 0.25}
RENEWAL_PRICE_INCREASE = (0.03, 0.08)
REVIEW_DAYS_BEFORE_END = {(60, 120): 0.75, (30, 59): 0.18, (10, 29): 0.07}
CLOSURE_REASONS = {
    "competencia": 0.35,
    "precio": 0.25,
    "insatisfacción con el servicio": 0.15,
    "cierre de sucursal": 0.15,
    "recorte de presupuesto": 0.10,
}
AMENDMENT_DEVICES_ADDED_PER_CONTRACT_YEAR = 0.06
AMENDMENT_DEVICES_REMOVED_PER_CONTRACT_YEAR = 0.03
# terminated early, the closure recorded a month late (→ an invoice without a charge)
EARLY_TERMINATION_SHARE = 0.05

# --------------------------------------------------------------------------- the story

# Implementation drifts green → red over the last six months as sales grow: contracts
# activated in this many final months plan optimistic go-lives and accept later.
IMPLEMENTATION_DRIFT_MONTHS = 7
DRIFT_PLANNED_GO_LIVE_DAYS = (12, 21)
DRIFT_ON_TIME_P_AT_END = 0.05
# Operation recovers: SLA compliance was poor from 14 to 7 months before `until`
# (a technician shortage) and climbs back to baseline over the last six months.
OPERATION_BAD_FROM_MONTHS = 14
OPERATION_BAD_TO_MONTHS = 7
OPERATION_BAD_RESPONSE_MISS_P = 0.28
OPERATION_BAD_RESOLUTION_MISS_P = 0.30
OPERATION_BAD_FIRST_TIME_FIX_P = 0.62

# meter review (docs/meter-readings.md). The story — anomalous reads and the billing area's
# decisions, test copies — is told at the small scale, the demo, written through the domain
# functions; the bulk path of the daily-read scales (and tests that compare it with the
# domain path on tiny) writes readings without the review, so it gets none.
REVIEW_STORY_SCALES = ("small",)
# The share of weekly-read agent devices whose history
# has one anomalous read, by kind; a few more get one in the last weeks, left held for review
ANOMALY_JOB_P = 0.025  # a real big print job: approved
ANOMALY_TYPO_P = 0.02  # a digit too many: rejected
ANOMALY_GLITCH_P = 0.02  # colour pages on a mono model: rejected
ANOMALY_STUCK_P = 0.012  # the agent repeats old counters for STUCK_WEEKS weeks: rejected
ANOMALY_LATE_P = 0.012  # a typo in the last weeks, still held when the history ends
ANOMALY_JOB_MONTHS = 4  # the job prints four months of the device's volume in a week
ANOMALY_MIN_HISTORY_DAYS = 130  # a trailing average needs history before the read
STUCK_WEEKS = 6
# catalog models' rated monthly volume (device_models): generous, ~3× the class's top volume
RATED_MONTHLY_VOLUME = {"a4_mono": 25_000, "a4_color": 20_000, "a3_mono": 90_000,
                        "a3_color": 60_000}
# test copies: the technicians record the pages printed to test a device only since the new
# procedure of the last TEST_COPIES_MONTHS months (the demo's invoices, written by money.py,
# do not credit them: those months reconcile as over-billed where the contract is in
# overage); the share of completed maintenance visits and resolved corrective tickets that
# record them, and how many
TEST_COPIES_MONTHS = 2
TEST_COPIES_VISIT_P = 0.5
TEST_COPIES_TICKET_P = 0.3
TEST_PAGES = (5, 40)
