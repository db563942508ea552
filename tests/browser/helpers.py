"""Helpers for the browser tests: data built beside Playwright's event loop, and signed-in sessions."""

from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from tests.messaging.helpers import session_cookie_for

__all__ = ["off_the_browser_thread", "session_cookie_for"]


def off_the_browser_thread(func, **kwargs):
    """Call `func` from a plain thread: Playwright's loop runs on this one, and the services' pushes use
    async_to_sync, which refuses to run beside a running loop."""

    def run():
        try:
            return func(**kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
