"""Which pages exist and who may open them, and who may record what on them
(docs/operational-app.md, "Pages and who sees them" and "Who records what").

An operator sees the entry pages whose transaction types its area is responsible for;
finance sees billing, reconciliation and collections; directors every dashboard and the
KPI targets; analysts the SQL console and dashboards; admin everything plus users.

Duties within a stage are kept apart: each transaction type has its own responsible areas
(the seed dbt_project/seeds/transaction_type_areas.csv, read through
operational_app.domain.reference — one owner, shared with the warehouse). A page declares
the transaction types it records (`PageSpec.transaction_types`); `can_open` lets an
operator (or finance, acting for Finanzas) open an entry page only when its area is
responsible for every one of them, and `may_record` repeats the check on the write path
(forms.EntryForm.save and every other action), against the page being run. The same
checks run when the navigation is built, inside every page, and before every write.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from operational_app.domain import reference

STAGES = ("sales", "formalization", "implementation", "operation", "billing", "renewal")

# The finance role records what the Finanzas area is responsible for, in the billing stage
# only (docs/operational-app.md "Pages and who sees them": finance sees billing, reconciliation and collections).
FINANCE_AREA = "finanzas"
FINANCE_STAGE = "billing"


def area_stages() -> dict[str, frozenset[str]]:
    """area → its stages (seed operator_areas: the stage table read per area)."""
    return reference.area_stages()


def area_transaction_types(area: str | None) -> frozenset[str]:
    """The transaction types an operator area is responsible for recording."""
    return frozenset(tt for tt, areas in reference.transaction_type_areas().items()
                     if area in areas)


@dataclass(frozen=True)
class PageSpec:
    key: str  # url path, unique
    title: dict[str, str]  # {"es": ..., "en": ...}
    section: str  # a stage code (entry pages) or a section key of i18n
    target: str  # "module:function" drawing the page
    kind: str = "dashboard"  # entry | dashboard | finance | directors | analysis | admin
    stage: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)  # extra roles allowed
    icon: str | None = None
    # The transaction types (seed transaction_types) the page records — its duties. Every
    # entry page of a stage declares them; a finance page that writes declares them too.
    transaction_types: frozenset[str] = field(default_factory=frozenset)


def _responsible(area: str | None, page: PageSpec) -> bool:
    """The area is responsible for every transaction type the page records."""
    return bool(page.transaction_types) and page.transaction_types <= area_transaction_types(area)


def can_open(role: str, area: str | None, page: PageSpec) -> bool:
    if role == "admin":
        return True
    if page.kind == "admin":
        return False
    if role in page.roles:
        return True
    if role == "operator":
        return page.kind == "entry" and _responsible(area, page)
    if role == "director":
        return page.kind in {"dashboard", "finance", "directors"}
    if role == "finance":
        if page.kind == "entry":
            return page.stage == FINANCE_STAGE and _responsible(FINANCE_AREA, page)
        return page.kind == "finance" and (not page.transaction_types
                                           or _responsible(FINANCE_AREA, page))
    if role == "analyst":
        return page.kind in {"dashboard", "analysis"}
    return False


def may_record(role: str, area: str | None, page: PageSpec | None) -> bool:
    """May this user write through `page` (the page being run)? The write path's check.

    No page (a write outside the page runner) is refused. A page that records no
    transaction type (KPI targets, the import page, whose files are checked one by one)
    leaves the decision to `can_open` and the domain layer. Otherwise only the areas
    responsible for every type the page records — finance acting for Finanzas — the roles
    the page names explicitly (e.g. finance reviewing held readings, a control over what
    Operación captured), and admin.
    """
    if page is None or not can_open(role, area, page):
        return False
    if role == "admin" or not page.transaction_types or role in page.roles:
        return True
    if role == "operator":
        return _responsible(area, page)
    if role == "finance":
        return _responsible(FINANCE_AREA, page)
    return False  # directors and analysts read; they record no stage transaction


_RUNNING: ContextVar[PageSpec | None] = ContextVar("seiton_running_page", default=None)


@contextmanager
def running(page: PageSpec) -> Iterator[None]:
    """Mark `page` as the page being run (main's page runner), for the write path's check."""
    token = _RUNNING.set(page)
    try:
        yield
    finally:
        _RUNNING.reset(token)


def running_page() -> PageSpec | None:
    return _RUNNING.get()


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
    # not just "Cobranza": the entry page of collection actions sits in the same menus
    title={"es": "Cartera y cobranza", "en": "Receivables and collections"},
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

# The directors' monthly pack (dashboards/pages/monthly_pack.py, docs/kpis.md "Monthly
# pack"): the month's stage health, status changes, red KPIs' heaviest records; and its PDF.
register(PageSpec(
    key="informe-mensual",
    title={"es": "Informe mensual de dirección", "en": "Directors' monthly pack"},
    section="section_dashboards",
    target="dashboards.pages.monthly_pack:render",
    kind="dashboard",
    icon=":material/summarize:",
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
    transaction_types=frozenset({"invoices"}),
))
register(PageSpec(
    key="datos-fiscales",
    title={"es": "Datos fiscales", "en": "Fiscal data"},
    section="section_admin",
    target="operational_app.pages.cfdi:render_fiscal",
    kind="admin",
    icon=":material/account_balance:",
))
# Meter capture (operational_app/pages/meter_capture.py; operational_app/meter_capture/): the review of
# held readings and the missing-reads list — readings are Operación's, so its operators see
# it, plus finance (named: reviewing is a control over what Operación captured, a duty apart
# from capturing) and admin — and the import profiles (admin).
register(PageSpec(
    key="revision-de-lecturas",
    title={"es": "Revisión de lecturas", "en": "Meter-read review"},
    section="billing",
    target="operational_app.pages.meter_capture:review_page",
    kind="entry",
    stage="billing",
    roles=frozenset({"finance"}),
    icon=":material/fact_check:",
    transaction_types=frozenset({"meter_readings"}),
))
register(PageSpec(
    key="perfiles-de-lecturas",
    title={"es": "Perfiles de importación de lecturas", "en": "Meter import profiles"},
    section="section_admin",
    target="operational_app.pages.meter_capture:profiles_page",
    kind="admin",
    icon=":material/tune:",
    transaction_types=frozenset({"meter_readings"}),
))

# KPI targets (operational_app/pages/kpi_targets.py, docs/kpis.md "Targets"): directors and
# admin change a KPI's target and amber threshold from a month on, with the reason.
register(PageSpec(
    key="metas-de-kpi",
    title={"es": "Metas de KPI", "en": "KPI targets"},
    section="section_directors",
    target="operational_app.pages.kpi_targets:render",
    kind="directors",
    icon=":material/flag_circle:",
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
    transaction_types=frozenset({"invoice_drafts", "invoices", "credit_notes",
                                 "billing_exclusions"}),
))
