"""Background work of the profiles app: each task fetches by id and is safe to run twice."""

from django_tasks import task

from marketplace.logging import bind_request_id
from profiles import privacy


@task()
def build_data_export(*, export_id: int, request_id: str | None = None) -> None:
    """Build one member's data archive (Loi 25 export), logging under the id of the request that asked."""
    with bind_request_id(request_id):
        privacy.data_export_build(export_id=export_id)


@task()
def privacy_purge() -> dict:
    """Erase accounts whose grace period is over, and delete expired export archives."""
    return {
        "accounts_erased": privacy.account_deletions_purge_due(),
        "exports_expired": privacy.data_exports_expire(),
    }


@task()
def send_email_digests() -> int:
    """Send the daily digests that are due."""
    return privacy.email_digests_send()
