from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from portal.audit import action_label, scope_names
from portal.models import AuditEntry, User
from portal.staff import staff_sections_for


def home(request):
    # The search answers on the deputies app's page; portal names it by URL only, never imports it.
    return render(request, "portal/home.html", {"representatives_url": reverse("deputies:representatives")})


@login_required
def staff_home(request):
    sections = staff_sections_for(request.user)
    if not sections and not request.user.is_superuser:
        raise PermissionDenied
    tiles = [{"section": section, "waiting": section.waiting_for(request.user)} for section in sections]
    return render(request, "portal/staff_home.html", {"sections": sections, "tiles": tiles})


@login_required
def audit_log(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    entries = AuditEntry.objects.select_related(None).all()
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    scopes = scope_names({entry.scope_code for entry in rows})
    people = {
        user.pk: " ".join(part for part in (user.first_name, user.last_name) if part) or user.email
        for user in User.objects.filter(pk__in={entry.actor_id for entry in rows if entry.actor_id})
    }
    for entry in rows:
        entry.action_label = action_label(entry.action, entry.object_type)
        entry.scope_name = scopes.get(entry.scope_code, entry.scope_code)
        entry.actor_name = people.get(entry.actor_id, entry.actor_label)
    return render(request, "portal/audit_log.html", {"page": page, "rows": rows, "action": action})
