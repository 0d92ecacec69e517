"""Database engines: SQLite by default (WAL, ``synchronous=FULL``); PostgreSQL given a URL.

Reads and writes are told apart, so the database's one write lock (SQLite has one per file)
never stalls a read or a login:

- Code run for a web request reads in *read* transactions (``read_only()``, set for every
  request by the API): on SQLite a plain deferred ``BEGIN``, which in WAL mode neither takes
  nor waits for the write lock.
- A change is made inside ``writing(session)``: the read transaction ends, and the next one
  begins as a write transaction. On SQLite that is ``BEGIN IMMEDIATE`` after taking this
  process's write lock, so the server's threads queue on a lock in memory (in order, no
  polling) and hold it only for the few milliseconds of their statements; the worker
  process, which writes from outside, meets them at SQLite's busy timeout. On PostgreSQL,
  which locks rows, not the database, a request's read transaction simply goes on as its
  write transaction (one connection, one BEGIN and one COMMIT per request).
- Outside a request (the worker, the command line, tests) every transaction is a write
  transaction, as before.

Connection pools are sized to the server's thread pool (40 threads), so a burst of requests
waits for the lock, never for a connection.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import Busy

_WRITE: ContextVar[bool] = ContextVar("assistant_db_write", default=True)
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
LOCK_WAIT_S = 30.0  # a writer waits this long for the lock, then gets 503 (try again)
POOL_SIZE = 48  # at least the server's thread pool (anyio: 40), plus the job runner


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir).resolve() / 'assistant.db'}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@contextmanager
def read_only() -> Iterator[None]:
    """Transactions begun in this block are read transactions (see the module docstring)."""
    token = _WRITE.set(False)
    try:
        yield
    finally:
        _WRITE.reset(token)


def is_read_only() -> bool:
    return not _WRITE.get()


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """Make changes in a short write transaction of their own.

    Ends the session's current transaction (a read: nothing to keep but its objects, which
    stay loaded), runs the block in a write transaction, and commits it at the end if the
    block did not (rolls back on an error), so the write lock is never held past the block.

    On PostgreSQL, inside a request, the read transaction simply goes on as the write one:
    rows are locked one by one there, so a read transaction holds nothing a writer waits for,
    and ending it would only cost a COMMIT, a new connection from the pool (and its ping)
    and a BEGIN, four round trips on every change. (A request makes its changes only in
    these blocks, so the read part has nothing of its own to commit.)
    """
    if session.in_transaction() and not (is_read_only() and _row_locking(session)):
        session.commit()
    token = _WRITE.set(True)
    try:
        yield session
        if session.in_transaction():
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _WRITE.reset(token)


def _row_locking(session: Session) -> bool:
    """Whether the session's database locks rows (PostgreSQL), not the whole file (SQLite)."""
    return session.get_bind().dialect.name != "sqlite"


def make_engine(url: str) -> Engine:
    """An engine with the settings that keep acknowledged writes on disk.

    SQLite: every connection gets WAL, ``synchronous=FULL`` (a committed transaction survives
    a power cut, not only a crash), foreign keys and a 30 s busy timeout; write transactions
    start with ``BEGIN IMMEDIATE`` (after this process's write lock), so two writers (the
    server, the worker process) queue for the lock instead of failing with "database is
    locked" when a read turns into a write.
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=POOL_SIZE,
            max_overflow=16,
            pool_timeout=30,
        )
        _sqlite_events(engine, _lock_for(str(Path(path).resolve()) if path else url))
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=16, pool_timeout=30
    )


def _lock_for(key: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def _sqlite_events(engine: Engine, lock: threading.Lock) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    def _release(info: dict[Any, Any]) -> None:
        if info.pop("holds_write_lock", False):
            lock.release()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not _WRITE.get():
            conn.exec_driver_sql("BEGIN")
            return
        if not lock.acquire(timeout=LOCK_WAIT_S):
            raise Busy("The database is busy. Try again in a moment.")
        conn.info["holds_write_lock"] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    def _end(conn: Any, verb: str) -> None:
        # SQLAlchemy fires these before it ends the transaction itself; end it here, so the
        # lock is let go only once the COMMIT (and its fsync) is done.
        if not conn.info.get("holds_write_lock"):
            return
        try:
            driver = conn.connection.driver_connection
            if driver is not None and driver.in_transaction:
                driver.execute(verb)
        finally:
            _release(conn.info)

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Any) -> None:
        _end(conn, "COMMIT")

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Any) -> None:
        _end(conn, "ROLLBACK")

    # Safety nets: a connection that goes back to the pool, or is thrown away, lets go.
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            _release(record.info)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_conn: Any, record: Any, _exc: Any) -> None:
        if record is not None:
            _release(record.info)


def session_factory(engine: Engine, info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``info`` is given to each (e.g. the audit key)."""
    return sessionmaker(engine, expire_on_commit=False, info=info)


def ping(session: Session) -> None:
    """Raises when the database does not answer."""
    session.execute(text("SELECT 1"))
