"""The operational app's entry pages: one module per value-chain stage, plus the CSV import.

`ENTRY_PAGES` lists their PageSpecs; `register_entry_pages()` adds them to
`seiton.webapp.registry.PAGES` once (main.py calls it on every run; it is idempotent). Who
may open each page is decided by `registry.can_open` alone (docs/operational-app.md).
"""

from __future__ import annotations

from seiton.webapp import registry
from seiton.webapp.i18n import register
from seiton.webapp.registry import PageSpec

register({"section_import": {"es": "Importación", "en": "Import"}})


def _entry(key: str, es: str, en: str, stage: str, func: str, icon: str) -> PageSpec:
    return PageSpec(key=key, title={"es": es, "en": en}, section=stage,
                    target=f"operational_app.pages.{stage}:{func}", kind="entry", stage=stage,
                    icon=icon)


ENTRY_PAGES: list[PageSpec] = [
    _entry("ventas-cuentas", "Cuentas", "Accounts", "sales", "accounts_page",
           ":material/domain:"),
    _entry("ventas-oportunidades", "Oportunidades", "Opportunities", "sales",
           "opportunities_page", ":material/trending_up:"),
    _entry("ventas-propuestas", "Propuestas", "Proposals", "sales", "proposals_page",
           ":material/request_quote:"),
    _entry("formalizacion-contratos", "Contratos y precios", "Contracts and prices",
           "formalization", "contracts_page", ":material/contract:"),
    _entry("formalizacion-aprobaciones", "Aprobaciones y activación",
           "Approvals and activation", "formalization", "approvals_page",
           ":material/task_alt:"),
    _entry("implementacion-planes", "Planes e hitos", "Plans and milestones",
           "implementation", "plans_page", ":material/flag:"),
    _entry("implementacion-equipos", "Instalación y retiro de equipos",
           "Device installs and removals", "implementation", "devices_page",
           ":material/print:"),
    _entry("operacion-tickets", "Tickets de servicio", "Service tickets", "operation",
           "tickets_page", ":material/support_agent:"),
    _entry("operacion-mantenimiento", "Mantenimiento preventivo", "Preventive maintenance",
           "operation", "maintenance_page", ":material/build:"),
    _entry("operacion-consumibles", "Consumibles", "Consumables", "operation",
           "consumables_page", ":material/inventory_2:"),
    _entry("operacion-monitoreo", "Monitoreo de equipos", "Device monitoring", "operation",
           "monitoring_page", ":material/monitor_heart:"),
    _entry("facturacion-lecturas", "Lecturas de contadores", "Meter readings", "billing",
           "readings_page", ":material/speed:"),
    _entry("facturacion-facturas", "Facturas y notas de crédito", "Invoices and credit notes",
           "billing", "invoices_page", ":material/receipt_long:"),
    _entry("facturacion-pagos", "Pagos, aplicación y reversos",
           "Payments, applications and reversals", "billing", "payments_page",
           ":material/payments:"),
    _entry("facturacion-cobranza", "Cobranza", "Collections", "billing", "collections_page",
           ":material/call:"),
    _entry("renovacion-contratos", "Revisión, renovación y cierre",
           "Review, renewal and closure", "renewal", "renewal_page", ":material/autorenew:"),
    # The import page checks, file by file, that the user's stages cover the file's stage
    # (import_page.FILE_STAGES); the page itself is open to every operator and to finance.
    PageSpec(key="importacion", title={"es": "Importar archivos CSV", "en": "Import CSV files"},
             section="section_import", target="operational_app.pages.import_page:render",
             kind="entry", stage=None, roles=frozenset({"operator", "finance"}),
             icon=":material/upload_file:"),
]


def register_entry_pages() -> None:
    """Add the entry pages to the registry (once; later calls change nothing)."""
    known = {p.key for p in registry.PAGES}
    for page in ENTRY_PAGES:
        if page.key not in known:
            registry.register(page)


register_entry_pages()
