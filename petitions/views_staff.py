"""The staff area for petitions: moderation queue, answers, trending sources and invalidation,
delivery records, and the entry of paper signatures."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.selectors import maslikhat_chair
from petitions import access, selectors, services, signing
from petitions import paper as paper_service
from petitions.forms import AnswerForm, ApproveForm, InvalidateForm, PaperSignatureForm, PaperWithdrawForm, RejectForm
from petitions.models import Petition
from petitions.signer_identity import collecting_or_refuse
from portal.views_helpers import REFUSALS, flash_call, flash_refusal, form_errors

S = Petition.Status


def _scoped(codes):
    petitions = Petition.objects.select_related("maslikhat", "author")
    return petitions if codes is None else petitions.filter(maslikhat__code__in=codes)


@login_required
def queue(request):
    moderation, answers = access.moderation_codes(request.user), access.answer_codes(request.user)
    # A deputy who is not the chairperson follows what waits for the maslikhat's answer, read-only.
    followed = None if answers is None else answers | access.deputy_codes(request.user)
    if moderation == set() and followed == set():
        raise Http404
    to_moderate = (
        _scoped(moderation).filter(status__in=[S.SUBMITTED, S.IN_MODERATION]).order_by("moderation_due", "id")
        if moderation != set()
        else []
    )
    to_answer = (
        list(_scoped(followed).filter(status__in=[S.THRESHOLD_REACHED, S.AWAITING_ANSWER]).order_by("answer_due", "id"))
        if followed != set()
        else []
    )
    for petition in to_answer:
        petition.may_answer = answers is None or petition.maslikhat.code in answers
    paper = access.paper_codes(request.user)
    collecting = _scoped(paper).signable().order_by("collection_ends", "id") if paper != set() else []
    return render(
        request,
        "petitions/staff/queue.html",
        {
            "to_moderate": to_moderate,
            "to_answer": to_answer,
            "collecting": collecting,
            "may_enter_paper": paper != set(),
            "today": timezone.localdate(),
            "may_see_sources": moderation != set(),
        },
    )


@login_required
def moderate(request, pk):
    petition = access.access_petition_for_moderator(request.user, pk)
    rules = selectors.rules_for_maslikhat(petition.maslikhat)  # the topics in force, as the rejection checks
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
    chair = access.sitting_chair(request.user)
    in_person = chair is not None and chair.maslikhat_id == petition.maslikhat_id
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        chair=None if in_person else maslikhat_chair(petition.maslikhat),
        signs_in_person=in_person,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_answer(petition=petition, actor=request.user, **form.cleaned_data)
        except REFUSALS as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The answer is published and the author and signers are told."))
            return redirect(petition.get_absolute_url())
    return render(
        request,
        "petitions/staff/answer.html",
        {"petition": petition, "form": form, "chair": chair if in_person else None},
    )


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


def _date_param(raw: str):
    """The date of the row saved last (`?on=`), to start the next row from; None when unreadable."""
    from django import forms

    try:
        return forms.DateField(required=False).clean(raw)
    except ValidationError:
        return None


def _saved_message(signature, total: int) -> str:
    if signature.district_id:
        where = _("district %(number)s") % {"number": signature.district.number}
    elif signature.is_resident:
        where = _("a resident outside the electoral districts")
    else:
        where = _("not a resident: counted apart from the threshold")
    return _("Saved: %(iin)s, %(where)s. Paper signatures of this petition: %(total)s.") % {
        "iin": signature.masked_iin,
        "where": where,
        "total": total,
    }


@login_required
def paper(request, pk):
    """Paper sheets typed in one row at a time by the maslikhat's staff: the form, the sheet to
    print, and the rows entered so far with a way to withdraw one entered by mistake."""
    petition = access.access_petition_for_paper(request.user, pk)
    try:
        collecting_or_refuse(petition, timezone.localdate())
        closed = ""
    except ValidationError as error:
        closed = " ".join(error.messages)
    if request.method == "POST" and closed:
        messages.error(request, closed)
        return redirect("petitions:staff_paper", pk=petition.pk)
    form = PaperSignatureForm(request.POST or None, initial={"signed_on": _date_param(request.GET.get("on", ""))})
    status = 200
    if request.method == "POST":
        form.is_valid()  # reads the date; the service judges the row
        data = {name: form.cleaned_data.get(name, "") for name in ("full_name", "iin", "address")}
        entry = paper_service.PaperSignature(**data, signed_on=form.cleaned_data.get("signed_on"))
        try:
            if form.errors:  # an unreadable date: still say what else is wrong with the row
                paper_service.paper_signature_check(petition=petition, entry=entry)
            else:
                signature = paper_service.paper_signature_add(petition=petition, actor=request.user, entry=entry)
        except REFUSALS as error:
            _add_refusal(form, error)
        if form.errors:
            status = 400
        else:
            messages.success(request, _saved_message(signature, selectors.paper_signature_total(petition)))
            url = reverse("petitions:staff_paper", kwargs={"pk": petition.pk})
            return redirect(f"{url}?on={entry.signed_on.isoformat()}")
    form.focus()
    return render(
        request,
        "petitions/staff/paper.html",
        {
            "petition": petition,
            "closed": closed,
            "form": form,
            "withdraw_form": PaperWithdrawForm(),
            "rows": selectors.paper_signature_rows(petition),
            "total": selectors.paper_signature_total(petition),
            "list_limit": selectors.PAPER_LIST_LIMIT,
        },
        status=status,
    )


def _add_refusal(form, error) -> None:
    """The service's refusal on the form, less what the form already says of a field (an
    unreadable date is not also reported as missing)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        kept = {field: texts for field, texts in error.message_dict.items() if field not in form.errors}
        if kept:
            form_errors(form, ValidationError(kept))
        return
    form_errors(form, error)


@login_required
@require_POST
def paper_withdraw(request, pk, signature_pk):
    petition = access.access_petition_for_paper(request.user, pk)
    flash_call(
        request,
        lambda: paper_service.paper_signature_withdraw(
            petition=petition, actor=request.user, signature_id=signature_pk, reason=request.POST.get("reason", "")
        ),
        _("The row is withdrawn; the count drops at the next tally."),
    )
    return redirect("petitions:staff_paper", pk=petition.pk)
