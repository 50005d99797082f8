"""Pages of the recall procedure: public pages, the initiative group's and signers' forms, the
deputy's reply, and the election commission's queue in the staff area. Thin: parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deputies.addresses import AddressInputError
from deputies.models import Deputy
from deputies.selectors import address_lookup
from portal.views_helpers import flash_call, flash_refusal, form_errors
from recalls import rules as recall_rules
from recalls import selectors as recall_selectors
from recalls import services as recall_services
from recalls.access import (
    access_recall_for_commission,
    access_recall_for_deputy,
    access_recall_for_viewer,
    commission_scopes,
    is_commission_for,
    is_deputy_user,
    is_initiator,
)
from recalls.forms import (
    RecallJoinForm,
    RecallRefuseForm,
    RecallRegisterForm,
    RecallReplyForm,
    RecallSignForm,
    RecallStartForm,
    RecallVoteForm,
    RecallWithdrawForm,
)
from recalls.models import RecallRequest, RecallSignature

QUEUE_PAGE_SIZE = 50


# ------------------------------------------------------------------------------
# Public pages
# ------------------------------------------------------------------------------
def recall_list(request):
    recalls = recall_selectors.recall_list_public(
        maslikhat=request.GET.get("maslikhat", "").strip(), status=request.GET.get("status", "").strip()
    )
    page = Paginator(recalls, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "recalls/list.html",
        {"page": page, "statuses": RecallRequest.Status.choices, "status": request.GET.get("status", "")},
    )


def recall_detail(request, pk: int):
    data = recall_selectors.recall_get_page(pk)
    recall = data.recall
    user = request.user
    context = {
        "data": data,
        "recall": recall,
        "rules": recall.rules,
        "membership": recall_selectors.recall_membership(recall, user),
        "my_signature": recall_selectors.recall_signature_of(recall, user),
        "is_initiator": is_initiator(user, recall),
        "is_deputy": is_deputy_user(user, recall.deputy),
        "is_commission": is_commission_for(user, recall),
        "min_group_size": recall.rules.min_group_size,
        "can_submit_group": recall.status == RecallRequest.Status.GROUP_FORMING
        and recall.group_size >= recall.rules.min_group_size,
        "can_submit_signatures": recall.status == RecallRequest.Status.COLLECTING
        and data.signatures >= (recall.signature_threshold or 0),
    }
    return render(request, "recalls/detail.html", context)


def recall_start(request):
    """Without a deputy: find the single-mandate deputies of an address. With one: the form."""
    deputy_id = request.GET.get("deputy") or request.POST.get("deputy")
    if not deputy_id:
        return _recall_start_pick(request)
    deputy = get_object_or_404(
        Deputy.objects.select_related("maslikhat", "district", "convocation"),
        pk=deputy_id if str(deputy_id).isdigit() else 0,
    )
    rules = recall_rules.rules_in_force(_today())
    problem = (
        recall_rules.eligibility_error(deputy, on=_today(), rules=rules)
        if rules
        else _("No recall rules are in force yet.")
    )
    open_recall = recall_selectors.recall_open_for_deputy(deputy)
    form = RecallStartForm(request.POST or None, initial={"address": getattr(request.user, "address", "")})
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?{urlencode({'next': f'{request.path}?deputy={deputy.pk}'})}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                recall = recall_services.recall_start(
                    user=request.user,
                    deputy=deputy,
                    full_name=data["full_name"],
                    iin=data["iin"],
                    address=data["address"],
                    ground=data["ground"],
                    grounds=data["grounds"],
                )
            except (ValidationError, PermissionDenied) as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The recall request is open. Share its page so that voters of the "
                        "district can join the initiative group."
                    ),
                )
                return redirect(recall)
    response = render(
        request,
        "recalls/start.html",
        {
            "deputy": deputy,
            "problem": problem,
            "open_recall": open_recall,
            "form": form,
            "rules": rules,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _recall_start_pick(request):
    address = request.GET.get("address", "").strip()
    deputies, hint, error = [], "", ""
    if address:
        try:
            lookup = address_lookup(address)
        except AddressInputError as exc:
            error = exc.messages[0]
        else:
            hint = lookup.hint
            districts = [d for m in lookup.matches for d in m.districts]
            deputies = list(
                Deputy.objects.filter(district__in=districts, status=Deputy.Status.ACTIVE)
                .select_related("maslikhat", "district")
                .order_by("maslikhat__level", "maslikhat__code")
            )
    return render(
        request,
        "recalls/start_pick.html",
        {"address": address, "deputies": deputies, "hint": hint, "error": error},
    )


def _today():
    return timezone.localdate()


def _login_url():
    return reverse("account_login")


@never_cache
@login_required
def recall_join(request, pk: int):
    recall = access_recall_for_viewer(pk)
    form = RecallJoinForm(request.POST or None, initial={"address": request.user.address})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recall_services.recall_join(
                user=request.user, recall=recall, full_name=data["full_name"], iin=data["iin"], address=data["address"]
            )
        except (ValidationError, PermissionDenied) as error:
            form_errors(form, error)
        else:
            messages.success(request, _("You have joined the initiative group."))
            return redirect(recall)
    return render(request, "recalls/join.html", {"recall": recall, "form": form})


@never_cache
@login_required
def recall_sign(request, pk: int):
    recall = access_recall_for_viewer(pk)
    form = RecallSignForm(request.POST or None, initial={"address": request.user.address})
    if request.method == "POST" and form.is_valid():
        try:
            _signature, created = recall_services.recall_sign(
                user=request.user, recall=recall, iin=form.cleaned_data["iin"], address=form.cleaned_data["address"]
            )
        except (ValidationError, PermissionDenied) as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you: your signature has been recorded.")
                if created
                else _("You had already signed this recall request."),
            )
            return redirect(recall)
    return render(request, "recalls/sign.html", {"recall": recall, "form": form})


@login_required
@require_POST
def recall_submit_group(request, pk: int):
    recall = access_recall_for_viewer(pk)
    flash_call(
        request,
        lambda: recall_services.recall_submit_group(actor=request.user, recall=recall),
        _("The initiative group has been submitted to the election commission."),
    )
    return redirect(recall)


@login_required
def recall_withdraw(request, pk: int):
    recall = access_recall_for_viewer(pk)
    if not is_initiator(request.user, recall):
        raise PermissionDenied
    form = RecallWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recall_services.recall_withdraw(actor=request.user, recall=recall, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The recall request has been withdrawn."))
            return redirect(recall)
    return render(request, "recalls/withdraw.html", {"recall": recall, "form": form})


@login_required
@require_POST
def recall_submit_signatures(request, pk: int):
    recall = access_recall_for_viewer(pk)
    flash_call(
        request,
        lambda: recall_services.recall_submit_signatures(actor=request.user, recall=recall),
        _("The signatures have been handed to the election commission for verification."),
    )
    return redirect(recall)


@login_required
def recall_reply(request, pk: int):
    recall = access_recall_for_deputy(request.user, pk)
    form = RecallReplyForm(request.POST or None, initial={"text": recall.deputy_reply})
    if request.method == "POST" and form.is_valid():
        try:
            recall_services.recall_reply(actor=request.user, recall=recall, text=form.cleaned_data["text"])
        except (ValidationError, PermissionDenied) as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Your reply is published beside the recall request."))
            return redirect(recall)
    return render(request, "recalls/reply.html", {"recall": recall, "form": form})


# ------------------------------------------------------------------------------
# The election commission (staff area)
# ------------------------------------------------------------------------------
@login_required
def staff_recalls(request):
    scopes = commission_scopes(request.user)
    if not scopes and not request.user.is_superuser:
        raise PermissionDenied
    # A superuser sees the overview of every territory but opens none: verification, with full IINs,
    # is for the election commission alone (recalls.access.is_commission_for).
    overview = request.user.is_superuser and not scopes
    recalls = recall_selectors.recall_list_for_commission(scopes if not overview else None)
    page = Paginator(recalls, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recalls/staff_list.html",
        {"page": page, "today": _today(), "scopes": scopes, "overview": overview},
    )


@never_cache
@login_required
def staff_recall_detail(request, pk: int):
    recall = access_recall_for_commission(request.user, pk)
    members = list(recall.members.all())
    if members:
        recall_services.recall_audit_iin_view(actor=request.user, recall=recall, what="group", count=len(members))
    context = {
        "recall": recall,
        "rules": recall.rules,
        "members": members,
        "register_form": RecallRegisterForm(rules=recall.rules),
        "refuse_form": RecallRefuseForm(),
        "vote_form": RecallVoteForm(initial={"voters": recall.registered_voters or recall.district.registered_voters}),
        "tally": recall_selectors.recall_verification_tally(recall),
        "signatures": recall_selectors.recall_signature_count(recall),
        "deadline": recall_selectors.recall_deadline(recall),
    }
    return render(request, "recalls/staff_detail.html", context)


@login_required
@require_POST
def staff_recall_register(request, pk: int):
    recall = access_recall_for_commission(request.user, pk)
    form = RecallRegisterForm(request.POST, rules=recall.rules)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("recalls:staff_detail", pk=recall.pk)
    flash_call(
        request,
        lambda: recall_services.recall_register(
            actor=request.user, recall=recall, collection_working_days=form.cleaned_data["collection_working_days"]
        ),
        _("The initiative group is registered; signature collection is open."),
    )
    return redirect("recalls:staff_detail", pk=recall.pk)


@login_required
@require_POST
def staff_recall_refuse(request, pk: int):
    recall = access_recall_for_commission(request.user, pk)
    form = RecallRefuseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for the refusal."))
        recall_services.recall_refuse(actor=request.user, recall=recall, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        flash_refusal(request, error)
    else:
        messages.success(request, _("Registration has been refused."))
    return redirect("recalls:staff_detail", pk=recall.pk)


@never_cache
@login_required
def staff_recall_signatures(request, pk: int):
    """The verification queue: full IINs for the commission only; every view is audited."""
    recall = access_recall_for_commission(request.user, pk)
    if request.method == "POST":
        _queue_post(request, recall)
        return redirect(request.get_full_path())
    result = request.GET.get("result", "")
    sample_only = recall.verification_mode == RecallRequest.VerificationMode.SAMPLE and request.GET.get("all") != "1"
    queue = recall_selectors.recall_signature_queue(recall, result=result, sample_only=sample_only)
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    tally = recall_selectors.recall_verification_tally(recall)
    collisions = list(recall.iin_collisions.order_by("created_at", "pk"))
    if rows or collisions:
        recall_services.recall_audit_iin_view(
            actor=request.user, recall=recall, what="signatures", count=len(rows) + len(collisions)
        )
    return render(
        request,
        "recalls/staff_queue.html",
        {
            "recall": recall,
            "page": page,
            "rows": rows,
            "result": result,
            "sample_only": sample_only,
            "tally": tally,
            "sample_preview": recall_rules.sample_size(tally["total"], recall.rules),
            "reasons": RecallSignature.InvalidReason.choices,
            "results": RecallSignature.Result.choices,
            "can_mark": recall.status == RecallRequest.Status.VERIFICATION,
            "collisions": collisions,
        },
    )


def _queue_post(request, recall) -> None:
    post = request.POST
    try:
        if "valid_one" in post:
            ids, result, reason = [post["valid_one"]], "valid", ""
        elif "invalid_one" in post:
            pk = post["invalid_one"]
            ids, result, reason = [pk], "invalid", post.get(f"reason_{pk}", "")
        else:
            ids, result, reason = post.getlist("ids"), post.get("result", ""), post.get("reason", "")
        ids = [int(pk) for pk in ids if str(pk).isdigit()]
        count = recall_services.recall_signatures_mark(
            actor=request.user, recall=recall, signature_ids=ids, result=result, reason=reason
        )
    except (ValidationError, PermissionDenied) as error:
        flash_refusal(request, error)
    else:
        messages.success(request, _("%(n)s signatures marked.") % {"n": count})


@login_required
@require_POST
def staff_recall_sample(request, pk: int):
    recall = access_recall_for_commission(request.user, pk)
    flash_call(
        request,
        lambda: recall_services.recall_sample_draw(actor=request.user, recall=recall),
        lambda size: _("A random sample of %(n)s signatures has been drawn.") % {"n": size},
    )
    return redirect("recalls:staff_signatures", pk=recall.pk)


@login_required
@require_POST
def staff_recall_finish(request, pk: int):
    recall = access_recall_for_commission(request.user, pk)
    flash_call(
        request,
        lambda: recall_services.recall_verification_finish(actor=request.user, recall=recall),
        lambda done: _("Verification is complete: %(stage)s.") % {"stage": done.get_status_display()},
    )
    return redirect("recalls:staff_detail", pk=recall.pk)


@login_required
@require_POST
def staff_recall_vote(request, pk: int):
    recall = access_recall_for_commission(request.user, pk)
    form = RecallVoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        recall = recall_services.recall_vote_record(actor=request.user, recall=recall, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        flash_refusal(request, error)
    else:
        messages.success(
            request, _("The result has been recorded: %(stage)s.") % {"stage": recall.get_status_display()}
        )
    return redirect("recalls:staff_detail", pk=recall.pk)
