"""Display helpers for projects and quotes: budgets, prices, taxes, and the rows of long lists."""

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.common.money import format_money
from projects import signup
from projects.forms import RevisionForm
from projects.models import BudgetType, Category, Pricing, ProjectStatus, QuoteStatus

register = template.Library()

_PROJECT_STATUS_LABELS = dict(ProjectStatus.choices)  # lazy labels: translated when shown
_QUOTE_STATUS_LABELS = dict(QuoteStatus.choices)
_CATEGORY_LABELS = dict(Category.choices)


@register.filter
def budget(project) -> str:
    """ "2 000 $ – 5 000 $", "65 $/h – 80 $/h", "jusqu'à 900 $", or "À discuter": short enough not to wrap."""
    if project.budget_type == BudgetType.TO_DISCUSS or (project.budget_min is None and project.budget_max is None):
        return _("À discuter")
    suffix = _("/h") if project.budget_type == BudgetType.HOURLY else ""
    # Budgets are round figures: "1 500 $" reads faster than "1 500,00 $" (cents kept when there are some).
    low = format_money(project.budget_min, whole=True) + suffix if project.budget_min is not None else ""
    high = format_money(project.budget_max, whole=True) + suffix if project.budget_max is not None else ""
    if low and high:
        return low if project.budget_min == project.budget_max else _("%(low)s – %(high)s") % {"low": low, "high": high}
    if high:
        return _("jusqu'à %(amount)s") % {"amount": high}
    return _("à partir de %(amount)s") % {"amount": low}


@register.filter
def quote_price(quote) -> str:
    """ "3 500,00 $" for a fixed price, "65,00 $/h × 20 h" for an hourly rate."""
    if quote.pricing == Pricing.HOURLY:
        hours = quote.estimated_hours
        if hours is None:
            return format_money(quote.amount) + _("/h")
        hours_text = formats.number_format(hours.normalize())  # "12,5" in French, "12.5" in English
        return _("%(rate)s/h × %(hours)s h") % {"rate": format_money(quote.amount), "hours": hours_text}
    return format_money(quote.amount)


@register.filter
def taxes_label(quote) -> str:
    """The value shown after a "Taxes" label: "TPS et TVQ en sus" or "non applicables (petit fournisseur)"."""
    if quote.charges_taxes:
        return _("TPS et TVQ en sus")
    return _("non applicables (petit fournisseur)")


@register.filter
def taxes_note(quote) -> str:
    """The same fact standing alone, without a label (under a price in the comparison table)."""
    if quote.charges_taxes:
        return _("TPS et TVQ en sus")
    return _("Sans taxes (petit fournisseur)")


# The filters below say what a {% blocktranslate %} said, with the same message ids (so the same translations)
# and the same escaping (the values, not our own text), at a fraction of its cost: the comparison table and
# the dashboard show them on each of up to 100 rows, the project list on each of its cards.


def _phrase(message: str, **values) -> str:
    return mark_safe(message % {name: conditional_escape(value) for name, value in values.items()})  # noqa: S308


@register.filter
def rating_out_of_5(rating) -> str:
    """ "4,50 sur 5", for a screen reader next to the stars."""
    return _phrase(_("%(r)s sur 5"), r=formats.localize(rating))


@register.filter
def completed_projects(count: int) -> str:
    """ "1 projet terminé", "12 projets terminés"."""
    return _phrase(ngettext("%(counter)s projet terminé", "%(counter)s projets terminés", count), counter=count)


@register.filter
def delivery_days(days: int) -> str:
    """ "1 jour", "15 jours"."""
    return _phrase(ngettext("%(counter)s jour", "%(counter)s jours", days), counter=days)


@register.filter
def quote_count(count: int) -> str:
    """ "1 soumission", "3 soumissions"."""
    return _phrase(ngettext("%(counter)s soumission", "%(counter)s soumissions", count), counter=count)


@register.filter
def to_review_count(count: int) -> str:
    """ "2 à examiner": quotes waiting for the client's decision."""
    return _phrase(ngettext("%(counter)s à examiner", "%(counter)s à examiner", count), counter=count)


@register.filter
def until_date(day) -> str:
    """ "jusqu'au 25 novembre 2026"."""
    return _phrase(_("jusqu'au %(date)s"), date=formats.date_format(day, "j F Y"))


@register.filter
def quotes_until(day) -> str:
    """ "Soumissions jusqu'au 25 novembre 2026"."""
    return _phrase(_("Soumissions jusqu'au %(date)s"), date=formats.date_format(day, "j F Y"))


@register.filter
def category_label(category: str) -> str:
    """The same as project.get_category_display, without rebuilding the choices dict for each card."""
    return _CATEGORY_LABELS.get(category, category)


@register.filter
def project_status_label(status: str) -> str:
    """The same as project.get_status_display, without rebuilding the choices dict for each row of a list."""
    return _PROJECT_STATUS_LABELS.get(status, status)


@register.filter
def quote_status_label(status: str) -> str:
    """The same as quote.get_status_display, without rebuilding the choices dict for each row."""
    return _QUOTE_STATUS_LABELS.get(status, status)


# A pk no real row has: URLs and row controls are built once per page around it, then each row puts in its pk.
_PK_PLACEHOLDER = "987654321987654321"


@register.simple_tag(takes_context=True)
def pk_url(context, name: str, pk) -> str:
    """{% url name pk %} for the rows of a long list, at the cost of one reverse() per page."""
    patterns = context.render_context.get("pk_url_patterns")
    if patterns is None:
        patterns = context.render_context["pk_url_patterns"] = {}
    pattern = patterns.get(name)
    if pattern is None:
        pattern = patterns[name] = reverse(name, args=[_PK_PLACEHOLDER])
    return pattern.replace(_PK_PLACEHOLDER, str(int(pk)))


def _decision_controls_skeletons(context) -> dict[bool, str]:
    """The controls' HTML for this page, by "is the quote still pending?", with the placeholder for the pk."""
    skeletons = context.render_context.get("quote_decision_skeletons")
    if skeletons is not None:
        return skeletons
    csrf = context.get("csrf_token", "")

    def url(name):
        return reverse(name, args=[_PK_PLACEHOLDER])

    shortlist = format_html(
        '<form method="post" action="{}" class="inline-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="button button-small button-secondary">{}</button></form>\n',
        url("quote-shortlist"),
        csrf,
        _("Présélectionner"),
    )
    skeleton = (
        '<a class="button button-small" href="{accept_url}">{accept}</a>\n'
        # A price or a delay to negotiate: the form of the offers page, which shows the history too.
        '<a class="button button-small button-secondary" href="{offers_url}">{counter}</a>\n'
        "{shortlist}"
        '<details class="action-details">\n'
        '  <summary class="button button-small button-secondary">{ask_revision}</summary>\n'
        '  <form method="post" action="{revision_url}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">\n'
        '    <label for="note-{pk}">{note_label}</label>\n'
        '    <textarea id="note-{pk}" name="note" rows="2" maxlength="1000" required></textarea>\n'
        '    <button type="submit" class="button button-small">{send}</button>\n'
        "  </form>\n"
        "</details>\n"
        # Like "Accepter", "Refuser" leads to a confirmation page (where the reason is written): both are final.
        '<a class="button button-small button-secondary button-danger-outline" href="{decline_url}">{decline}</a>'
    )
    values = dict(
        pk=_PK_PLACEHOLDER,
        csrf=csrf,
        accept_url=url("quote-accept"),
        accept=_("Accepter"),
        offers_url=url("quote-offers"),
        counter=_("Contre-offre"),
        ask_revision=_("Demander une révision"),
        revision_url=url("quote-request-revision"),
        note_label=RevisionForm.base_fields["note"].label,
        send=_("Envoyer"),
        decline=_("Refuser"),
        decline_url=url("quote-decline"),
    )
    skeletons = {
        True: format_html(skeleton, shortlist=shortlist, **values),
        False: format_html(skeleton, shortlist="", **values),
    }
    context.render_context["quote_decision_skeletons"] = skeletons
    return skeletons


@register.simple_tag(takes_context=True)
def quote_decision_controls(context, quote) -> str:
    """The owner's controls on one row of the comparison table: accept, shortlist, ask for a revision, decline.

    Built here rather than in the template: the table lists every quote of a project, and in the template
    language these four forms took half of the 50-quote page's rendering time (bench/pages.py). The HTML
    is escaped and translated once per page; a row only puts in its pk.
    """
    skeleton = _decision_controls_skeletons(context)[quote.status == "pending"]
    return mark_safe(skeleton.replace(_PK_PLACEHOLDER, str(int(quote.pk))))  # noqa: S308 (escaped above; pk is an int)


@register.simple_tag(takes_context=True)
def project_written_before_sign_up(context) -> dict | None:
    """The project a visitor wrote before signing up, as sign-up left it in their session (projects/signup.py)."""
    request = context.get("request")
    return signup.stash_get(request) if request is not None else None


@register.filter
def line_items_typed(formset) -> bool:
    """Whether a row of the line-items editor holds something (typed, or the quote's own): it then opens,
    so a refusal about the items is shown next to them."""
    return any(form[name].value() not in (None, "") for form in formset for name in ("description", "amount"))
