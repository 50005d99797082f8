"""Write use cases of the deputies app. Staff act only on their own maslikhats; every change is
audited inside its transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.access import staff_maslikhats
from deputies.addresses import RuleError, parse_rule, rules_overlap, settlement_key, street_key
from deputies.convocations import convocation_current, convocation_on
from deputies.geo import boundaries_changed, validate_boundary
from deputies.imports import ImportReport, deputies_import_rows, districts_import_rows
from deputies.models import AddressCoverage, Convocation, Deputy, ElectoralDistrict, Maslikhat
from portal.audit import audit_record

DEPUTY_FIELDS = [
    "full_name",
    "party",
    "mandate",
    "district",
    "role",
    "status",
    "status_changed_on",
    "elected_on",
    "by_election",
    "email",
    "phone",
    "website",
    "reception_hours",
    "biography_kk",
    "biography_ru",
    "biography_en",
]
DISTRICT_FIELDS = ["number", "name_kk", "name_ru", "name_en", "registered_voters", "boundary"]


def _require_staff(actor, maslikhat: Maslikhat) -> None:
    if not staff_maslikhats(actor).filter(pk=maslikhat.pk).exists():
        raise PermissionDenied(_("You do not maintain this maslikhat."))


def _snapshot(obj, fields) -> dict:
    data = {}
    for name in fields:
        value = getattr(obj, name, None)
        if hasattr(value, "pk"):
            value = value.pk
        elif value is not None and not isinstance(value, (str, int, float, bool, dict, list)):
            value = str(value)
        data[name] = value
    return data


def deputy_convocation(maslikhat: Maslikhat, data: dict, current: Convocation | None = None) -> Convocation | None:
    """The convocation a deputy belongs to: their district's; for a party-list deputy the one already
    recorded, else the one in force on the day they were elected (today when not given)."""
    district = data.get("district")
    if district is not None:
        return district.convocation
    if current is not None:
        return current
    return convocation_on(maslikhat, data.get("elected_on") or timezone.localdate())


def _check_deputy(maslikhat: Maslikhat, data: dict, convocation: Convocation | None) -> None:
    errors = {}
    if not " ".join((data.get("full_name") or "").split()):
        errors["full_name"] = _("Write the deputy's full name.")
    mandate, district = data.get("mandate"), data.get("district")
    if mandate == Deputy.Mandate.SINGLE_MANDATE and district is None:
        errors["district"] = _("A single-mandate deputy needs a district.")
    if convocation is None:
        errors["elected_on"] = _("No convocation of this maslikhat is recorded for that date.")
    if mandate == Deputy.Mandate.PARTY_LIST:
        if district is not None:
            errors["district"] = _("A party-list deputy has no district.")
        # The convocation's system decides, not the tier's: a convocation elected in single-mandate
        # districts only has no party-list seats.
        if convocation is not None and convocation.electoral_system != Maslikhat.ElectoralSystem.MIXED:
            errors["mandate"] = _(
                "Convocation %(number)s of this maslikhat is elected in single-mandate districts only."
            ) % {"number": convocation.number}
    if district is not None and district.maslikhat_id != maslikhat.pk:
        errors["district"] = _("The district belongs to another maslikhat.")
    status = data.get("status") or Deputy.Status.ACTIVE
    if status != Deputy.Status.ACTIVE and not data.get("status_changed_on"):
        errors["status_changed_on"] = _("Give the date the mandate ended.")
    if status == Deputy.Status.PARTY_RECALLED and mandate != Deputy.Mandate.PARTY_LIST:
        errors["status"] = _("Only a deputy elected on a party list can be recalled by the party.")
    if errors:
        raise ValidationError(errors)


def _save_deputy(deputy: Deputy) -> None:
    try:
        with transaction.atomic():
            deputy.save()
    except IntegrityError:
        raise ValidationError({"district": _("This district already has a sitting deputy.")}) from None


def deputy_create(*, actor, maslikhat: Maslikhat, data: dict) -> Deputy:
    _require_staff(actor, maslikhat)
    with transaction.atomic():
        convocation = deputy_convocation(maslikhat, data)
        _check_deputy(maslikhat, data, convocation)
        deputy = Deputy(maslikhat=maslikhat, **{k: v for k, v in data.items() if k in DEPUTY_FIELDS})
        deputy.convocation = convocation
        deputy.full_name = " ".join(deputy.full_name.split())
        _save_deputy(deputy)
        audit_record(
            actor=actor,
            action="deputy.create",
            obj=deputy,
            scope_code=maslikhat.code,
            after=_snapshot(deputy, DEPUTY_FIELDS),
        )
    return deputy


def deputy_update(*, actor, deputy: Deputy, data: dict) -> Deputy:
    maslikhat = deputy.maslikhat
    _require_staff(actor, maslikhat)
    with transaction.atomic():
        deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
        before = _snapshot(deputy, DEPUTY_FIELDS)
        merged = {**before, **{k: v for k, v in data.items() if k in DEPUTY_FIELDS}}
        merged["district"] = data["district"] if "district" in data else deputy.district
        merged["elected_on"] = data["elected_on"] if "elected_on" in data else deputy.elected_on
        convocation = deputy_convocation(maslikhat, merged, current=deputy.convocation)
        _check_deputy(maslikhat, merged, convocation)
        for key, value in data.items():
            if key in DEPUTY_FIELDS or key == "photo":
                setattr(deputy, key, value)
        deputy.convocation = convocation
        deputy.full_name = " ".join(deputy.full_name.split())
        _save_deputy(deputy)
        after = _snapshot(deputy, DEPUTY_FIELDS)
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        if changed or "photo" in data:
            audit_record(
                actor=actor,
                action="deputy.update",
                obj=deputy,
                scope_code=maslikhat.code,
                before={k: before[k] for k in changed},
                after=changed,
            )
    return deputy


def district_create(*, actor, maslikhat: Maslikhat, data: dict) -> ElectoralDistrict:
    _require_staff(actor, maslikhat)
    if problem := validate_boundary(data.get("boundary")):
        raise ValidationError({"boundary": problem})
    try:
        with transaction.atomic():
            district = ElectoralDistrict.objects.create(
                maslikhat=maslikhat,
                convocation=data.get("convocation") or convocation_current(maslikhat),
                **{k: v for k, v in data.items() if k in DISTRICT_FIELDS},
            )
            audit_record(
                actor=actor,
                action="district.create",
                obj=district,
                scope_code=maslikhat.code,
                after=_snapshot(district, DISTRICT_FIELDS),
            )
            if district.boundary:
                transaction.on_commit(boundaries_changed)
    except IntegrityError:
        raise ValidationError({"number": _("This maslikhat already has a district with this number.")}) from None
    return district


def district_update(*, actor, district: ElectoralDistrict, data: dict) -> ElectoralDistrict:
    _require_staff(actor, district.maslikhat)
    if problem := validate_boundary(data.get("boundary")):
        raise ValidationError({"boundary": problem})
    try:
        with transaction.atomic():
            district = ElectoralDistrict.objects.select_for_update().get(pk=district.pk)
            before = _snapshot(district, DISTRICT_FIELDS)
            for key, value in data.items():
                if key in DISTRICT_FIELDS:
                    setattr(district, key, value)
            district.save()
            after = _snapshot(district, DISTRICT_FIELDS)
            changed = {k: v for k, v in after.items() if before.get(k) != v}
            if changed:
                audit_record(
                    actor=actor,
                    action="district.update",
                    obj=district,
                    scope_code=district.maslikhat.code,
                    before={k: before[k] for k in changed},
                    after=changed,
                )
            if "boundary" in changed:
                transaction.on_commit(boundaries_changed)
    except IntegrityError:
        raise ValidationError({"number": _("This maslikhat already has a district with this number.")}) from None
    return district


def coverage_add(*, actor, district: ElectoralDistrict, settlement: str, street: str, houses: str) -> AddressCoverage:
    """Add a street (with its house rule) to a district; refused when it overlaps another district
    of the same maslikhat."""
    maslikhat = district.maslikhat
    _require_staff(actor, maslikhat)
    errors = {}
    s_key, st_key = settlement_key(settlement), street_key(street)
    if not s_key:
        errors["settlement"] = _("Write the settlement.")
    if not st_key:
        errors["street"] = _("Write the street or microdistrict.")
    try:
        parse_rule(houses)
    except RuleError as error:
        errors["houses"] = str(error)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the maslikhat's row so two clerks cannot add overlapping rules at once.
        Maslikhat.objects.select_for_update().get(pk=maslikhat.pk)
        others = (
            AddressCoverage.objects.filter(district__maslikhat=maslikhat, settlement_key=s_key, street_key=st_key)
            .exclude(district=district)
            .select_related("district")
        )
        for other in others:
            if rules_overlap(houses, other.houses):
                raise ValidationError(
                    {
                        "houses": _("These houses overlap district № %(number)s (%(houses)s).")
                        % {"number": other.district.number, "houses": other.houses}
                    }
                )
        if AddressCoverage.objects.filter(
            district=district, settlement_key=s_key, street_key=st_key, houses=houses
        ).exists():
            raise ValidationError({"houses": _("This district already has this line.")})
        row = AddressCoverage.objects.create(
            district=district, settlement=settlement.strip(), street=street.strip(), houses=houses.strip()
        )
        audit_record(
            actor=actor,
            action="coverage.add",
            obj=row,
            scope_code=maslikhat.code,
            after={
                "district": district.number,
                "settlement": row.settlement,
                "street": row.street,
                "houses": row.houses,
            },
        )
    return row


def coverage_remove(*, actor, coverage: AddressCoverage) -> None:
    maslikhat = coverage.district.maslikhat
    _require_staff(actor, maslikhat)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="coverage.remove",
            obj=coverage,
            scope_code=maslikhat.code,
            before={
                "district": coverage.district.number,
                "settlement": coverage.settlement,
                "street": coverage.street,
                "houses": coverage.houses,
            },
        )
        coverage.delete()


def staff_import(*, actor, kind: str, rows: list[tuple[int, dict]]) -> ImportReport:
    """A staff upload of districts or deputies CSV, limited to the actor's maslikhats; audited."""
    allowed = set(staff_maslikhats(actor).values_list("code", flat=True))
    if not allowed:
        raise PermissionDenied(_("You do not maintain any maslikhat."))
    with transaction.atomic():
        if kind == "districts":
            report = districts_import_rows(rows, allowed_codes=allowed)
        elif kind == "deputies":
            report = deputies_import_rows(rows, allowed_codes=allowed)
        else:
            raise ValidationError(_("Unknown import."))
        if report.ok:
            codes = sorted({row.get("maslikhat", "") for _n, row in rows})
            audit_record(
                actor=actor,
                action=f"{kind}.import",
                scope_code=codes[0] if len(codes) == 1 else "",
                after={
                    "maslikhats": codes,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "districts_created": report.districts_created,
                },
            )
    return report
