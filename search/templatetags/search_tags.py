"""Links that add or remove one search filter while keeping the others."""

from django import template

register = template.Library()

MULTI = {"skills"}


@register.simple_tag(takes_context=True)
def search_url(context, name: str, value="", remove: bool = False) -> str:
    """The current search's query string with `name` set to `value` (added to it for skills), or removed."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    value = str(value)
    if name in MULTI:
        values = [v for v in query.getlist(name) if v != value]
        if not remove:
            values.append(value)
        query.setlist(name, values)
    elif remove or value == "":
        query.pop(name, None)
        if name == "near":
            query.pop("radius_km", None)
            if query.get("sort") == "distance":
                query.pop("sort")
    else:
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def page_url(context, page: int, name: str = "page") -> str:
    """The current query string on page `page` (of the list paged by the parameter `name`)."""
    query = context["request"].GET.copy()
    query[name] = str(page)
    return f"?{query.urlencode()}"


@register.filter
def is_selected(form, args: str) -> bool:
    """`form|is_selected:"skills=design"` — whether the query holds that value."""
    name, _sep, value = args.partition("=")
    return value in form.getlist(name)


@register.filter
def km(value) -> str:
    if value is None:
        return ""
    if value < 0.05:
        return "0"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".replace(".", ",")


@register.filter
def get_item(mapping, key):
    """`form|get_item:"region"` — one value of a QueryDict or dict."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def facet(result, name):
    """The values of one facet of a search result."""
    return result.facets.get(name, []) if result else []


@register.filter
def first_highlight(hit, field):
    """The first highlighted fragment of a field, already HTML-escaped by the backend, or ""."""
    fragments = hit.highlights.get(field) or []
    return fragments[0] if fragments else ""


@register.simple_tag(takes_context=True)
def facet_links(context, name: str, param: str) -> list[dict]:
    """Facet values with their count, whether chosen, and the link that toggles them."""
    result = context.get("result")
    if not result:
        return []
    query = context["request"].GET
    chosen = set(query.getlist(param)) if param in MULTI else {query.get(param, "")}
    links = []
    for value in result.facets.get(name, []):
        selected = value.value in chosen
        links.append(
            {
                "label": value.label,
                "count": value.count,
                "selected": selected,
                "url": search_url(context, param, value.value, remove=selected),
            }
        )
    return links
