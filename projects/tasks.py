"""Background work of the projects app: idempotent, safe to run twice."""

from django_tasks import task

from projects import services


@task()
def projects_follow_up_overdue() -> dict:
    """Remind owners of projects past their closing date, then close the ones still undecided.

    At least once: run again after its worker died, each project's reminder and closing are checked
    under the project's lock (`reminder_sent_at`, `status`), so none is repeated.
    """
    return {
        "reminded": services.project_send_decision_reminders(),
        "closed": services.project_close_overdue(),
    }


@task()
def projects_publish_due_reviews() -> dict:
    """Publish the blind reviews of projects completed 14 days ago or more with only one side written.

    At least once: each project is checked again under its lock (`published_at`), so nothing is told twice.
    """
    return {"published": services.reviews_publish_due()}
