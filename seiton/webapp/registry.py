"""Which pages exist and who may open them (interfaces.md, Roles).

An operator sees the entry pages of the stages its area is responsible for (the stage
table in value-chain.md); finance sees billing, reconciliation and collections; directors
every dashboard; analysts the SQL console and dashboards; admin everything plus users.
The same check runs when the navigation is built and again inside every page.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

STAGES = ("sales", "formalization", "implementation", "operation", "billing", "renewal")

# value-chain.md, "responsible areas" per stage, read the other way round.
AREA_STAGES: dict[str, frozenset[str]] = {
    "comercial": frozenset({"sales", "formalization", "renewal"}),
    "administracion": frozenset({"formalization", "billing"}),
    "finanzas": frozenset({"formalization", "billing"}),
    "operacion": frozenset({"implementation", "operation", "billing", "renewal"}),
}


@dataclass(frozen=True)
class PageSpec:
    key: str  # url path, unique
    title: dict[str, str]  # {"es": ..., "en": ...}
    section: str  # a stage code (entry pages) or a section key of i18n
    target: str  # "module:function" drawing the page
    kind: str = "dashboard"  # entry | dashboard | finance | analysis | admin
    stage: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)  # extra roles allowed
    icon: str | None = None


def can_open(role: str, area: str | None, page: PageSpec) -> bool:
    if role == "admin":
        return True
    if page.kind == "admin":
        return False
    if role in page.roles:
        return True
    if role == "operator":
        return page.kind == "entry" and page.stage in AREA_STAGES.get(area or "", frozenset())
    if role == "director":
        return page.kind in {"dashboard", "finance"}
    if role == "finance":
        return page.kind == "finance" or (page.kind == "entry" and page.stage == "billing")
    if role == "analyst":
        return page.kind in {"dashboard", "analysis"}
    return False


PAGES: list[PageSpec] = [
    PageSpec(
        key="cadena-de-valor",
        title={"es": "Cadena de valor", "en": "Value chain"},
        section="section_dashboards",
        target="dashboards.pages.value_chain:render",
        kind="dashboard",
        roles=frozenset({"operator", "finance"}),
        icon=":material/account_tree:",
    ),
    # Analysis (analysts and admin): docs/analysts.md
    PageSpec(
        key="consola-sql",
        title={"es": "Consola SQL", "en": "SQL console"},
        section="section_analysis",
        target="dashboards.pages.sql_console:render",
        kind="analysis",
        icon=":material/terminal:",
    ),
    PageSpec(
        key="diccionario-de-datos",
        title={"es": "Diccionario de datos", "en": "Data dictionary"},
        section="section_analysis",
        target="dashboards.pages.data_dictionary:render",
        kind="analysis",
        icon=":material/menu_book:",
    ),
]


def register(page: PageSpec) -> None:
    if any(p.key == page.key for p in PAGES):
        raise ValueError(f"duplicate page key {page.key}")
    PAGES.append(page)


def page_by_key(key: str) -> PageSpec:
    for page in PAGES:
        if page.key == key:
            return page
    raise KeyError(key)


def resolve(page: PageSpec):
    module, func = page.target.split(":")
    return getattr(importlib.import_module(module), func)


# Collections: aging as of any date, customer credit, DSO and CEI (dashboards/pages/collections.py).
register(PageSpec(
    key="cobranza",
    title={"es": "Cobranza", "en": "Collections"},
    section="section_finance",
    target="dashboards.pages.collections:render",
    kind="finance",
    icon=":material/request_quote:",
))

# Directors' KPI pages (dashboards/pages/stage_health.py, stage_detail.py, lead_to_cash.py):
# the six stages' health for a month, one stage's trends and drill-down, lead to cash.
register(PageSpec(
    key="salud-de-etapas",
    title={"es": "Salud de las etapas", "en": "Stage health"},
    section="section_dashboards",
    target="dashboards.pages.stage_health:render",
    kind="dashboard",
    icon=":material/monitor_heart:",
))
register(PageSpec(
    key="detalle-de-etapa",
    title={"es": "Detalle de etapa", "en": "Stage detail"},
    section="section_dashboards",
    target="dashboards.pages.stage_detail:render",
    kind="dashboard",
    icon=":material/query_stats:",
))
register(PageSpec(
    key="prospecto-a-cobro",
    title={"es": "Del prospecto al cobro", "en": "Lead to cash"},
    section="section_dashboards",
    target="dashboards.pages.lead_to_cash:render",
    kind="dashboard",
    icon=":material/conversion_path:",
))

# Finance: computed charges with their calculation, and charges against invoices
# (dashboards/pages/billing_charges.py, reconciliation.py; docs/billing.md, Finance pages).
register(PageSpec(
    key="cargos",
    title={"es": "Cargos", "en": "Charges"},
    section="section_finance",
    target="dashboards.pages.billing_charges:render",
    kind="finance",
    icon=":material/receipt_long:",
))
register(PageSpec(
    key="conciliacion",
    title={"es": "Conciliación", "en": "Reconciliation"},
    section="section_finance",
    target="dashboards.pages.reconciliation:render",
    kind="finance",
    icon=":material/rule:",
))

# CFDI (operational_app/pages/cfdi.py; docs/cfdi.md): finance opens any invoice's XML and
# downloads a period's export; the admin edits the company's fiscal data.
register(PageSpec(
    key="cfdi",
    title={"es": "CFDI", "en": "CFDI"},
    section="section_finance",
    target="operational_app.pages.cfdi:render",
    kind="finance",
    icon=":material/description:",
))
register(PageSpec(
    key="datos-fiscales",
    title={"es": "Datos fiscales", "en": "Fiscal data"},
    section="section_admin",
    target="operational_app.pages.cfdi:render_fiscal",
    kind="admin",
    icon=":material/account_balance:",
))
# Meter capture (operational_app/pages/meter_capture.py, docs/meter-capture.md): the review of
# held readings and the missing-reads list — readings are Operación's, so its operators see
# it (stage operation), plus finance and admin — and the import profiles (admin).
register(PageSpec(
    key="revision-de-lecturas",
    title={"es": "Revisión de lecturas", "en": "Meter-read review"},
    section="billing",
    target="operational_app.pages.meter_capture:review_page",
    kind="entry",
    stage="operation",
    roles=frozenset({"finance"}),
    icon=":material/fact_check:",
))
register(PageSpec(
    key="perfiles-de-lecturas",
    title={"es": "Perfiles de importación de lecturas", "en": "Meter import profiles"},
    section="section_admin",
    target="operational_app.pages.meter_capture:profiles_page",
    kind="admin",
    icon=":material/tune:",
))

# --- billing run (issue 13; operational_app/pages/billing_run.py, docs/billing-run.md) ---
# Finance's "Emisión de facturas": draft, regenerate, exclude, post. A finance page, so
# directors open it too, read-only: the domain lets only finance and admin act.
register(PageSpec(
    key="emision-de-facturas",
    title={"es": "Emisión de facturas", "en": "Billing run"},
    section="section_finance",
    target="operational_app.pages.billing_run:render",
    kind="finance",
    icon=":material/receipt:",
))
