"""Pages of the notification centre: inbox, preferences, follows, one-click unsubscribe, staff status."""

from django import forms
from django.apps import apps
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
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import follows as follow_services
from notifications import selectors, services
from notifications.emails import read_unsubscribe_token, unsubscribe_token
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.registry import ALL_EMAILS, DIGEST_EVENTS, event_types, listed_event_types


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
def _topic(event) -> tuple[str, str]:
    """The topic an event belongs to on the settings page: its model's plural name ("Petitions")."""
    if event.model:
        try:
            model = apps.get_model(event.model)
        except (LookupError, ValueError):
            model = None
        if model is not None:
            name = str(model._meta.verbose_name_plural)
            return event.model, name[:1].upper() + name[1:]
    prefix = event.key.split(".", 1)[0]
    return prefix, prefix.replace("_", " ").capitalize()


class PreferencesForm(forms.Form):
    """One control per topic (petitions, hearings, recalls...): every event of the topic follows it."""

    def __init__(self, *args, events, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: dict[str, dict] = {}
        for event in events:
            key, label = _topic(event)
            self.groups.setdefault(key, {"key": key, "label": label, "events": []})["events"].append(event)
        for group in self.groups.values():
            prefs = [current.get(event.key) for event in group["events"]]
            pref = next((p for p in prefs if p is not None), None)
            emails = any(event.email for event in group["events"])
            group["descriptions"] = [str(event.label) for event in group["events"]]
            self.fields[f"in_app:{group['key']}"] = forms.BooleanField(
                required=False, label=gettext_lazy("In the inbox"), initial=pref.in_app if pref else True
            )
            self.fields[f"email:{group['key']}"] = forms.ChoiceField(
                choices=NotificationPreference.Email.choices if emails else [("off", _("No email"))],
                label=gettext_lazy("By email"),
                initial=pref.email if pref and emails else ("immediate" if emails else "off"),
            )

    def rows(self):
        return [
            {"group": group, "in_app": self[f"in_app:{group['key']}"], "email": self[f"email:{group['key']}"]}
            for group in self.groups.values()
        ]

    def choices(self) -> dict[str, tuple[bool, str]]:
        choices = {}
        for group in self.groups.values():
            in_app = self.cleaned_data[f"in_app:{group['key']}"]
            email = self.cleaned_data[f"email:{group['key']}"]
            for event in group["events"]:
                choices[event.key] = (in_app, email if event.email else "off")
        return choices


@login_required
def preferences(request):
    events = listed_event_types()
    current = {p.event: p for p in NotificationPreference.objects.filter(user=request.user)}
    form = PreferencesForm(request.POST or None, events=events, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(user=request.user, choices=form.choices())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notification_preferences")
    unsubscribe_all = reverse(
        "notification_unsubscribe", kwargs={"token": unsubscribe_token(request.user.pk, ALL_EMAILS)}
    )
    return render(request, "notifications/preferences.html", {"form": form, "unsubscribe_all": unsubscribe_all})


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
        label = _("All emails from Dauys")
    elif event in DIGEST_EVENTS:
        label = _("Daily digest") if event == "digest.daily" else _("Weekly digest")
    else:
        label = events[event].label
    if request.method == "POST":
        services.notification_unsubscribe(user_id=user_id, event=event)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label})


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
    if not deliveries.exists():
        raise Http404
    if status in EmailDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 100).get_page(request.GET.get("page"))
    label = event_types()[event].label if event in event_types() else event
    return render(
        request,
        "notifications/staff_occurrence.html",
        {
            "page": page,
            "event": event,
            "key": key,
            "label": label,
            "status": status,
            "statuses": EmailDelivery.Status.choices,
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
