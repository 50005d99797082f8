"""The tile settings for district maps (`{% map_tiles as tiles %}`): the URL template and its attribution."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict:
    return {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION}
