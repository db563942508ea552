"""E-mail backends for the tests (there is no mail relay here): they record what the sender was doing.

- `RecordingBackend` (in the test process) records, for each message, whether the sending database
  connection was inside a transaction, and runs the test's `probe` on another connection while the
  message is "on the wire" (slowly, `delay` seconds), to see which rows the sender still holds.
- `FileRecordingBackend` (in a worker process) appends each message to the file TEST_MAIL_RECORD as
  it reaches the "relay", then takes TEST_MAIL_DELAY seconds to answer: a slow relay to kill a worker in.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections, transaction


@dataclass
class SentEmail:
    to: list[str]
    subject: str
    body: str
    in_transaction: bool
    probe: object


class RecordingBackend(BaseEmailBackend):
    sent: list[SentEmail] = []
    probe: Callable[[], object] | None = None
    delay = 0.0
    fail = False

    @classmethod
    def reset(cls, *, probe=None, delay=0.0, fail=False) -> None:
        cls.sent = []
        cls.probe = probe
        cls.delay = delay
        cls.fail = fail

    def send_messages(self, email_messages):
        cls = type(self)
        if cls.fail:
            raise ConnectionRefusedError("The test relay refuses every message.")
        for message in email_messages:
            in_transaction = transaction.get_connection().in_atomic_block
            probed = _on_another_connection(cls.probe) if cls.probe else None
            time.sleep(cls.delay)
            cls.sent.append(SentEmail(message.to, message.subject, message.body, in_transaction, probed))
        return len(email_messages)


def _on_another_connection(probe: Callable[[], object]) -> object:
    outcome: list[object] = []

    def run():
        try:
            outcome.append(probe())
        except Exception as exc:  # Reported to the test, which asserts on it.
            outcome.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome[0] if outcome else TimeoutError("The probe never finished.")


class FileRecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            line = json.dumps({"to": message.to, "subject": message.subject, "pid": os.getpid()})
            with open(os.environ["TEST_MAIL_RECORD"], "a", encoding="utf-8") as record:
                record.write(line + "\n")
            time.sleep(float(os.environ.get("TEST_MAIL_DELAY", "0")))
        return len(email_messages)
