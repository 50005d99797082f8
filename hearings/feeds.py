"""Machine-readable hearing feeds (not language-prefixed): iCalendar per maslikhat and Atom."""

from datetime import timedelta

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from deputies.models import Maslikhat
from hearings.calendar import hearings_calendar
from hearings.models import Hearing

FEED_DAYS_BACK = 90
FEED_LIMIT = 500


def _feed_hearings(request):
    hearings = Hearing.objects.select_related("maslikhat").filter(
        ends_at__gte=timezone.now() - timedelta(days=FEED_DAYS_BACK)
    )
    code = request.GET.get("maslikhat", "").strip()
    maslikhat = None
    if code:
        maslikhat = get_object_or_404(Maslikhat, code=code)
        hearings = hearings.filter(maslikhat=maslikhat)
    return maslikhat, hearings.order_by("starts_at")[:FEED_LIMIT]


def calendar_feed(request):
    maslikhat, hearings = _feed_hearings(request)
    name = _("Public hearings") + (f": {maslikhat.name}" if maslikhat else "")
    response = HttpResponse(
        hearings_calendar(hearings, name=name, method="PUBLISH"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="hearings.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def hearing_ics(request, pk: int):
    hearing = get_object_or_404(Hearing, pk=pk)
    from hearings.calendar import hearing_invitation

    response = HttpResponse(hearing_invitation(hearing), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hearing-{hearing.pk}.ics"'
    return response


class HearingAtomFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        self.request = request
        maslikhat, hearings = _feed_hearings(request)
        self._hearings = hearings
        return maslikhat

    def title(self, obj):
        return _("Public hearings") + (f": {obj.name}" if obj else "")

    def link(self, obj):
        return "/hearings/calendar.ics" + (f"?maslikhat={obj.code}" if obj else "")

    def subtitle(self, obj):
        return _("Public hearings of maslikhat standing commissions: dates, venues, minutes.")

    def items(self, obj):
        return self._hearings

    def item_title(self, item):
        label = item.get_status_display()
        return f"{item.topic} ({label})"

    def item_description(self, item):
        when = timezone.localtime(item.starts_at).strftime("%Y-%m-%d %H:%M")
        return f"{when} · {item.venue_address or item.broadcast_url} · {item.maslikhat.name}\n\n{item.description}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.minutes_published_at or item.created_at
