"""Background work of the engagements app: idempotent, safe to run twice."""

from django_tasks import task

from engagements import services


@task()
def engagements_follow_up_deliveries() -> dict:
    """Remind clients of deliveries waiting 7 and 13 days; approve those waiting 14 days.

    At least once: each step is checked again under the engagement's lock (`reminded_*_at`, the delivery's
    status), so a rerun after a worker died repeats nothing.
    """
    return services.deliveries_follow_up()
