"""Reads that may go to a PostgreSQL read replica (`DATABASE_REPLICA_URL`), and the router that sends them.

Everything goes to the primary ("default") unless a read-only selector opts in with
`reads_from_replica()`. Even then a read stays on the primary inside a transaction (it must see that
transaction's writes), and whenever the replica is behind by more than `DATABASE_REPLICA_MAX_LAG`
seconds, is not a standby, or can't be reached. The verdict is measured at most once a second per
process; the log says once when the replica is left aside and once when it is back, never per query.

How far behind: the replica has every change the primary had made visible at a moment when the
primary's WAL position was at most the replica's replay position. Each check notes two such positions:
- the insert position (`pg_current_wal_insert_lsn()`) now: with asynchronous commit a transaction is
  visible before its WAL is written, but never before it is inserted;
- the flush position (`pg_current_wal_flush_lsn()`) dated three `wal_writer_delay` earlier: the WAL
  writer flushes an asynchronous commit within that time (PostgreSQL's documented bound), and a
  synchronous one is flushed before it is visible. This note is what dates an idle primary: when its
  WAL ends exactly at a page's end, PostgreSQL reports the insert position past the next page's
  header, where no replica replays to until something else is written.
The lag is the age of the latest note the replica has replayed, or 0 when it has replayed up to the
primary's insert position. `pg_last_xact_replay_timestamp()` alone goes stale on an idle primary
(nothing to replay, yet "minutes behind"); it is only the fallback bound when no note qualifies, since
every change the replica misses was committed after that timestamp.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from marketplace.common.db_outage import DATABASE_ERRORS

logger = logging.getLogger(__name__)

REPLICA = "replica"
CHECK_EVERY_SECONDS = 1.0
# A replica that did not answer is asked again after this long, not at every read: connecting to an
# unreachable host may take the whole connect timeout.
RETRY_DOWN_SECONDS = 5.0

_wanted: ContextVar[bool] = ContextVar("reads_from_replica", default=False)


@contextlib.contextmanager
def reads_from_replica(*, enabled: bool = True):
    """Reads inside (a `with` block or a decorated function) may go to the replica when it is fresh enough."""
    token = _wanted.set(enabled or _wanted.get())
    try:
        yield
    finally:
        _wanted.reset(token)


def is_visitor(viewer) -> bool:
    """Whether a page is read for someone not signed in: a member just wrote and must read their write back."""
    return viewer is not None and not viewer.is_authenticated


def _parse_lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


class _Health:
    """The last verdict about the replica in this process, and the primary's WAL positions noted so far."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.usable = False
        self.state = "unknown"  # unknown, ok, lagging, unreachable, not-standby
        self.checked_at = float("-inf")
        self.lag: float | None = None
        # (monotonic time, primary WAL position): two minutes of notes, two per check at one check a second.
        self.notes: deque[tuple[float, int]] = deque(maxlen=240)

    def verdict(self) -> bool:
        """Whether reads may go to the replica now; measured again once the last verdict is old enough."""
        age = time.monotonic() - self.checked_at
        if age < (CHECK_EVERY_SECONDS if self.state != "unreachable" else RETRY_DOWN_SECONDS):
            return self.usable
        if not self.lock.acquire(blocking=False):
            return self.usable  # Another thread is measuring: use the last verdict meanwhile.
        try:
            self._measure()
        finally:
            self.lock.release()
        return self.usable

    def _measure(self) -> None:
        # The primary first: whatever it had written by now, a replica that replayed as far has it too.
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT pg_current_wal_insert_lsn(), pg_current_wal_flush_lsn(),"
                " (SELECT setting::float / 1000 FROM pg_settings WHERE name = 'wal_writer_delay')"
            )
            insert_lsn, flush_lsn, wal_writer_delay = cursor.fetchone()
        primary_lsn = _parse_lsn(insert_lsn)
        now = time.monotonic()
        self.notes.append((now - 3 * wal_writer_delay, _parse_lsn(flush_lsn)))
        self.notes.append((now, primary_lsn))
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(
                    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(),"
                    " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
                )
                in_recovery, replay_lsn, since_last_replayed = cursor.fetchone()
        except DATABASE_ERRORS as exc:
            self.unreachable(exc)
            return
        bound = settings.DATABASE_REPLICA_MAX_LAG
        if not in_recovery or replay_lsn is None:
            # Promoted, or the primary itself: no lag to measure, and possibly another history.
            self._settle("not-standby", usable=False, lag=None, now=now)
            return
        lag = self._lag(replay=_parse_lsn(replay_lsn), primary=primary_lsn, since_last_replayed=since_last_replayed)
        if lag is not None and lag <= bound:
            self._settle("ok", usable=True, lag=lag, now=now)
        else:
            self._settle("lagging", usable=False, lag=lag, now=now)

    def _lag(self, *, replay: int, primary: int, since_last_replayed) -> float | None:
        if replay >= primary:
            return 0.0
        now = time.monotonic()
        bounds = [now - noted_at for noted_at, lsn in self.notes if lsn <= replay]
        if since_last_replayed is not None:
            bounds.append(float(since_last_replayed))
        return min(bounds) if bounds else None

    def unreachable(self, exc: BaseException) -> None:
        # A broken connection is dropped, not reused: the next check opens a fresh one.
        with contextlib.suppress(*DATABASE_ERRORS):
            connections[REPLICA].close()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self._settle("unreachable", usable=False, lag=None, now=time.monotonic(), reason=reason)

    def _settle(self, state: str, *, usable: bool, lag: float | None, now: float, reason: str = "") -> None:
        previous, self.state, self.usable, self.lag, self.checked_at = self.state, state, usable, lag, now
        if state == previous:
            return
        bound = settings.DATABASE_REPLICA_MAX_LAG
        if state == "ok":
            logger.info("Database replica in use (%.1f s behind the primary).", lag)
        elif state == "lagging":
            shown = "an unknown time" if lag is None else f"{lag:.1f} s"
            logger.warning("Database replica %s behind (bound %s s); reads go to the primary.", shown, bound)
        elif state == "unreachable":
            logger.warning("Database replica unreachable (%s); reads go to the primary.", reason)
        else:
            logger.warning("Database replica is not a standby (promoted?); reads go to the primary.")


_health = _Health()


def forget_replica_health() -> None:
    """Measure the replica again at the next read (after reconfiguring it; tests)."""
    _health.forget()


def replica_configured() -> bool:
    return REPLICA in connections


def replica_alias() -> str:
    """Where a read that opted in goes now: the replica if configured, fresh and reachable, else the primary."""
    if not replica_configured() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if not _health.verdict():
        return DEFAULT_DB_ALIAS
    replica = connections[REPLICA]
    try:
        # Connect now, so a replica that went down since the last check sends this read to the primary
        # instead of failing the page: a kept connection (CONN_MAX_AGE) first passes its once-per-request
        # health check (CONN_HEALTH_CHECKS), which drops it if broken; a new one is opened.
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DATABASE_ERRORS as exc:
        if _health.lock.acquire(blocking=False):  # Else another thread is measuring and will tell.
            try:
                _health.unreachable(exc)
            finally:
                _health.lock.release()
        return DEFAULT_DB_ALIAS
    return REPLICA


def replica_bound(queryset, *, enabled: bool = True):
    """A lazy queryset bound now to the replica when a read may go there, for pages that evaluate it later."""
    if enabled and replica_alias() == REPLICA:
        return queryset.using(REPLICA)
    return queryset


class ReplicaRouter:
    """Installed when `DATABASE_REPLICA_URL` is set: writes and unmarked reads go to the primary."""

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        # Relations of a row read from the replica (prefetches, lazy accesses in templates) follow it,
        # as Django's default routing does, so one page reads one consistent copy. `_state.db` has no public
        # accessor: Django's multiple-databases documentation reads it the same way in its router examples.
        from_replica = instance is not None and instance._state.db == REPLICA
        if _wanted.get() or from_replica:
            return replica_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # Both aliases hold the same data.

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
