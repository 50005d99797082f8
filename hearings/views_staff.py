"""Staff console for hearings, scoped to the staff member's maslikhats (404 for any other)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.access import staff_maslikhats
from hearings import selectors, services
from hearings.access import access_hearing_for_staff, access_question_for_staff, hearings_for_staff
from hearings.forms import (
    AgendaForm,
    CancelForm,
    CheckInForm,
    DetailsForm,
    HearingScheduleForm,
    MinutesForm,
    ModerateForm,
    PostponeForm,
)
from hearings.models import Hearing
from portal.csv_export import csv_writer
from portal.views_helpers import flash_call, form_errors


def _require_staff(user):
    maslikhats = staff_maslikhats(user)
    if not maslikhats.exists():
        raise PermissionDenied
    return maslikhats


@login_required
def staff_list(request):
    _require_staff(request.user)
    now = timezone.now()
    hearings = hearings_for_staff(request.user).select_related("maslikhat", "commission").with_counts()
    upcoming = hearings.filter(ends_at__gte=now).order_by("starts_at")[:200]
    past = hearings.filter(ends_at__lt=now).order_by("-starts_at")[:100]
    return render(
        request, "hearings/staff/list.html", {"upcoming": upcoming, "past": past, "today": timezone.localdate()}
    )


@login_required
def staff_schedule(request):
    maslikhats = _require_staff(request.user)
    form = HearingScheduleForm(request.POST or None, request.FILES or None, maslikhats=maslikhats)
    if request.method == "POST" and form.is_valid():
        try:
            hearing = services.hearing_schedule(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            if hasattr(error, "error_dict") and "confirm_same_day" in error.error_dict:
                # A warning, not a refusal: show it with the box that lets the staff member go ahead.
                form = HearingScheduleForm(request.POST, request.FILES, maslikhats=maslikhats, confirm=True)
                form.is_valid()
            form_errors(form, error)
        except PermissionDenied:
            form.add_error("maslikhat", _("You are not staff of this maslikhat."))
        else:
            messages.success(request, _("The hearing is scheduled and published."))
            return redirect("hearings:staff_manage", pk=hearing.pk)
    return render(request, "hearings/staff/schedule.html", {"form": form})


def _manage_context(request, hearing, **forms):
    hearing = (
        Hearing.objects.with_counts()
        .select_related("maslikhat", "commission")
        .prefetch_related("deputies", "agendadocuments", "minutesdocuments", "history")
        .get(pk=hearing.pk)
    )
    initial_minutes = {
        "minutes_text": hearing.minutes_text,
        "decisions": hearing.decisions,
        "video_url": hearing.video_url,
    }
    context = {
        "hearing": hearing,
        "details_form": DetailsForm(prefix="details", initial=DetailsForm.initial_for(hearing)),
        "postpone_form": PostponeForm(prefix="postpone"),
        "cancel_form": CancelForm(prefix="cancel"),
        "minutes_form": MinutesForm(prefix="minutes", initial=initial_minutes),
        "agenda_form": AgendaForm(prefix="agenda"),
        "questions": selectors.staff_questions(hearing),
        "counts": selectors.attendance_counts(hearing),
        "minutes_overdue": hearing.minutes_overdue(),
        "started": hearing.starts_at <= timezone.now(),
    }
    context.update(forms)
    return context


@login_required
def staff_manage(request, pk: int):
    hearing = access_hearing_for_staff(request.user, pk)
    return render(request, "hearings/staff/manage.html", _manage_context(request, hearing))


def _action(request, pk, form_class, prefix, call, success, files=False):
    hearing = access_hearing_for_staff(request.user, pk)
    form = form_class(request.POST, request.FILES if files else None, prefix=prefix)
    if form.is_valid():
        try:
            call(hearing, form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("hearings:staff_manage", pk=hearing.pk)
    context = _manage_context(request, hearing, **{f"{prefix}_form": form})
    return render(request, "hearings/staff/manage.html", context, status=400)


@login_required
@require_POST
def staff_details(request, pk: int):
    def call(hearing, data):
        services.hearing_update_details(actor=request.user, hearing=hearing, **data)

    return _action(request, pk, DetailsForm, "details", call, _("The hearing's details are saved."))


@login_required
@require_POST
def staff_postpone(request, pk: int):
    def call(hearing, data):
        services.hearing_postpone(
            actor=request.user,
            hearing=hearing,
            reason=data["reason"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            registration_deadline=data["registration_deadline"],
        )

    return _action(
        request, pk, PostponeForm, "postpone", call, _("The hearing is postponed; registrants are being told.")
    )


@login_required
@require_POST
def staff_cancel(request, pk: int):
    def call(hearing, data):
        services.hearing_cancel(actor=request.user, hearing=hearing, reason=data["reason"])

    return _action(request, pk, CancelForm, "cancel", call, _("The hearing is cancelled; registrants are being told."))


@login_required
@require_POST
def staff_minutes(request, pk: int):
    def call(hearing, data):
        files = [data["minutes_file"]] if data.get("minutes_file") else []
        services.hearing_publish_minutes(
            actor=request.user,
            hearing=hearing,
            minutes_text=data["minutes_text"],
            decisions=data["decisions"],
            video_url=data["video_url"],
            files=files,
        )

    return _action(request, pk, MinutesForm, "minutes", call, _("The minutes are published."), files=True)


@login_required
@require_POST
def staff_agenda(request, pk: int):
    def call(hearing, data):
        services.agenda_document_add(actor=request.user, hearing=hearing, upload=data["file"], title=data["title"])

    return _action(request, pk, AgendaForm, "agenda", call, _("The document is added to the agenda."), files=True)


@login_required
@require_POST
def staff_question_moderate(request, pk: int):
    question = access_question_for_staff(request.user, pk)
    form = ModerateForm(request.POST)
    if form.is_valid():
        flash_call(
            request,
            lambda: services.question_moderate(
                actor=request.user,
                question=question,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
            ),
            _("The question is updated."),
        )
    else:
        messages.error(request, _("Please correct the errors below."))
    return redirect(reverse("hearings:staff_manage", args=[question.hearing_id]) + "#questions")


@login_required
def staff_registrations(request, pk: int):
    hearing = access_hearing_for_staff(request.user, pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST":
        registration_id = request.POST.get("registration")
        try:
            if registration_id:
                registration = services.registration_check_in(
                    actor=request.user, hearing=hearing, registration_id=int(registration_id)
                )
            elif form.is_valid():
                registration = services.registration_check_in(
                    actor=request.user, hearing=hearing, code=form.cleaned_data["code"]
                )
            else:
                registration = None
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [_("Please correct the errors below.")])))
        else:
            if registration is not None:
                messages.success(request, _("%(name)s is checked in.") % {"name": services._person(registration.user)})
        return redirect(
            reverse("hearings:staff_registrations", args=[hearing.pk])
            + (f"?q={request.GET['q']}" if request.GET.get("q") else "")
        )
    query = request.GET.get("q", "")
    registrations = selectors.registrations_for_staff(hearing, query)
    return render(
        request,
        "hearings/staff/registrations.html",
        {
            "hearing": hearing,
            "registrations": registrations[:1000],
            "form": CheckInForm(),
            "query": query,
            "counts": selectors.attendance_counts(hearing),
        },
    )


@login_required
def staff_registrations_csv(request, pk: int):
    hearing = access_hearing_for_staff(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hearing-{hearing.pk}-registrations.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 (Kazakh letters) correctly only with a BOM
    writer = csv_writer(response)
    writer.writerow(
        ["position", "first_name", "last_name", "email", "status", "code", "registered_at", "checked_in_at"]
    )
    for registration in selectors.registrations_for_staff(hearing).iterator():
        user = registration.user
        writer.writerow(
            [
                registration.position,
                user.first_name,
                user.last_name,
                user.email,
                registration.status,
                registration.code,
                timezone.localtime(registration.registered_at).isoformat(timespec="minutes"),
                timezone.localtime(registration.checked_in_at).isoformat(timespec="minutes")
                if registration.checked_in_at
                else "",
            ]
        )
    return response
