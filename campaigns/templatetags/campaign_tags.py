from django import template
from django.utils.html import format_html

from jurisdictions.models import PolicyValue

register = template.Library()

STANCE_CLASSES = {
    "champion": "text-bg-success",
    "supportive": "text-bg-info",
    "undecided": "text-bg-warning",
    "opposed": "text-bg-danger",
    "unknown": "text-bg-secondary",
}
STAGE_CLASSES = {
    "won": "text-bg-success",
    "lost": "text-bg-danger",
    "paused": "text-bg-secondary",
    "monitoring": "text-bg-info",
    "decision_pending": "text-bg-warning",
}
ASSESSMENT_CLASSES = {
    "satisfactory": "text-bg-success",
    "unsatisfactory": "text-bg-danger",
    "evasive": "text-bg-warning",
    "not_asked": "text-bg-light",
}


@register.filter
def localized(obj, field):
    """The Spanish text of a question or set when the page is in Spanish and one was written."""
    return obj.localized(field)


@register.filter
def stance_class(stance):
    return STANCE_CLASSES.get(stance, "text-bg-secondary")


@register.filter
def stage_class(stage):
    return STAGE_CLASSES.get(stage, "text-bg-primary")


@register.filter
def assessment_class(assessment):
    return ASSESSMENT_CLASSES.get(assessment, "text-bg-light")


@register.simple_tag
def sort_link(label, key, current, query):
    """A column header that sorts by `key`, and the other way round when it already does."""
    if current == key:
        target, arrow = f"-{key}", " ▲"
    elif current == f"-{key}":
        target, arrow = key, " ▼"
    else:
        target, arrow = key, ""
    href = f"?{query}&sort={target}" if query else f"?sort={target}"
    return format_html('<a class="link-dark" href="{}">{}{}</a>', href, label, arrow)


@register.filter
def person(user):
    """A user's full name, else their username; a dash for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@register.filter
def policy_label(value):
    """The label of a jurisdiction's stored policy value ("honors_none" -> "Honors none"); a dash when unknown."""

    if not value:
        return "—"
    try:
        return PolicyValue(value).label
    except ValueError:
        return value


@register.filter
def names(items):
    """Targets' names joined for one placeholder of a translated sentence: "with {{ names }}"."""
    return ", ".join(item.name for item in items)
