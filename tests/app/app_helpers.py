"""Helpers for the app tests: users per role, a small business to act on, and driving the
real app (seiton/webapp/main.py) with AppTest.

Navigating: the app's pages are callables registered by `st.navigation` under a url_path,
and `AppTest.switch_page()` only resolves *file* pages. A callable page's script hash is
`calc_hash(url_path)` (streamlit/navigation/page.py), which is exactly what a browser
request for `/<url_path>` resolves to; `goto()` requests that hash for the next run. A hash
the navigation does not list falls back to the default page after a "page not found".
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from seiton.config import PROJECT_ROOT

MAIN = PROJECT_ROOT / "seiton" / "webapp" / "main.py"
PASSWORD = "clave-de-prueba-123"

# username → (role, area)
USERS: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", None),
    "comercial": ("operator", "comercial"),
    "operacion": ("operator", "operacion"),
    "administracion": ("operator", "administracion"),
    "finanzas": ("operator", "finanzas"),
    "finance": ("finance", None),
    "director": ("director", None),
    "analyst": ("analyst", None),
}
AREAS = ("comercial", "operacion", "administracion", "finanzas")


def seed_business(actor: str = "admin") -> None:
    """A small, coherent business every page can act on (through the domain layer)."""
    from operational_app.domain import billing, formalization, implementation, operation, sales
    from operational_app.store.engine import write_session

    steps = formalization.REQUIRED_STEPS
    with write_session() as s:
        sales.create_account(s, actor, account_code="ACME-001", name="Acme SA de CV",
                             tax_rate="0.16", tax_id="ACM010101AB1", segment="corporativo",
                             region="centro")
        sales.create_account(s, actor, account_code="BETA-002", name="Beta Servicios",
                             tax_rate="0.16")
        sales.create_opportunity(s, actor, opportunity_code="OP-001", account_code="ACME-001",
                                 owner="comercial", estimated_amount="120000.00",
                                 created_on="2025-01-02")
        sales.change_opportunity_stage(s, actor, opportunity_code="OP-001", to_stage="won",
                                       changed_on="2025-01-03")
        sales.create_opportunity(s, actor, opportunity_code="OP-002", account_code="BETA-002",
                                 owner="comercial", estimated_amount="50000.00",
                                 created_on="2025-02-01")
        sales.create_proposal(s, actor, proposal_code="PR-001", opportunity_code="OP-002",
                              proposed_on="2025-02-05", price="50000.00", cost="30000.00",
                              status="draft")
        # C-001: active, with a device, a reading, a ticket, a visit, a request, an invoice
        formalization.create_contract(s, actor, contract_number="C-001",
                                      account_code="ACME-001", start_date="2025-01-01",
                                      end_date="2027-12-31", currency="MXN",
                                      payment_terms_days=30, opportunity_code="OP-001")
        formalization.add_price_plan(s, actor, contract_number="C-001",
                                     effective_from="2025-01-01", fixed_monthly_fee="5000.00",
                                     included_mono_pages=10000, included_color_pages=1000,
                                     mono_rate="0.25", color_rate="1.50")
        for step in steps:
            formalization.decide_formalization_step(s, actor, contract_number="C-001",
                                                    step=step, decision="approved",
                                                    decided_on="2025-01-04")
        formalization.activate_contract(s, actor, contract_number="C-001",
                                        activated_on="2025-01-05")
        # C-002: pending formalization (BETA, no steps yet, a plan so it can be activated)
        formalization.create_contract(s, actor, contract_number="C-002",
                                      account_code="BETA-002", start_date="2025-03-01",
                                      end_date="2028-02-29", currency="MXN",
                                      payment_terms_days=15)
        formalization.add_price_plan(s, actor, contract_number="C-002",
                                     effective_from="2025-03-01", fixed_monthly_fee="2000.00",
                                     included_mono_pages=5000, included_color_pages=0,
                                     mono_rate="0.30", color_rate="0")
        implementation.install_device(s, actor, serial="SN-001", contract_number="C-001",
                                      installed_on="2025-01-10", install_mono_counter=1000,
                                      install_color_counter=500, model="MX-5000",
                                      is_color=True)
        implementation.install_device(s, actor, serial="SN-002", contract_number="C-001",
                                      installed_on="2025-01-10", install_mono_counter=0,
                                      install_color_counter=0, model="MX-3000")
        billing.record_meter_reading(s, actor, serial="SN-001", read_on="2025-02-01",
                                     mono_counter=2000, color_counter=800)
        operation.open_ticket(s, actor, ticket_number="T-001", contract_number="C-001",
                              ticket_type="corrective", opened_at="2025-02-03T10:00",
                              serial="SN-001")
        operation.schedule_visit(s, actor, visit_code="V-001", serial="SN-001",
                                 due_on="2025-04-01")
        operation.request_consumable(s, actor, request_number="R-001", serial="SN-001",
                                     item="Tóner negro", quantity=2,
                                     requested_at="2025-02-10T09:00")
        billing.issue_invoice(s, actor, invoice_number="F-001", contract_number="C-001",
                              period_start="2025-02-01", issued_on="2025-03-01",
                              due_on="2025-03-31", subtotal="1000.00", tax_amount="160.00",
                              total="1160.00", currency="MXN")
        billing.record_payment(s, actor, payment_number="P-001", account_code="ACME-001",
                               received_on="2025-03-15", amount="500.00", currency="MXN")


def login(username: str) -> AppTest:
    """The app, signed in as `username` (the session the login form would leave)."""
    from seiton.webapp.auth import CurrentUser

    role, area = USERS[username]
    at = AppTest.from_file(str(MAIN), default_timeout=60)
    at.session_state["user"] = CurrentUser(username, username.title(), role, area)
    at.session_state["last_seen"] = time.time()
    at.run()
    assert not at.exception, at.exception
    return at


def goto(at: AppTest, url_path: str) -> AppTest:
    """Open the page registered under `url_path`, as a browser request for /url_path does."""
    at._page_hash = calc_hash(url_path)  # noqa: SLF001 - see the module docstring
    at.session_state["last_seen"] = time.time()
    at.run()
    at._page_hash = ""  # noqa: SLF001 - later runs stay on the page the run finished on
    return at


def nav_paths(at: AppTest, candidates: Iterable[str]) -> set[str]:
    """Which of the `candidates` url paths the navigation registered in the last run (what
    the user can open). Matched by script hash, `calc_hash(url_path)`: the default page is
    registered with an empty url_pathname (it is served at /)."""
    registered = set(at._registered_pages)  # noqa: SLF001
    return {key for key in candidates if calc_hash(key) in registered}


def row_counts() -> dict[str, int]:
    """Rows in every operational table: the "nothing was written" check."""
    from sqlalchemy import func, select

    from operational_app.store.engine import read_session
    from operational_app.store.models import Base

    with read_session() as s:
        return {name: s.scalar(select(func.count()).select_from(table))
                for name, table in Base.metadata.tables.items()}


def errors_text(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def success_text(at: AppTest) -> str:
    return "\n".join(e.value for e in at.success)


def unescape(text: str) -> str:
    """Markdown-escaped text as the user reads it."""
    import re

    return re.sub(r"\\(.)", r"\1", text)
