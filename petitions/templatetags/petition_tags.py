"""`{% petition_route petition as route %}`: the route a petition goes (or went) to its maslikhat by,
for `templates/petitions/_route.html` and any page that explains it."""

from django import template

register = template.Library()


@register.simple_tag
def petition_route(petition=None, maslikhat=None):
    """The route, remembered on the object it was asked for: a page names it up to four times
    (the route box, next steps, the sheet link, the answer), each a query or two otherwise."""
    from petitions.models import PetitionDelivery
    from petitions.selectors import route_for_maslikhat

    holder = petition if petition is not None else maslikhat
    if holder is None:
        return None
    if "_petition_route" in holder.__dict__:
        return holder.__dict__["_petition_route"]
    route = None
    if petition is not None:
        try:
            route = petition.delivery.route
        except PetitionDelivery.DoesNotExist:
            maslikhat = petition.maslikhat
    if route is None and maslikhat is not None:
        route = route_for_maslikhat(maslikhat)
    holder.__dict__["_petition_route"] = route
    return route
