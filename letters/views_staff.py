"""The staff area of letters: messages for deputies without email (print or forward, record how),
reports and publication requests to moderate, and reception slots. Every action is audited by its
service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from deputies.access import staff_maslikhats
from deputies.models import Deputy
from letters import access, reception, selectors, services
from letters.forms import ForwardForm, SlotForm, apply_errors


def _require_staff(user):
    maslikhats = staff_maslikhats(user)
    if not maslikhats.exists():
        raise PermissionDenied
    return maslikhats


@login_required
def staff_queue(request):
    maslikhats = _require_staff(request.user)
    return render(request, "letters/staff/queue.html", selectors.staff_queue(maslikhats))


@login_required
def staff_message(request, pk: int):
    message = access.access_message_for_staff(request.user, pk)
    form = ForwardForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "forward":
                if form.is_valid():
                    services.message_forward(actor=request.user, message=message, how=form.cleaned_data["how"])
                    messages.success(request, _("Recorded. The message now counts as delivered."))
                    return redirect("letters:staff_queue")
            elif action in ("keep", "remove"):
                services.message_moderate(actor=request.user, message=message, decision=action)
                messages.success(request, _("Decision recorded."))
                return redirect("letters:staff_queue")
            elif action in ("publish", "refuse"):
                services.message_publication_decide(actor=request.user, message=message, publish=action == "publish")
                messages.success(request, _("Decision recorded."))
                return redirect("letters:staff_queue")
        except ValidationError as error:
            apply_errors(form, error)
    return render(request, "letters/staff/message.html", {"message": message, "form": form})


@login_required
def staff_reception(request):
    maslikhats = _require_staff(request.user)
    deputies = Deputy.objects.filter(maslikhat__in=maslikhats, status=Deputy.Status.ACTIVE).select_related("maslikhat")
    form = SlotForm(request.POST or None, deputies=deputies)
    if request.method == "POST" and form.is_valid():
        try:
            created = reception.reception_slots_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            count = len(created)
            messages.success(
                request,
                ngettext("%(count)d reception slot added.", "%(count)d reception slots added.", count)
                % {"count": count},
            )
            return redirect("letters:staff_reception")
    slots = access.slots_for_staff(request.user).upcoming().select_related("deputy").prefetch_related("bookings")[:200]
    return render(
        request, "letters/staff/reception.html", {"form": form, "slots": slots, "today": timezone.localdate()}
    )


@login_required
@require_POST
def staff_slot_cancel(request, pk: int):
    slot = access.access_slot_for_staff(request.user, pk)
    reception.reception_slot_cancel(actor=request.user, slot=slot)
    messages.success(request, _("The reception is cancelled; the people booked are told."))
    return redirect("letters:staff_reception")
