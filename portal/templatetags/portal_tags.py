from django import template
from django.utils.safestring import mark_safe

from portal.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, **kwargs):
    """Render every panel registered for the slot (their renderers return escaped HTML)."""
    return mark_safe("".join(render_panels(slot, context.get("request"), **kwargs)))  # noqa: S308
