"""Checkpointing SQLite's write-ahead log from a thread of its own, off the request path.

By default SQLite checkpoints inside the ``COMMIT`` that takes the log past 1,000 pages,
so whichever request commits then also copies the log into the database file. A send to
10,000 recipients dirties some 20,000 index pages: its commit took 300 ms more than the
writes themselves, 60 % of the send's budget (SPEC §7). As SQLite's documentation
suggests, connections here checkpoint only past a large safety bound
(:data:`SAFETY_PAGES`) and this thread checkpoints every :data:`INTERVAL` seconds.

A PASSIVE checkpoint never blocks readers or the writer; it copies what it can. One thread
per process serves every database opened in it (tests open many), each followed through
a weak reference so a database no longer used is forgotten. Under ``mailroom serve`` the
thread runs in gunicorn's master process (threads do not survive the fork into workers),
which checkpoints the file for all of them.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from pathlib import Path

from peewee import SqliteDatabase

log = logging.getLogger(__name__)

# Seconds between checkpoints.
INTERVAL = 1.0
# A connection still checkpoints in its own commit past this many pages (256 MB of
# 4 KB pages): the bound on the log should this thread fall behind or be stopped.
SAFETY_PAGES = 65_536

_followed: dict[str, weakref.ref] = {}
_lock = threading.Lock()
_thread: threading.Thread | None = None


def follow(database: SqliteDatabase) -> None:
    """Checkpoint ``database``'s log in the background while it is in use.

    In-memory databases have no log and are ignored.
    """
    path = database.database
    if not path or path == ":memory:" or str(path).startswith("file::memory:"):
        return
    global _thread
    with _lock:
        _followed[str(Path(path).resolve())] = weakref.ref(database)
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="sqlite-wal-checkpoint", daemon=True)
            _thread.start()


def checkpoint(path: str) -> tuple[int, int, int]:
    """One PASSIVE checkpoint of the database at ``path``.

    :returns: SQLite's (busy, frames in the log, frames checkpointed).
    """
    # mode=rw: never create the file (a test may have removed it meanwhile).
    connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=0)
    try:
        return connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        connection.close()


def _run() -> None:
    stop = threading.Event()
    while not stop.wait(INTERVAL):
        with _lock:
            followed = list(_followed.items())
        for path, ref in followed:
            if ref() is None or not Path(path).exists():
                with _lock:
                    if _followed.get(path) is ref:
                        del _followed[path]
                continue
            try:
                checkpoint(path)
            except sqlite3.Error as error:  # a locked or vanished file: try next time
                log.debug("checkpoint of %s skipped: %s", path, error)
