"""The operational app's entry pages: one module per value-chain stage, plus the CSV import.

`ENTRY_PAGES` lists their PageSpecs; `register_entry_pages()` adds them to
`seiton.webapp.registry.PAGES` once (main.py calls it on every run; it is idempotent). Each
page declares the transaction types it records; who may open it is decided by
`registry.can_open` alone, and who may write through it by `registry.may_record`, from the
areas responsible for those types (docs/operational-app.md, "Who records what").
"""

from __future__ import annotations

from seiton.webapp import registry
from seiton.webapp.i18n import register
from seiton.webapp.registry import PageSpec

register({"section_import": {"es": "Importación", "en": "Import"}})


def _entry(key: str, es: str, en: str, stage: str, func: str, icon: str,
           types: tuple[str, ...]) -> PageSpec:
    return PageSpec(key=key, title={"es": es, "en": en}, section=stage,
                    target=f"operational_app.pages.{stage}:{func}", kind="entry", stage=stage,
                    icon=icon, transaction_types=frozenset(types))


ENTRY_PAGES: list[PageSpec] = [
    _entry("ventas-cuentas", "Cuentas", "Accounts", "sales", "accounts_page",
           ":material/domain:",
           ("accounts",)),
    _entry("ventas-oportunidades", "Oportunidades", "Opportunities", "sales",
           "opportunities_page", ":material/trending_up:",
           ("opportunities", "opportunity_stage_changes")),
    _entry("ventas-propuestas", "Propuestas", "Proposals", "sales", "proposals_page",
           ":material/request_quote:",
           ("proposals", "proposal_lines")),
    _entry("formalizacion-contratos", "Contratos y precios", "Contracts and prices",
           "formalization", "contracts_page", ":material/contract:",
           ("contracts", "price_plans", "price_tiers", "sla_terms")),
    _entry("formalizacion-aprobaciones", "Aprobaciones y activación",
           "Approvals and activation", "formalization", "approvals_page",
           ":material/task_alt:",
           ("formalization_steps", "contracts")),
    _entry("implementacion-planes", "Planes e hitos", "Plans and milestones",
           "implementation", "plans_page", ":material/flag:",
           ("implementation_plans", "implementation_milestones")),
    _entry("implementacion-equipos", "Instalación y retiro de equipos",
           "Device installs and removals", "implementation", "devices_page",
           ":material/print:",
           ("devices",)),
    _entry("operacion-tickets", "Tickets de servicio", "Service tickets", "operation",
           "tickets_page", ":material/support_agent:",
           ("tickets", "ticket_pauses")),
    _entry("operacion-mantenimiento", "Mantenimiento preventivo", "Preventive maintenance",
           "operation", "maintenance_page", ":material/build:",
           ("maintenance_plans", "maintenance_visits")),
    _entry("operacion-consumibles", "Consumibles", "Consumables", "operation",
           "consumables_page", ":material/inventory_2:",
           ("consumable_requests",)),
    _entry("operacion-monitoreo", "Monitoreo de equipos", "Device monitoring", "operation",
           "monitoring_page", ":material/monitor_heart:",
           ("device_events",)),
    _entry("facturacion-lecturas", "Lecturas de contadores", "Meter readings", "billing",
           "readings_page", ":material/speed:",
           ("meter_readings",)),
    _entry("facturacion-facturas", "Facturas y notas de crédito", "Invoices and credit notes",
           "billing", "invoices_page", ":material/receipt_long:",
           ("invoices", "credit_notes")),
    _entry("facturacion-pagos", "Pagos, aplicación y reversos",
           "Payments, applications and reversals", "billing", "payments_page",
           ":material/payments:",
           ("payments", "payment_applications", "payment_reversals")),
    _entry("facturacion-cobranza", "Acciones de cobranza", "Collection actions", "billing",
           "collections_page",
           ":material/call:",
           ("collection_actions",)),
    _entry("renovacion-contratos", "Revisión, renovación y cierre",
           "Review, renewal and closure", "renewal", "renewal_page", ":material/autorenew:",
           ("contract_reviews", "renewals", "amendments", "closures")),
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
