"""The staff area for petitions: moderation queue, answers, trending sources and invalidation."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import access, selectors, services, signing
from petitions.forms import AnswerForm, ApproveForm, InvalidateForm, RejectForm
from petitions.models import Petition
from portal.views_helpers import REFUSALS, flash_refusal, form_errors

S = Petition.Status


def _scoped(codes):
    petitions = Petition.objects.select_related("maslikhat", "author")
    return petitions if codes is None else petitions.filter(maslikhat__code__in=codes)


@login_required
def queue(request):
    moderation, answers = access.moderation_codes(request.user), access.answer_codes(request.user)
    if moderation == set() and answers == set():
        raise Http404
    to_moderate = (
        _scoped(moderation).filter(status__in=[S.SUBMITTED, S.IN_MODERATION]).order_by("moderation_due", "id")
        if moderation != set()
        else []
    )
    to_answer = (
        _scoped(answers).filter(status__in=[S.THRESHOLD_REACHED, S.AWAITING_ANSWER]).order_by("answer_due", "id")
        if answers != set()
        else []
    )
    return render(
        request,
        "petitions/staff/queue.html",
        {
            "to_moderate": to_moderate,
            "to_answer": to_answer,
            "today": timezone.localdate(),
            "may_see_sources": moderation != set(),
        },
    )


@login_required
def moderate(request, pk):
    petition = access.access_petition_for_moderator(request.user, pk)
    rules = petition.rules or selectors.rules_for_maslikhat(petition.maslikhat)
    reject_form = RejectForm(categories=rules.category_choices())
    approve_form = ApproveForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "take":
                services.petition_take_for_moderation(petition=petition, actor=request.user)
                messages.success(request, _("You are moderating this petition."))
                return redirect("petitions:staff_moderate", pk=petition.pk)
            if action == "approve":
                approve_form = ApproveForm(request.POST)
                if approve_form.is_valid():
                    services.petition_approve(
                        petition=petition, actor=request.user, note=approve_form.cleaned_data["note"]
                    )
                    messages.success(request, _("Approved: the petition is gathering its first supporters by link."))
                    return redirect("petitions:staff_queue")
            elif action == "reject":
                reject_form = RejectForm(request.POST, categories=rules.category_choices())
                if reject_form.is_valid():
                    services.petition_reject(petition=petition, actor=request.user, **reject_form.cleaned_data)
                    messages.success(request, _("Rejected; the reason is published and the author is told."))
                    return redirect("petitions:staff_queue")
        except ValidationError as error:
            form_errors(reject_form if action == "reject" else approve_form, error)
        except PermissionDenied as error:
            flash_refusal(request, error)
    return render(
        request,
        "petitions/staff/moderate.html",
        {
            "petition": petition,
            "rules": rules,
            "reject_form": reject_form,
            "approve_form": approve_form,
            "similar": selectors.similar_petitions(title=petition.title, text=petition.text, exclude_pk=petition.pk),
            "today": timezone.localdate(),
        },
    )


@login_required
def answer(request, pk):
    petition = access.access_petition_for_answerer(request.user, pk)
    if petition.status != S.AWAITING_ANSWER:
        # The form is offered only when an answer is due (it used to open, then refuse with an empty date).
        messages.info(
            request, _("This petition is not awaiting an answer: it can be answered once it is sent to the maslikhat.")
        )
        return redirect(petition.get_absolute_url())
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_answer(
                petition=petition,
                actor=request.user,
                text=form.cleaned_data["text"],
                attachments=form.cleaned_data["attachments"],
            )
        except REFUSALS as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The answer is published and the author and signers are told."))
            return redirect(petition.get_absolute_url())
    return render(request, "petitions/staff/answer.html", {"petition": petition, "form": form})


@login_required
def sources(request):
    codes = access.moderation_codes(request.user)
    if codes == set():
        raise Http404
    petitions = _scoped(codes).filter(status__in=Petition.SIGNABLE_STATUSES)
    raw = request.GET.get("hours", "24")
    hours = min(max(int(raw), 1), 24 * 30) if raw.isdigit() else 24
    return render(
        request,
        "petitions/staff/sources.html",
        {
            "trends": selectors.trending_sources(petitions=petitions, hours=hours),
            "hours": hours,
        },
    )


@login_required
def invalidate(request, pk):
    petition = access.access_petition_for_moderator(request.user, pk)
    form = InvalidateForm(request.POST or request.GET or None)
    preview, count = [], None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        since = timezone.now() - timedelta(hours=data["hours"])
        rows = selectors.invalidation_candidates(
            petition=petition,
            ip_prefix=data["ip_prefix"].strip(),
            email_domain=data["email_domain"].strip(),
            since=since,
        )
        if request.method == "POST" and request.POST.get("confirm") == "1":
            try:
                done = signing.signatures_invalidate(
                    petition=petition,
                    actor=request.user,
                    ip_prefix=data["ip_prefix"].strip(),
                    email_domain=data["email_domain"].strip(),
                    since=since,
                    reason=data["reason"],
                )
            except ValidationError as error:
                form_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request, _("%(count)s signatures invalidated; the count drops at the next tally.") % {"count": done}
                )
                return redirect(reverse("petitions:staff_sources"))
        count = rows.count()
        preview = [
            (
                row.signer.public_name if row.signer else row.get_method_display(),
                row.created_at,
                row.ip_prefix,
                row.email_domain,
            )
            for row in rows.select_related("signer").order_by("-created_at")[:50]
        ]
    return render(
        request,
        "petitions/staff/invalidate.html",
        {"petition": petition, "form": form, "preview": preview, "count": count},
    )


@login_required
def delivery(request, pk):
    """The delivered appeal: what was sent, and the office's registration number and extension."""
    from petitions import appeal_record
    from petitions.forms import ExtensionForm, RegistrationForm
    from petitions.models import PetitionDelivery

    petition = access.access_petition_for_answerer(request.user, pk)
    sent = PetitionDelivery.objects.filter(petition=petition).first()
    which = request.POST.get("form", "")
    registration = RegistrationForm(request.POST if which == "registration" else None, prefix="registration")
    extension = ExtensionForm(request.POST if which == "extension" else None, prefix="extension")
    form = {"registration": registration, "extension": extension}.get(which)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if which == "registration":
                appeal_record.petition_registration_record(
                    petition=petition, actor=request.user, number=form.cleaned_data["number"]
                )
            else:
                appeal_record.petition_answer_extend(petition=petition, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("petitions:staff_delivery", pk=petition.pk)
    return render(
        request,
        "petitions/staff/delivery.html",
        {"petition": petition, "delivery": sent, "registration": registration, "extension": extension},
    )
