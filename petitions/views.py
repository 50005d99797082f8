"""Public and author pages of petitions: thin, every write goes through a service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.models import Maslikhat
from petitions import access, selectors, services, signing, transitions, watch
from petitions.forms import PetitionForm, SignForm
from petitions.models import Petition, PetitionHistory, Signature
from portal.middleware import client_ip
from portal.views_helpers import REFUSALS, flash_call, flash_refusal, form_errors


def petition_list(request):
    params = {key: request.GET.get(key, "").strip() for key in ("maslikhat", "status", "topic", "sort", "q")}
    params["sort"] = params["sort"] if params["sort"] in selectors.SORTS else "popular"
    petitions = selectors.petition_list(**params)
    page = Paginator(petitions, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "petitions/list.html",
        {
            "page": page,
            "params": params,
            "querystring": query.urlencode(),
            "maslikhats": Maslikhat.objects.filter(petitions__isnull=False).distinct().order_by("level", "code"),
            "statuses": [
                (value, label) for value, label in Petition.Status.choices if value in Petition.LISTED_STATUSES
            ],
            "topics": Petition.Topic.choices,
            "sorts": [("popular", _("Most signed")), ("newest", _("Newest")), ("closing", _("Closing soon"))],
        },
    )


def _shares_the_page(request) -> bool:
    """Whether the request sees the page every anonymous visitor sees alike (no session, no pending
    messages, no query string): that page comes from the cache (petitions.watch)."""
    return not (
        request.GET
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or request.user.is_authenticated
    )


def petition_detail(request, pk):
    shared = _shares_the_page(request)
    if shared and not getattr(request, "shared_page_missed", False):  # the door asked the cache already
        html = watch.shared_page(pk, get_language())
        if html is not None:
            return HttpResponse(html)
    link = request.GET.get("link", "")
    petition = access.access_petition_for_viewer(
        request.user,
        pk,
        link,
        # The route box reads the delivery's route: in the same query (NULL when none yet).
        queryset=access.viewed_petitions().select_related("delivery__route"),
    )
    mine = selectors.signature_of(request.user, petition)
    events = PetitionHistory.objects.filter(petition=petition).select_related(None)
    is_author = request.user.is_authenticated and petition.author_id == request.user.pk
    official = access.is_official_of(request.user, petition) if request.user.is_authenticated else False
    if not (is_author or official):
        events = events.filter(is_public=True)
    initial = (
        {"address": request.user.address, "is_citizen": request.user.is_citizen}
        if request.user.is_authenticated
        else {}
    )
    districts = selectors.petition_district_counts(petition) if petition.published_at else []
    series = selectors.petition_count_series(petition) if petition.published_at else []
    context = {
        "district_chart_height": len(districts) * 28 + 8,
        "petition": petition,
        "my_signature": mine,
        "events": events,
        "is_author": is_author,
        "official": official,
        "show_text": access.may_view_text(request.user, petition),
        "sign_form": SignForm(initial=initial, petition=petition),
        "link": link if link == petition.share_token else "",
        "districts": districts,
        "district_map": selectors.petition_district_map(districts) if districts else None,
        "series": series,
        "series_last": series[-1]["count"] if series else 0,
        "supporters": selectors.recent_supporters(petition) if petition.published_at else [],
        "attachments": list(petition.answer_attachments.all()) if petition.status == Petition.Status.ANSWERED else [],
        "actions": transitions.allowed_transitions(petition, request.user) if request.user.is_authenticated else [],
        "similar": selectors.similar_petitions(title=petition.title, text=petition.text, exclude_pk=petition.pk)
        if is_author and petition.status == Petition.Status.DRAFT
        else [],
        "may_moderate": official and access.may_moderate(request.user, petition),
        "may_answer": official and access.may_answer(request.user, petition),
        "may_enter_paper": official and access.may_enter_paper(request.user, petition),
    }
    response = render(request, "petitions/detail.html", context)
    # A page that set a CSRF cookie is personal (it carries a token): never share it.
    if shared and petition.is_listed and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        watch.shared_page_store(pk, get_language(), response.content, petition.last_tallied_at)
    return response


@login_required
def petition_create(request):
    form = PetitionForm(request.POST or None)
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            petition = services.petition_create(
                author=request.user,
                title=data["title"],
                text=data["text"],
                maslikhat=data["maslikhat"],
                topic=data["topic"],
            )
        except PermissionDenied as error:
            flash_refusal(request, error)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Your draft is saved. Check the similar petitions below, then submit it for moderation.")
            )
            return redirect(petition.get_absolute_url())
    if request.method == "POST" and form.data.get("title"):
        similar = selectors.similar_petitions(title=form.data.get("title", ""), text=form.data.get("text", ""))
    return render(request, "petitions/form.html", {"form": form, "similar": similar})


@login_required
def petition_edit(request, pk):
    petition = access.access_petition_for_viewer(request.user, pk)
    if petition.author_id != request.user.pk or petition.status != Petition.Status.DRAFT:
        raise Http404
    initial = {"title": petition.title, "text": petition.text, "maslikhat": petition.maslikhat, "topic": petition.topic}
    form = PetitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_update_draft(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved."))
            return redirect(petition.get_absolute_url())
    return render(request, "petitions/form.html", {"form": form, "petition": petition})


# Lazy: translated when the message is shown, in that request's language (not once at import).
AUTHOR_ACTIONS = {
    "submit": (
        services.petition_submit,
        gettext_lazy("Submitted for moderation. The maslikhat's staff will decide by the target date."),
    ),
    "withdraw": (services.petition_withdraw, gettext_lazy("The petition is withdrawn.")),
    "send": (services.petition_send_for_answer, gettext_lazy("The petition is sent to the maslikhat for its answer.")),
}


@login_required
@require_POST
def petition_act(request, pk, action):
    petition = access.access_petition_for_viewer(request.user, pk)
    if action not in AUTHOR_ACTIONS:
        raise Http404
    service, done = AUTHOR_ACTIONS[action]
    flash_call(request, lambda: service(petition=petition, actor=request.user), done)
    return redirect(petition.get_absolute_url())


@require_POST
def petition_sign(request, pk):
    link = request.POST.get("link", "")
    petition = watch.access_petition_for_signing(request.user, pk, link)
    target = petition.get_absolute_url() + (f"?link={link}" if link else "")
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={target}")
    form = SignForm(request.POST, petition=petition)
    if form.is_valid():
        try:
            result = signing.petition_sign(
                petition=petition,
                user=request.user,
                address=form.cleaned_data["address"],
                is_citizen=form.cleaned_data["is_citizen"],
                ip=client_ip(request),
                honeypot=form.cleaned_data["website"],
                consent=form.cleaned_data["consent"],
            )
        except REFUSALS as error:
            form_errors(form, error)
        except signing.SigningRateLimited as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Thank you: your signature is recorded.")
                if result.created
                else _("You have already signed this petition."),
            )
            return redirect(target)
    context = {"petition": petition, "sign_form": form, "link": link if link == petition.share_token else ""}
    return render(request, "petitions/sign.html", context, status=400)


@login_required
@require_POST
def petition_unsign(request, pk):
    petition = access.access_petition_for_viewer(request.user, pk, request.POST.get("link", ""))
    flash_call(
        request,
        lambda: signing.petition_unsign(petition=petition, user=request.user),
        lambda withdrawn: _("Your signature is withdrawn.") if withdrawn else "",
    )
    return redirect(petition.get_absolute_url())


@login_required
def my_petitions(request):
    petitions = (
        Petition.objects.filter(author=request.user).select_related("maslikhat", "rules").order_by("-created_at")
    )
    signatures = (
        Signature.objects.filter(signer=request.user)
        .select_related("petition__maslikhat")
        .order_by("-created_at")[:100]
    )
    return render(request, "petitions/mine.html", {"petitions": petitions, "signatures": signatures})


def _login_url() -> str:
    from django.urls import reverse

    return reverse("account_login")


def petition_sheet(request, pk):
    """The blank paper signature sheet (PDF) of a petition collecting signatures: public like the
    page it belongs to (it carries no personal data), for staff and for anyone gathering signatures."""
    link = request.GET.get("link", "")
    petition = access.access_petition_for_viewer(request.user, pk, link)
    if not petition.is_signable:
        messages.error(request, _("This petition is not collecting signatures, so it has no signature sheet."))
        return redirect(petition.get_absolute_url())
    response = HttpResponse(watch.signature_sheet(petition), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="petition-{petition.pk}-sheet.pdf"'
    return response
