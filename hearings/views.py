"""Public hearing pages: list, month calendar, the hearing, registration and questions."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearings import selectors, services
from hearings.events import qr_png, qr_svg
from hearings.forms import HearingFilterForm, QuestionForm
from hearings.models import AgendaDocument, Hearing, MinutesDocument, Question, Registration
from portal.dates import parse_month
from portal.views_helpers import flash_call, flash_refusal


def _filters(request):
    form = HearingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {
        "maslikhat": data.get("maslikhat"),
        "hearing_type": data.get("type") or "",
        "date_from": data.get("date_from"),
        "date_to": data.get("date_to"),
    }


def _bad_filters(form) -> bool:
    """A filter the page cannot apply (a date out of range) answers 400 with the form's message."""
    return form.is_bound and any(name in form.errors for name in ("date_from", "date_to"))


def hearing_list(request):
    form, filters = _filters(request)
    if not any(request.GET.get(k) for k in ("date_from", "date_to", "past")):
        filters["date_from"] = timezone.localdate()
    hearings = selectors.hearing_list_public(**filters)
    page = Paginator(hearings, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hearings/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
        status=400 if _bad_filters(form) else 200,
    )


def _month(request) -> date:
    raw = request.GET.get("month", "")
    if not raw:
        return timezone.localdate().replace(day=1)
    return parse_month(raw)


def hearing_calendar(request):
    form, filters = _filters(request)
    try:
        first = _month(request)
    except ValidationError as error:
        return render(request, "400.html", {"message": " ".join(error.messages)}, status=400)
    weeks = selectors.hearing_month_grid(
        first.year, first.month, maslikhat=filters["maslikhat"], hearing_type=filters["hearing_type"]
    )
    previous = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    query = request.GET.copy()
    query.pop("month", None)
    return render(
        request,
        "hearings/calendar.html",
        {
            "form": form,
            "weeks": weeks,
            "month": first,
            "previous": previous,
            "following": following,
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


def hearing_detail(request, pk: int):
    try:
        hearing = selectors.hearing_get_public(pk)
    except Hearing.DoesNotExist:
        raise Http404 from None
    registration = selectors.registration_for(request.user, hearing)
    return render(
        request,
        "hearings/detail.html",
        {
            "hearing": hearing,
            "registration": registration,
            "waitlist_position": selectors.waitlist_position(registration),
            "questions": selectors.question_list_public(hearing, request.user),
            "question_form": QuestionForm(),
            "registration_open": hearing.registration_is_open(),
            "minutes_overdue": hearing.minutes_overdue(),
            "may_cancel": registration is not None
            and registration.status in (Registration.Status.SEATED, Registration.Status.WAITLISTED)
            and hearing.starts_at > timezone.now(),
        },
    )


@login_required
@require_POST
def hearing_register(request, pk: int):
    hearing = get_object_or_404(Hearing, pk=pk)
    try:
        _registration, outcome = services.registration_create(user=request.user, hearing=hearing)
    except (ValidationError, PermissionDenied) as error:
        flash_refusal(request, error)
    else:
        messages.success(
            request,
            {
                "seated": _("You are registered. A confirmation with a calendar file is on its way to your email."),
                "waitlisted": _("The hall is full: you are on the waiting list. We will email you if a seat frees up."),
                "already": _("You are already registered for this hearing."),
            }[outcome],
        )
    return redirect(hearing)


@login_required
@require_POST
def hearing_unregister(request, pk: int):
    hearing = get_object_or_404(Hearing, pk=pk)
    flash_call(
        request,
        lambda: services.registration_cancel(user=request.user, hearing=hearing),
        _("Your registration is cancelled."),
    )
    return redirect(hearing)


@login_required
def registration_qr(request, pk: int, fmt: str):
    registration = get_object_or_404(
        Registration,
        hearing_id=pk,
        user=request.user,
        status__in=[Registration.Status.SEATED, Registration.Status.ATTENDED],
    )
    if fmt == "png":
        return HttpResponse(qr_png(registration.code), content_type="image/png")
    return HttpResponse(qr_svg(registration.code), content_type="image/svg+xml")


@login_required
@require_POST
def question_create(request, pk: int):
    hearing = get_object_or_404(Hearing, pk=pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(hearing)
    flash_call(
        request,
        lambda: services.question_submit(user=request.user, hearing=hearing, text=form.cleaned_data["text"]),
        _("Thank you. Your question will appear once a moderator has read it."),
    )
    return redirect(hearing.get_absolute_url() + "#questions")


@login_required
@require_POST
def question_vote(request, pk: int):
    question = get_object_or_404(Question.objects.public().select_related("hearing"), pk=pk)
    try:
        counted = services.question_vote(user=request.user, question=question)
    except (ValidationError, PermissionDenied) as error:
        flash_refusal(request, error)
    else:
        if counted:
            messages.success(request, _("Your support is counted."))
        else:
            messages.info(request, _("You already support this question."))
    return redirect(question.hearing.get_absolute_url() + "#questions")


def document(request, kind: str, pk: int):
    model = {"agenda": AgendaDocument, "minutes": MinutesDocument}.get(kind)
    if model is None:
        raise Http404
    item = get_object_or_404(model, pk=pk)
    response = FileResponse(
        item.file.open("rb"), content_type="application/pdf", filename=item.file.name.rsplit("/", 1)[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
