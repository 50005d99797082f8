"""Public pages of the deputies app: the representatives answer, deputies, maslikhats, districts,
open-data exports. Thin: parse, call a selector, render."""

import json
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from deputies import selectors
from deputies.geo import boundary_svg, geometry_of
from deputies.imports import deputies_export, districts_export, popolo_export
from deputies.models import Deputy, ElectoralDistrict, Maslikhat
from portal.panels import panel_annotations


def representatives(request):
    address = request.GET.get("address")
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    on_text = request.GET.get("on", "")[:20]
    context = {"address": address or "", "lat": lat or "", "lon": lon or "", "on": on_text, "answer": None, "error": ""}
    status = 200
    try:
        on = selectors.parse_on(on_text)
        if address is not None:
            context["answer"] = selectors.representatives_for_address(address, on=on)
        elif lat or lon:
            context["answer"] = selectors.representatives_for_point(lat, lon, on=on)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        status = 400
    answer = context["answer"]
    if answer is not None and len(answer.matches) == 1:
        context["result"] = answer.matches[0]
        context["groups"] = [
            {"group": group, "map": boundary_svg(group.seat.district.boundary) if group.seat else None}
            for group in answer.matches[0].groups
        ]
    return render(request, "deputies/representatives.html", context, status=status)


def deputy_list(request):
    params = {
        "maslikhat": request.GET.get("maslikhat", "")[:40],
        "party": request.GET.get("party", "")[:100],
        "mandate": request.GET.get("mandate", ""),
        "q": request.GET.get("q", "")[:100].strip(),
    }
    deputies = selectors.deputy_list(**params, status=Deputy.Status.ACTIVE)
    page = Paginator(deputies, 30).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in params.items() if v})
    return render(
        request,
        "deputies/deputy_list.html",
        {
            "page": page,
            "params": params,
            "query": query,
            "maslikhats": Maslikhat.objects.filter(deputies__isnull=False).distinct().order_by("level", "code"),
            "parties": selectors.deputy_parties(),
            "mandates": Deputy.Mandate.choices,
        },
    )


def deputy_detail(request, pk: int):
    try:
        # The panels' per-deputy figures ride on the query that loads the deputy (portal.panels).
        deputy = selectors.deputy_get(pk, annotations=panel_annotations("deputy.record", request, Deputy))
    except Deputy.DoesNotExist:
        raise Http404 from None
    map_svg = boundary_svg(deputy.district.boundary) if deputy.district and deputy.district.boundary else None
    return render(request, "deputies/deputy_detail.html", {"deputy": deputy, "map": map_svg})


def maslikhat_list(request):
    maslikhats = list(selectors.maslikhat_list())
    return render(
        request,
        "deputies/maslikhat_list.html",
        {
            "regional": [m for m in maslikhats if m.level == Maslikhat.Level.REGIONAL],
            "district": [m for m in maslikhats if m.level == Maslikhat.Level.DISTRICT],
        },
    )


def maslikhat_detail(request, code: str):
    try:
        maslikhat = selectors.maslikhat_get(code, annotations=panel_annotations("maslikhat.record", request, Maslikhat))
    except Maslikhat.DoesNotExist:
        raise Http404 from None
    return render(
        request, "deputies/maslikhat_detail.html", {"maslikhat": maslikhat, **selectors.maslikhat_record(maslikhat)}
    )


def district_detail(request, pk: int):
    try:
        district = selectors.district_get(pk)
    except ElectoralDistrict.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "deputies/district_detail.html",
        {
            "district": district,
            "map": boundary_svg(district.boundary),
            **selectors.district_record(district),
        },
    )


def _scope(request):
    code = request.GET.get("maslikhat", "")[:40]
    if not code:
        return None
    scope = Maslikhat.objects.filter(code=code)
    if not scope.exists():
        raise Http404
    return scope


def export_deputies_csv(request):
    response = HttpResponse(deputies_export(_scope(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="deputies.csv"'
    return response


def export_districts_csv(request):
    response = HttpResponse(districts_export(_scope(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="districts.csv"'
    return response


def export_popolo(request):
    response = JsonResponse(popolo_export(_scope(request)), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="deputies-popolo.json"'
    return response


def open_data(request):
    return render(request, "deputies/open_data.html", {"maslikhats": Maslikhat.objects.order_by("level", "code")})


def boundary_geojson(request, pk: int):
    """The district boundary as a GeoJSON Feature (for maps elsewhere)."""
    try:
        district = selectors.district_get(pk)
    except ElectoralDistrict.DoesNotExist:
        raise Http404 from None
    if not district.boundary:
        raise Http404(_("This district has no boundary."))
    feature = {
        "type": "Feature",
        "properties": {"maslikhat": district.maslikhat.code, "number": district.number, "name": district.name},
        "geometry": geometry_of(district.boundary),
    }
    return HttpResponse(json.dumps(feature, ensure_ascii=False), content_type="application/geo+json")
