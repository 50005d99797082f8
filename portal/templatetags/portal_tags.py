from django import template
from django.utils import formats
from django.utils.safestring import mark_safe

from portal.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, **kwargs):
    """Render every panel registered for the slot (their renderers return escaped HTML)."""
    return mark_safe("".join(render_panels(slot, context.get("request"), **kwargs)))  # noqa: S308


@register.filter
def grouped(value):
    """A whole number with the language's thousands separator (`46 000`, `46,000`), whatever
    USE_THOUSAND_SEPARATOR says (it stays off: ids in URLs must not be grouped)."""
    if value is None or value == "":
        return value
    try:
        return formats.number_format(int(value), force_grouping=True)
    except (TypeError, ValueError):
        return value


@register.inclusion_tag("includes/unconfirmed.html")
def unconfirmed(flag, plain=False):
    """The one mark of a figure not confirmed from the law's text, wherever the figure is shown:
    `{% unconfirmed route.answer_term_unconfirmed %}` (a badge) or `... plain=True` in text emails."""
    return {"flag": bool(flag), "plain": plain}
