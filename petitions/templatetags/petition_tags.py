"""`{% petition_route petition as route %}`: the route a petition goes (or went) to its maslikhat by,
for `templates/petitions/_route.html` and any page that explains it."""

from django import template

register = template.Library()


@register.simple_tag
def petition_route(petition=None, maslikhat=None):
    from petitions.models import PetitionDelivery
    from petitions.selectors import route_for_maslikhat

    if petition is not None:
        try:
            return petition.delivery.route
        except PetitionDelivery.DoesNotExist:
            maslikhat = petition.maslikhat
    return route_for_maslikhat(maslikhat) if maslikhat is not None else None
