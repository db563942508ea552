"""A test-only task for the worker tests: visible work that touches no table."""

from django_tasks import task


@task()
def write_line(*, path: str, text: str) -> None:
    """Append `text` to the file at `path` (at least once: a rerun appends it again)."""
    with open(path, "a", encoding="utf-8") as out:
        out.write(text + "\n")
