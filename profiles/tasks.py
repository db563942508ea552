"""Background work of the profiles app: safe to run twice.

A task whose worker died is run again (marketplace/common/task_worker.py); the e-mails are claimed before
they leave, so they go at most once (marketplace/common/mailer.py).
"""

from django_tasks import task

from profiles import email_preferences


@task()
def send_email_digests() -> int:
    """Send the daily digests that are due (each at most once: a rerun skips the notifications it claimed)."""
    return email_preferences.email_digests_send()
