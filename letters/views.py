"""Public pages of letters: write to a deputy (one, or all of one's deputies), one's own messages,
the deputy's reply page (no account), "did you get a reply?" (no login), the method, and booking a
reception slot. Thin: parse, call a service, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from deputies.models import Deputy
from deputies.selectors import deputy_get, representatives_for_address
from letters import access, reception, selectors, services
from letters.calendar import slot_invitation
from letters.forms import BookingForm, FollowupForm, ReplyForm, ReportForm, WriteForm, apply_errors
from letters.links import LinkError, followup_read, reply_link_read
from letters.models import Message, ReceptionSlot
from portal.middleware import client_ip


def _deputy_or_404(pk: int) -> Deputy:
    try:
        return deputy_get(pk)
    except Deputy.DoesNotExist:
        raise Http404 from None


def _rules():
    try:
        return services.rules_in_force()
    except ValidationError:
        return None


@login_required
def write(request, pk: int):
    deputy = _deputy_or_404(pk)
    initial = {"address": request.GET.get("address", "")[:200] or request.user.address}
    form = WriteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send(
                author=request.user, deputy=deputy, ip=client_ip(request), **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            apply_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
        else:
            messages.success(request, _("Your message is on its way to %(name)s.") % {"name": deputy.full_name})
            return redirect(message.get_absolute_url())
    return render(
        request,
        "letters/write.html",
        {"deputy": deputy, "form": form, "rules": _rules(), "status": 400 if form.errors else 200},
        status=400 if form.errors else 200,
    )


@login_required
def write_all(request):
    address = (request.POST.get("address") or request.GET.get("address", ""))[:200]
    deputies = []
    if address:
        try:
            answer = representatives_for_address(address)
        except ValidationError:
            answer = None
        if answer is not None and len(answer.matches) == 1:
            deputies = [d for d in answer.matches[0].representatives if d.is_active]
    form = WriteForm(request.POST or None, initial={"address": address})
    if request.method == "POST" and form.is_valid():
        if not deputies:
            form.add_error("address", _("We found no deputies for this address."))
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k != "author_consents"}
            try:
                sent = services.message_send_to_all(
                    author=request.user, deputies=deputies, ip=client_ip(request), **data
                )
            except (ValidationError, PermissionDenied) as error:
                apply_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d separate message is on its way.",
                        "%(count)d separate messages are on their way, one to each deputy.",
                        len(sent),
                    )
                    % {"count": len(sent)},
                )
                return redirect("letters:my_messages")
    return render(
        request,
        "letters/write_all.html",
        {"form": form, "deputies": deputies, "address": address, "rules": _rules()},
        status=400 if form.errors else 200,
    )


@login_required
def my_messages(request):
    return render(request, "letters/my_messages.html", {"items": selectors.message_list_for_author(request.user)})


@login_required
def message_detail(request, pk: int):
    message = access.access_message_for_author(request.user, pk)
    if request.method == "POST":
        services.message_author_consent(
            user=request.user, message=message, consents=request.POST.get("consents") == "1"
        )
        messages.success(request, _("Your choice about publication is saved."))
        return redirect(message.get_absolute_url())
    return render(request, "letters/message.html", {"message": message, "rules": _rules()})


def _link_problem(error: LinkError) -> str:
    return {
        "used": _("This message has already been answered. Thank you."),
        "revoked": _("This link has been replaced by a newer one: use the link in the latest email."),
        "expired": _("This link has expired. Ask the maslikhat's staff for a new one."),
    }.get(error.reason, _("This link is not valid."))


def reply(request, token: str):
    """The deputy's page: the message, a reply form and a report button. No account needed."""
    rules = _rules()
    try:
        link = reply_link_read(token, max_age_days=rules.reply_link_days if rules else 0)
    except LinkError as error:
        return render(request, "letters/reply_closed.html", {"problem": _link_problem(error)}, status=410)
    message = link.message
    form = ReplyForm(request.POST or None)
    report_form = ReportForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.message_reply(token=token, **form.cleaned_data)
        except LinkError as error:
            return render(request, "letters/reply_closed.html", {"problem": _link_problem(error)}, status=410)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return render(request, "letters/reply_closed.html", {"problem": _("Your reply has been sent. Thank you.")})
    return render(
        request,
        "letters/reply.html",
        {"message": message, "form": form, "report_form": report_form, "token": token},
        status=400 if form.errors else 200,
    )


@require_POST
def reply_report(request, token: str):
    form = ReportForm(request.POST)
    if not form.is_valid():
        return redirect("letters:reply", token=token)
    try:
        services.message_report(token=token, reason=form.cleaned_data["reason"])
    except LinkError as error:
        return render(request, "letters/reply_closed.html", {"problem": _link_problem(error)}, status=410)
    return render(
        request,
        "letters/reply_closed.html",
        {"problem": _("Thank you: the maslikhat's moderators will look at this message. You can still reply.")},
    )


def followup(request, token: str):
    """ "Did you get a reply?" from the citizen's email; works without login."""
    message_id = followup_read(token)
    message = Message.objects.select_related("deputy").filter(pk=message_id).first() if message_id else None
    if message is None:
        raise Http404
    form = FollowupForm(request.POST or None, initial={"answer": request.GET.get("answer", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_followup_answer(message_id=message.pk, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return render(request, "letters/followup_done.html", {"message": message})
    return render(
        request, "letters/followup.html", {"message": message, "form": form}, status=400 if form.errors else 200
    )


def method(request):
    return render(request, "letters/method.html", {"rules": _rules()})


# ------------------------------------------------------------------------------
# Reception slots
# ------------------------------------------------------------------------------
@login_required
@require_POST
def book(request, pk: int):
    slot = get_object_or_404(ReceptionSlot.objects.select_related("deputy"), pk=pk)
    form = BookingForm(request.POST)
    topic = form.cleaned_data["topic"] if form.is_valid() else ""
    try:
        _booking, outcome = reception.booking_create(user=request.user, slot=slot, topic=topic)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if outcome == "already":
            messages.info(request, _("You have already booked this reception."))
        else:
            messages.success(request, _("Your place is booked. The invitation is in your email."))
    return redirect(slot.get_absolute_url())


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = access.access_booking_for_user(request.user, pk)
    try:
        reception.booking_cancel(user=request.user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your booking is cancelled."))
    return redirect(booking.slot.get_absolute_url())


@login_required
def booking_ics(request, pk: int):
    booking = access.access_booking_for_user(request.user, pk)
    response = HttpResponse(slot_invitation(booking.slot), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reception-{booking.slot_id}.ics"'
    return response


@login_required
def reception_day(request):
    """The day's list of receptions with the people booked: staff of the maslikhat, or the deputy."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    deputy = getattr(request.user, "deputy", None)
    slots = access.slots_for_staff(request.user)
    if deputy is not None:
        slots = slots | ReceptionSlot.objects.filter(deputy=deputy)
    elif not access.staff_maslikhats_exist(request.user):
        raise PermissionDenied
    return render(request, "letters/reception_day.html", {"day": day, "slots": selectors.reception_day(slots, day)})
