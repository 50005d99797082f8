"""Staff area pages of the deputies app: role grants scoped to the staff member's maslikhats."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.access import access_maslikhat_for_staff, staff_maslikhats
from deputies.models import AddressCoverage, Deputy, ElectoralDistrict
from portal.models import RoleGrant
from portal.services import role_grant, role_revoke


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
    grants = (
        RoleGrant.objects.active().filter(scope_code__in=codes).select_related("user").order_by("scope_code", "role")
    )
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


# ------------------------------------------------------------------------------
# Deputies, districts and address coverage, scoped to the staff member's maslikhats
# ------------------------------------------------------------------------------
def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
def staff_deputies(request):
    from deputies.forms import ImportForm

    maslikhats = list(staff_maslikhats(request.user).order_by("level", "code"))
    if not maslikhats:
        raise PermissionDenied
    if len(maslikhats) == 1:
        return redirect("deputies:staff_maslikhat", code=maslikhats[0].code)
    return render(request, "deputies/staff/index.html", {"maslikhats": maslikhats, "import_form": ImportForm()})


@login_required
def staff_maslikhat(request, code: str):
    from deputies.forms import ImportForm

    maslikhat = access_maslikhat_for_staff(request.user, code)
    deputies = maslikhat.deputies.select_related("district").order_by("status", "mandate", "full_name")
    districts = maslikhat.districts.annotate(rows=Count("coverage")).order_by("number")
    return render(
        request,
        "deputies/staff/maslikhat.html",
        {
            "maslikhat": maslikhat,
            "deputies": deputies,
            "districts": districts,
            "import_form": ImportForm(),
        },
    )


@login_required
def staff_deputy_edit(request, code: str, pk: int | None = None):
    from deputies.forms import DeputyForm
    from deputies.services import deputy_create, deputy_update

    maslikhat = access_maslikhat_for_staff(request.user, code)
    deputy = get_object_or_404(Deputy, pk=pk, maslikhat=maslikhat) if pk else None
    form = DeputyForm(request.POST or None, request.FILES or None, instance=deputy, maslikhat=maslikhat)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photo"}
        for key in (
            "party",
            "email",
            "phone",
            "website",
            "reception_hours",
            "biography_kk",
            "biography_ru",
            "biography_en",
        ):
            data[key] = data.get(key) or ""
        if "photo" in form.changed_data:
            data["photo"] = form.cleaned_data["photo"] or ""
        try:
            if deputy is None:
                photo = data.pop("photo", None)
                deputy = deputy_create(actor=request.user, maslikhat=maslikhat, data=data)
                if photo:
                    deputy_update(actor=request.user, deputy=deputy, data={"photo": photo})
            else:
                deputy_update(actor=request.user, deputy=deputy, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The deputy has been saved."))
            return redirect("deputies:staff_maslikhat", code=maslikhat.code)
    return render(request, "deputies/staff/deputy_form.html", {"form": form, "maslikhat": maslikhat, "deputy": deputy})


@login_required
def staff_district_edit(request, code: str, pk: int | None = None):
    from deputies.forms import DistrictForm
    from deputies.services import district_create, district_update

    maslikhat = access_maslikhat_for_staff(request.user, code)
    district = get_object_or_404(ElectoralDistrict, pk=pk, maslikhat=maslikhat) if pk else None
    form = DistrictForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        try:
            if district is None:
                district = district_create(actor=request.user, maslikhat=maslikhat, data=form.cleaned_data)
            else:
                district_update(actor=request.user, district=district, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The district has been saved."))
            return redirect("deputies:staff_coverage", code=maslikhat.code, pk=district.pk)
    return render(
        request, "deputies/staff/district_form.html", {"form": form, "maslikhat": maslikhat, "district": district}
    )


@login_required
def staff_coverage(request, code: str, pk: int):
    from deputies.forms import CoverageForm
    from deputies.services import coverage_add

    maslikhat = access_maslikhat_for_staff(request.user, code)
    district = get_object_or_404(ElectoralDistrict, pk=pk, maslikhat=maslikhat)
    form = CoverageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            coverage_add(actor=request.user, district=district, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The street has been added to the district."))
            return redirect("deputies:staff_coverage", code=maslikhat.code, pk=district.pk)
    rows = district.coverage.order_by("settlement", "street", "houses")
    return render(
        request,
        "deputies/staff/coverage.html",
        {"form": form, "maslikhat": maslikhat, "district": district, "rows": rows},
    )


@login_required
@require_POST
def staff_coverage_remove(request, code: str, pk: int, row: int):
    from deputies.services import coverage_remove

    maslikhat = access_maslikhat_for_staff(request.user, code)
    coverage = get_object_or_404(
        AddressCoverage.objects.select_related("district__maslikhat"),
        pk=row,
        district_id=pk,
        district__maslikhat=maslikhat,
    )
    coverage_remove(actor=request.user, coverage=coverage)
    messages.success(request, _("The line has been removed."))
    return redirect("deputies:staff_coverage", code=maslikhat.code, pk=pk)


@login_required
def staff_import(request):
    from deputies.forms import ImportForm
    from deputies.imports import DEPUTY_COLUMNS, DISTRICT_COLUMNS, read_csv_text
    from deputies.services import staff_import as run_import

    if not staff_maslikhats(request.user).exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        rows, errors = read_csv_text(
            form.cleaned_data["file"], DISTRICT_COLUMNS if kind == "districts" else DEPUTY_COLUMNS
        )
        report = run_import(actor=request.user, kind=kind, rows=rows) if not errors else None
        if errors:
            form.add_error("file", errors)
        elif report.ok:
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
            )
            for note in report.notes:
                messages.warning(request, note)
            return redirect("deputies:staff_deputies")
    return render(request, "deputies/staff/import.html", {"form": form, "report": report})
