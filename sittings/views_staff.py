"""Staff console for sessions, scoped to the staff member's maslikhats (404 for any other)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.access import staff_maslikhats
from deputies.models import Deputy
from sittings import services
from sittings.access import access_session_for_staff, staff_sessions
from sittings.forms import (
    AgendaItemForm,
    DecisionForm,
    DocumentForm,
    SessionForm,
    SessionUpdateForm,
)
from sittings.models import AgendaItem, Attendance, Decision, Vote


def _require_staff(user):
    maslikhats = staff_maslikhats(user)
    if not maslikhats.exists():
        raise PermissionDenied
    return maslikhats


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def staff_list(request):
    _require_staff(request.user)
    sessions = staff_sessions(request.user).select_related("maslikhat").order_by("-starts_at")[:200]
    return render(request, "sittings/staff/list.html", {"sessions": sessions})


@login_required
def staff_plan(request):
    maslikhats = _require_staff(request.user)
    form = SessionForm(request.POST or None, maslikhats=maslikhats)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "maslikhat"}
        try:
            session = services.session_plan(actor=request.user, maslikhat=form.cleaned_data["maslikhat"], **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The session is planned. Add its agenda, then publish it."))
            return redirect("sittings:staff_manage", pk=session.pk)
    return render(request, "sittings/staff/plan.html", {"form": form})


def _deputies(session):
    return list(Deputy.objects.filter(maslikhat=session.maslikhat, status=Deputy.Status.ACTIVE).order_by("full_name"))


@login_required
def staff_manage(request, pk: int):
    session = access_session_for_staff(request.user, pk)
    form = SessionUpdateForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("sittings:staff_manage", pk=session.pk)
    attendance = {a.deputy_id: a for a in session.attendance.all()}
    deputies = _deputies(session)
    items = list(session.items.select_related("decision").prefetch_related("decision__votes"))
    rows = []
    for item in items:
        decision = getattr(item, "decision", None)
        votes = {v.deputy_id: v.choice for v in decision.votes.all()} if decision else {}
        initial = (
            {
                "number": decision.number,
                "adopted": decision.adopted,
                "votes_for": decision.votes_for,
                "votes_against": decision.votes_against,
                "votes_abstain": decision.votes_abstain,
                "votes_not_voting": decision.votes_not_voting,
            }
            if decision
            else {}
        )
        rows.append(
            {
                "item": item,
                "decision": decision,
                "form": DecisionForm(initial=initial, prefix=f"item{item.pk}"),
                # The roll call lists the deputies recorded as present.
                "votes": [
                    (d, votes.get(d.pk, "")) for d in deputies if d.pk in attendance and attendance[d.pk].present
                ],
            }
        )
    return render(
        request,
        "sittings/staff/manage.html",
        {
            "session": session,
            "form": form,
            "item_form": AgendaItemForm(),
            "document_form": DocumentForm(session=session),
            "attendance_rows": [
                (
                    d,
                    attendance[d.pk].status if d.pk in attendance else "",
                    attendance[d.pk].reason if d.pk in attendance else "",
                )
                for d in deputies
            ],
            "attendance_choices": Attendance.Status.choices,
            "vote_choices": Vote.Choice.choices,
            "rows": rows,
            "documents": session.documents.select_related("item"),
        },
    )


@login_required
@require_POST
def staff_item_add(request, pk: int):
    session = access_session_for_staff(request.user, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agenda item is added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("sittings:staff_manage", pk=session.pk)


@login_required
@require_POST
def staff_publish(request, pk: int):
    session = access_session_for_staff(request.user, pk)
    try:
        services.agenda_publish(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agenda is published; followers are notified."))
    return redirect("sittings:staff_manage", pk=session.pk)


@login_required
@require_POST
def staff_document(request, pk: int):
    session = access_session_for_staff(request.user, pk)
    form = DocumentForm(request.POST, request.FILES, session=session)
    if form.is_valid():
        try:
            services.document_attach(
                actor=request.user,
                session=session,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                item=form.cleaned_data["item"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The document is attached."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("sittings:staff_manage", pk=session.pk)


@login_required
@require_POST
def staff_attendance(request, pk: int):
    session = access_session_for_staff(request.user, pk)
    rows = {}
    for deputy in _deputies(session):
        status = request.POST.get(f"attendance-{deputy.pk}", "")
        if status in Attendance.Status.values:
            rows[deputy.pk] = (status, request.POST.get(f"reason-{deputy.pk}", "").strip()[:300])
    try:
        services.attendance_record(actor=request.user, session=session, rows=rows)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Attendance is saved."))
    return redirect("sittings:staff_manage", pk=session.pk)


@login_required
@require_POST
def staff_vote(request, pk: int):
    item = get_object_or_404(AgendaItem.objects.select_related("session"), pk=pk)
    session = access_session_for_staff(request.user, item.session_id)
    form = DecisionForm(request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        totals = {
            "for": data["votes_for"],
            "against": data["votes_against"],
            "abstain": data["votes_abstain"],
            "not_voting": data["votes_not_voting"],
        }
        roll = {
            d.pk: request.POST.get(f"vote-{d.pk}", "")
            for d in _deputies(session)
            if request.POST.get(f"vote-{d.pk}", "")
        }
        if not roll and any(totals[k] is None for k in ("for", "against", "abstain")):
            totals = None
        try:
            services.decision_record(
                actor=request.user, item=item, adopted=data["adopted"], number=data["number"], totals=totals, roll=roll
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The vote is recorded. Publish the decision when it is final."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("sittings:staff_manage", pk=session.pk)


@login_required
@require_POST
def staff_decision_publish(request, pk: int):
    decision = get_object_or_404(Decision.objects.select_related("item__session"), pk=pk)
    access_session_for_staff(request.user, decision.item.session_id)
    services.decision_publish(actor=request.user, decision=decision)
    messages.success(request, _("The decision is published."))
    return redirect("sittings:staff_manage", pk=decision.item.session_id)
