"""Atom feed per maslikhat and open-data exports (no personal data: counts, dates, texts)."""

import json

from django.contrib.syndication.views import Feed
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from deputies.models import Maslikhat
from petitions.models import Petition
from petitions.selectors import petition_district_counts
from portal.csv_export import csv_writer

EXPORT_FIELDS = [
    "id",
    "title",
    "topic",
    "status",
    "maslikhat",
    "signature_count",
    "resident_signature_count",
    "threshold",
    "published_at",
    "opened_at",
    "collection_ends",
    "threshold_reached_at",
    "answer_due",
    "answer_due_unconfirmed",
    "answered_at",
    "url",
]


class MaslikhatPetitionsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, code):
        return get_object_or_404(Maslikhat, code=code)

    def title(self, obj):
        return _("Petitions to %(maslikhat)s") % {"maslikhat": obj.name}

    def link(self, obj):
        return f"/petitions/?maslikhat={obj.code}"

    def subtitle(self, obj):
        return _("New petitions and answers on Dauys")

    def items(self, obj):
        return Petition.objects.listed().filter(maslikhat=obj).order_by("-published_at", "-id")[:50]

    def item_title(self, item):
        return f"{item.title} ({item.get_status_display()})"

    def item_description(self, item):
        return (
            item.answer_html
            if item.status == Petition.Status.ANSWERED
            else (item.text_html if item.status != Petition.Status.REJECTED else item.rejection_reason)
        )

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.answered_at or item.ended_at or item.opened_at or item.published_at or item.created_at


def _rows(queryset):
    for p in queryset.select_related("maslikhat").iterator(chunk_size=500):
        yield {
            "id": p.pk,
            "title": p.title,
            "topic": p.topic,
            "status": p.status,
            "maslikhat": p.maslikhat.code,
            "signature_count": p.signature_count,
            "resident_signature_count": p.resident_signature_count,
            "threshold": p.threshold,
            "published_at": p.published_at,
            "opened_at": p.opened_at,
            "collection_ends": p.collection_ends,
            "threshold_reached_at": p.threshold_reached_at,
            "answer_due": p.answer_due,
            "answer_due_unconfirmed": p.answer_due_unconfirmed,
            "answered_at": p.answered_at,
            "url": p.get_absolute_url(),
        }


class _Echo:
    def write(self, value):
        return value


def _csv_response(header, rows, filename):
    writer = csv_writer(_Echo())

    def stream():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([row[key] if row[key] is not None else "" for key in header])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filtered(request):
    petitions = Petition.objects.listed().order_by("id")
    if code := request.GET.get("maslikhat"):
        petitions = petitions.filter(maslikhat__code=code)
    if status := request.GET.get("status"):
        petitions = petitions.filter(status=status)
    return petitions


def export_petitions(request, fmt):
    rows = _rows(_filtered(request))
    if fmt == "csv":
        return _csv_response(EXPORT_FIELDS, rows, "petitions.csv")
    return HttpResponse(
        json.dumps({"petitions": list(rows)}, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )


def export_districts(request, pk, fmt):
    petition = Petition.objects.listed().select_related("maslikhat").filter(pk=pk).first()
    if petition is None or not petition.published_at:
        raise Http404
    rows = [
        {
            "petition": petition.pk,
            "maslikhat": petition.maslikhat.code,
            "district_number": r["district"].number,
            "district_name": r["district"].name,
            "signatures": r["signatures"],
        }
        for r in petition_district_counts(petition)
    ]
    if fmt == "csv":
        return _csv_response(
            ["petition", "maslikhat", "district_number", "district_name", "signatures"],
            rows,
            f"petition-{petition.pk}-districts.csv",
        )
    payload = {
        "petition": petition.pk,
        "resident_signature_count": petition.resident_signature_count,
        "signature_count": petition.signature_count,
        "districts": rows,
    }
    return HttpResponse(json.dumps(payload, ensure_ascii=False), content_type="application/json; charset=utf-8")
