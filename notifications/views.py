"""Pages of the notification centre: inbox, preferences, follows, one-click unsubscribe, staff status."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import follows as follow_services
from notifications import selectors, services
from notifications.emails import read_unsubscribe_token, unsubscribe_token
from notifications.forms import PreferencesForm
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.registry import ALL_EMAILS, DIGEST_EVENTS, event_types, listed_topics
from notifications.selectors import mask_email
from notifications.telegram import linking as telegram_linking
from notifications.telegram import telegram_enabled
from portal.logging import mask_personal_data


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# ------------------------------------------------------------------------------
# Inbox
# ------------------------------------------------------------------------------
@login_required
def inbox(request):
    notifications = Notification.objects.filter(user=request.user)
    if request.GET.get("unread") == "1":
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "rows": selectors.inbox_rows(page.object_list), "unread_only": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go to what it is about (a form button: works without JS)."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except ValidationError:
        raise Http404
    if request.POST.get("open") and notification.url:
        return redirect(notification.url)
    return redirect(_next_url(request, "notification_inbox"))


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notification_inbox")


# ------------------------------------------------------------------------------
# Preferences
# ------------------------------------------------------------------------------
@login_required
def preferences(request):
    current = {p.event: p for p in NotificationPreference.objects.filter(user=request.user)}
    chat = telegram_linking.telegram_chat_of(request.user) if telegram_enabled() else None
    form = PreferencesForm(request.POST or None, topics=listed_topics(), current=current, telegram=chat is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(user=request.user, choices=form.choices(), telegram=form.telegram_modes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notification_preferences")
    telegram = None
    if telegram_enabled():
        telegram = {"chat": chat, "link": None if chat else telegram_linking.telegram_link_url(user=request.user)}
    # The same signed link as in every email: a confirmation page, then one POST.
    unsubscribe_all = reverse(
        "notification_unsubscribe", kwargs={"token": unsubscribe_token(request.user.pk, ALL_EMAILS)}
    )
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "telegram": telegram, "unsubscribe_all_url": unsubscribe_all},
    )


@login_required
@require_POST
def telegram_unlink(request):
    if telegram_linking.telegram_unlink(user=request.user):
        messages.success(request, _("Telegram is disconnected: nothing more will be sent there."))
    return redirect("notification_preferences")


# ------------------------------------------------------------------------------
# Follows
# ------------------------------------------------------------------------------
@login_required
def follow_list(request):
    return render(request, "notifications/follows.html", {"rows": follow_services.follows_of_user(request.user)})


@require_POST
def follow_add(request):
    if not request.user.is_authenticated:
        return redirect_to_login(_next_url(request, "/"))
    try:
        obj = follow_services.follow_add_by_ref(
            user=request.user,
            object_type=request.POST.get("object_type", ""),
            object_id=request.POST.get("object_id", ""),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You now follow %(object)s.") % {"object": obj})
    return redirect(_next_url(request, "follow_list"))


@login_required
@require_POST
def follow_remove(request):
    removed = follow_services.follow_remove(
        user=request.user, object_type=request.POST.get("object_type", ""), object_id=request.POST.get("object_id", "")
    )
    if removed:
        messages.success(request, _("You no longer follow this."))
    return redirect(_next_url(request, "follow_list"))


# ------------------------------------------------------------------------------
# One-click unsubscribe (RFC 8058): no login, the signed token names the user and event type.
# Mail clients POST "List-Unsubscribe=One-Click" without a CSRF token, hence csrf_exempt; the
# token is the authorisation and the action is harmless to repeat.
# ------------------------------------------------------------------------------
@csrf_exempt
def unsubscribe(request, token: str):
    parsed = read_unsubscribe_token(token)
    events = event_types()
    if parsed is None or not (parsed[1] in events or parsed[1] in DIGEST_EVENTS or parsed[1] == ALL_EMAILS):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user_id, event = parsed
    if event == ALL_EMAILS:
        label = ""
    elif event in DIGEST_EVENTS:
        label = _("Daily digest") if event == "digest.daily" else _("Weekly digest")
    else:
        label = events[event].label
    context = {"label": label, "all": event == ALL_EMAILS}
    if request.method == "POST":
        services.notification_unsubscribe(user_id=user_id, event=event)
        return render(request, "notifications/unsubscribe.html", {**context, "done": True})
    return render(request, "notifications/unsubscribe.html", context)


# ------------------------------------------------------------------------------
# Staff: delivery status per event occurrence, failures, retry
# ------------------------------------------------------------------------------
def _staff_only(request):
    if not selectors.staff_may_see_deliveries(request.user):
        raise PermissionDenied


@login_required
def staff_deliveries(request):
    _staff_only(request)
    event = request.GET.get("event", "")
    failed_only = request.GET.get("failed") == "1"
    rows = selectors.delivery_summary(request.user, event=event, failed_only=failed_only)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    labels = {key: e.label for key, e in event_types().items()}
    for row in page.object_list:
        row["label"] = labels.get(row["event"], row["event"])
    return render(
        request,
        "notifications/staff_deliveries.html",
        {"page": page, "event": event, "failed_only": failed_only, "events": sorted(labels.items())},
    )


@login_required
def staff_occurrence(request):
    _staff_only(request)
    event, key = request.GET.get("event", ""), request.GET.get("key", "")
    status = request.GET.get("status", EmailDelivery.Status.FAILED)
    deliveries = selectors.occurrence_deliveries(request.user, event=event, key=key)
    counts = selectors.occurrence_counts(deliveries)
    if not counts:
        raise Http404
    # Staff see counts and failures; a recipient's address only for a failure, and masked (issue 13).
    failures = deliveries.filter(status=EmailDelivery.Status.FAILED)
    page = Paginator(failures, 100).get_page(request.GET.get("page"))
    rows = [
        {
            "recipient": mask_email(d.user.email),
            "attempts": d.attempts,
            "error": mask_personal_data(d.last_error or ""),
            "created_at": d.created_at,
        }
        for d in page
    ]
    label = event_types()[event].label if event in event_types() else event
    return render(
        request,
        "notifications/staff_occurrence.html",
        {
            "page": page,
            "rows": rows,
            "event": event,
            "key": key,
            "label": label,
            "counts": [(text, counts.get(value, 0)) for value, text in EmailDelivery.Status.choices],
            "status": status,
        },
    )


@login_required
@require_POST
def staff_retry(request):
    _staff_only(request)
    event, key = request.POST.get("event", ""), request.POST.get("key", "")
    try:
        count = services.deliveries_retry(actor=request.user, event=event, key=key)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except PermissionDenied:
        raise Http404
    else:
        messages.success(request, _("Failed emails queued again: %(count)s.") % {"count": count})
    return redirect("staff_notifications")
