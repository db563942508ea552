"""The one rule for showing what members write: plain text, escaped, with links made clickable."""

from __future__ import annotations

from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe


def plain_text_html(body: str) -> SafeString:
    """Plain text with links made clickable; everything else escaped (chat messages, bulletin posts)."""
    html = urlize(body, nofollow=True, autoescape=True)
    html = html.replace("<a ", '<a target="_blank" rel="noopener noreferrer nofollow" ').replace(' rel="nofollow"', "")
    # urlize escaped the text; linebreaks keeps that (autoescape=False: don't escape twice).
    return mark_safe(linebreaks(html, autoescape=False))  # noqa: S308
