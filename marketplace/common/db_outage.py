"""Long-running processes (the task worker, the search outbox drain) ride out a database outage.

Without this, the first OperationalError of a restarted or unreachable PostgreSQL ended them and no
e-mail left and nothing was indexed until someone restarted them. Now they wait with backoff and
carry on; the log says it once when the database goes and once when it is back, never a traceback
per try (a 10 s outage used to be the end of the process, a long one must not flood the log).
"""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connection, connections

# What a database that went away raises: refused or dropped connections, "terminating connection due
# to administrator command", a server starting up. Errors in our own SQL are none of these.
DATABASE_ERRORS = (OperationalError, InterfaceError)

MAX_DELAY_SECONDS = 5.0


def database_wait(*, error: BaseException, log: logging.Logger) -> None:
    """Block until the default database answers again, retrying with backoff; one log line each way."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    log.warning("Database unavailable (%s); waiting for it to come back.", reason)
    started = time.monotonic()
    delay = 0.5
    while True:
        # Broken connections are dropped, not reused: the next query opens a fresh one.
        connections.close_all()
        time.sleep(delay)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DATABASE_ERRORS:
            delay = min(delay * 2, MAX_DELAY_SECONDS)
            continue
        log.warning("Database back after %.0f s; carrying on.", time.monotonic() - started)
        return
