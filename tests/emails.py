"""Reading the e-mails the site sent (Django's locmem outbox, also under the live test server)."""

import re

from django.core import mail

CONFIRMATION_LINK_RE = re.compile(r"https?://[^/\s]+(/comptes/confirm-email/[^/\s]+/)")


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def confirmation_path(address: str) -> str:
    """The path of the e-mail confirmation link in the last message sent to `address`."""
    [*_earlier, message] = sent_to(address)
    match = CONFIRMATION_LINK_RE.search(message.body)
    assert match, message.body
    return match.group(1)
