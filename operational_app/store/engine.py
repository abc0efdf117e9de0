"""Engines and sessions for the operational DB (SQLite by default, PostgreSQL by URL).

SQLite: WAL so readers never block the writer, `busy_timeout` so writers queue instead of
failing, `synchronous=FULL` because financial entry must survive power loss, foreign keys
on, and `BEGIN IMMEDIATE` for write transactions so two writers never deadlock upgrading a
read lock (docs/stack.md). Reads use a separate engine with deferred transactions.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from seiton.config import load_settings

BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN itself
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _begin_immediate(conn) -> None:
    """BEGIN IMMEDIATE, queueing fairly for SQLite's single write lock.

    SQLite's own busy handler polls in growing steps of up to 100 ms, so a writer that has
    waited a while keeps losing the lock to newcomers that poll every few ms: with 8 busy
    writers one transaction waited 21 s of the 30 s timeout (docs/reliability.md,
    concurrent entry). Here every waiter retries in short random steps, so no one starves;
    the total wait is still bounded by BUSY_TIMEOUT_MS, then the error is SQLAlchemy's as
    before ("database is locked"). Nothing has happened in the transaction yet, so retrying
    the BEGIN is always safe.
    """
    dbapi = conn.connection.dbapi_connection
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    dbapi.execute("PRAGMA busy_timeout=0")
    try:
        while time.monotonic() < deadline:
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
            time.sleep(random.uniform(0.0005, 0.004))
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # one last try, raising SQLAlchemy's error
    finally:
        dbapi.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@lru_cache(maxsize=16)
def get_engine(url: str | None = None, *, write: bool = True) -> Engine:
    url = url or load_settings().operational_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        if write:
            event.listen(engine, "begin", _begin_immediate)
        else:
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sessionmaker(url: str | None, write: bool) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url, write=write), expire_on_commit=False)


@contextmanager
def write_session(url: str | None = None) -> Iterator[Session]:
    """One write transaction: commits on success, rolls back everything on any error.

    A committed transaction on the configured operational DB asks for a warehouse refresh
    (seiton/warehouse/freshness.py), so an entry reaches the dashboards soon after."""
    session = _sessionmaker(url, True)()
    try:
        with session.begin():
            yield session
    finally:
        session.close()
    _after_commit(url)


def _after_commit(url: str | None) -> None:
    from seiton.warehouse.freshness import request_refresh

    settings = load_settings()
    if url is None or url == settings.operational_url:
        request_refresh(settings.home)


@contextmanager
def read_session(url: str | None = None) -> Iterator[Session]:
    session = _sessionmaker(url, False)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def dispose_engines() -> None:
    """Forget cached engines (tests switch databases; forked processes need their own)."""
    for write in (True, False):
        try:
            get_engine(write=write).dispose()
        except Exception:  # noqa: BLE001 - best effort on shutdown
            pass
    get_engine.cache_clear()
