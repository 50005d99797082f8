"""The two reads a viral petition's watchers repeat, answered at the door (portal.hot_reads): the
public count and the page every anonymous visitor shares, both from the cache (petitions.watch)."""

from django.http import HttpResponse, JsonResponse

from petitions import watch


def count_response(payload: dict) -> JsonResponse:
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = f"public, max-age={watch.COUNT_CACHE_SECONDS}"
    return response


def count(request, pk):
    payload = watch.petition_count(int(pk))  # as the URLconf's <int:pk>: "007" is 7, one cache key
    return count_response(payload) if payload is not None else None  # a missing petition: DRF's 404


def page(request, language, pk):
    html = watch.shared_page(int(pk), language)
    if html is None:
        # This reader renders it (petitions.views.petition_detail): the cache has been asked.
        request.shared_page_missed = True
        return None
    return HttpResponse(html)


def register() -> None:
    from portal.hot_reads import register_hot_read

    register_hot_read(r"/api/v1/petitions/(?P<pk>[0-9]+)/count/", count)
    register_hot_read(r"/{language}/petitions/(?P<pk>[0-9]+)/", page)
