"""Staff area pages of the deputies app: role grants scoped to the staff member's maslikhats."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import RoleGrant
from portal.services import role_grant, role_revoke

from deputies.access import staff_maslikhats


@login_required
def staff_roles(request):
    maslikhats = list(staff_maslikhats(request.user))
    if not maslikhats:
        raise PermissionDenied
    form_kwargs = {"actor": request.user, "maslikhats": maslikhats}
    from deputies.forms import RoleGrantForm

    form = RoleGrantForm(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            role_grant(
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                scope_code=form.cleaned_data["maslikhat"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages[0] if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("The role has been granted."))
            return redirect("deputies:staff_roles")
    codes = [m.code for m in maslikhats]
    grants = RoleGrant.objects.active().filter(scope_code__in=codes).select_related("user").order_by("scope_code", "role")
    names = {m.code: m.name for m in maslikhats}
    rows = [{"grant": g, "maslikhat_name": names.get(g.scope_code, g.scope_code)} for g in grants[:500]]
    return render(request, "deputies/staff/roles.html", {"form": form, "rows": rows})


@login_required
@require_POST
def staff_role_revoke(request, pk: int):
    codes = [m.code for m in staff_maslikhats(request.user)]
    grant = get_object_or_404(RoleGrant.objects.active(), pk=pk, scope_code__in=codes)
    try:
        role_revoke(actor=request.user, grant=grant)
    except PermissionDenied:
        raise
    messages.success(request, _("The role has been revoked."))
    return redirect("deputies:staff_roles")
