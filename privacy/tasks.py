"""Background work of the privacy app: each task fetches by id and is safe to run twice.

A task whose worker died is run again (marketplace/common/task_worker.py): the archive and the purge are
repeated until done (at least once, each step checks the state it moves under a lock); the e-mails
are claimed before they leave, so they go at most once (marketplace/common/mailer.py).
"""

from django_tasks import task

from marketplace.common.logging import bind_request_id
from privacy import services


@task()
def build_data_export(*, export_id: int, request_id: str | None = None) -> None:
    """Build one member's data archive (Loi 25 export), logging under the id of the request that asked.

    At least once: run again, it finds the export ready (or keeps the first archive built); its
    "archive ready" e-mail at most once.
    """
    with bind_request_id(request_id):
        services.data_export_build(export_id=export_id)


@task()
def privacy_purge() -> dict:
    """Erase accounts whose grace period is over, and delete expired export archives (at least once)."""
    return {
        "accounts_erased": services.account_deletions_purge_due(),
        "exports_expired": services.data_exports_expire(),
    }
