"""Parts of other apps' pages that this app renders, registered through their hooks (see apps.py)."""

from __future__ import annotations

from django.template.loader import render_to_string

from projects.selectors import collective_reviews


def collective_reviews_section(collective) -> str:
    """The collective page's "Évaluations des clients": the reviews of its accepted joint quotes."""
    summary = collective_reviews(collective_id=collective.pk)
    return render_to_string("projects/_collective_reviews.html", {"review_summary": summary})
