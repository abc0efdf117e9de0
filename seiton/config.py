"""Configuration from the environment (a `.env` file may set it); see docs/configuration.md.

Every path the system writes lives under SEITON_HOME so one folder is the whole state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
BUSINESS_TZ = "America/Mexico_City"


@dataclass(frozen=True)
class Settings:
    home: Path
    operational_url: str
    build_warehouse: Path
    published_warehouse: Path
    refresh_minutes: float
    demo_mode: bool

    @property
    def pipelines_dir(self) -> Path:
        return self.home / "dlt_pipelines"

    @property
    def refresh_lock(self) -> Path:
        return self.home / "refresh.lock"

    @property
    def refresh_status(self) -> Path:
        return self.home / "refresh_status.json"

    @property
    def is_sqlite(self) -> bool:
        return self.operational_url.startswith("sqlite")


def load_settings() -> Settings:
    """Read settings fresh each call: tests and the CLI change the environment between runs."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    home = Path(os.environ.get("SEITON_HOME") or PROJECT_ROOT / "data").resolve()
    url = os.environ.get("SEITON_OPERATIONAL_URL") or f"sqlite:///{home / 'operational.db'}"
    build = Path(os.environ.get("SEITON_WAREHOUSE") or home / "warehouse.duckdb").resolve()
    published = build.with_name(f"{build.stem}.published{build.suffix or '.duckdb'}")
    return Settings(
        home=home,
        operational_url=url,
        build_warehouse=build,
        published_warehouse=published,
        refresh_minutes=float(os.environ.get("SEITON_REFRESH_MINUTES", "5")),
        demo_mode=os.environ.get("SEITON_DEMO_MODE", "").lower() in {"1", "true", "yes"},
    )
