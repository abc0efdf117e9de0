"""Alembic environment: the URL comes from the caller (seiton init) or SEITON_OPERATIONAL_URL."""

from alembic import context
from sqlalchemy import create_engine

from operational_app.store.models import Base
from seiton.config import load_settings

config = context.config
url = config.get_main_option("sqlalchemy.url") or load_settings().operational_url


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
