"""Reads of the petitions app: which rules apply, lists, similar petitions, counts and sources."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.choropleth import district_choropleth
from deputies.models import ElectoralDistrict
from petitions.models import Petition, PetitionCountSample, PetitionDistrictCount, PetitionRules, Signature
from portal.rules import unconfirmed_note

SORTS = {
    "popular": ("-resident_signature_count", "-signature_count", "-id"),
    "newest": (F("opened_at").desc(nulls_last=True), "-created_at", "-id"),
    "closing": (F("collection_ends").asc(nulls_last=True), "-id"),
}


def rules_for_maslikhat(maslikhat, on=None) -> PetitionRules:
    """The newest rules in force for the maslikhat's level and population bracket."""
    population = maslikhat.unit.population
    newest_per_bracket: dict[int | None, PetitionRules] = {}
    for rules in PetitionRules.objects.versions_in_force(on, level=maslikhat.level):
        newest_per_bracket.setdefault(rules.population_over, rules)
    eligible = [
        rules
        for bracket, rules in newest_per_bracket.items()
        if bracket is None or (population is not None and population > bracket)
    ]
    if not eligible:
        raise ValidationError(
            _("No petition rules are in force for this maslikhat yet. Please tell the site administrators.")
        )
    return max(eligible, key=lambda rules: rules.population_over or -1)


def petition_list(*, maslikhat: str = "", status: str = "", topic: str = "", sort: str = "popular", q: str = ""):
    # rules: whether a deadline is unconfirmed (Petition.deadline_unconfirmed), shown on every card
    petitions = Petition.objects.listed().select_related("maslikhat", "rules")
    if maslikhat:
        petitions = petitions.filter(maslikhat__code=maslikhat)
    if status in Petition.Status.values:
        petitions = petitions.filter(status=status)
    if topic in Petition.Topic.values:
        petitions = petitions.filter(topic=topic)
    if q:
        # Only what the public page shows: a rejected petition's text is private (access.may_view_text),
        # so a search must not match it either (it could be recovered letter by letter).
        petitions = petitions.filter(
            Q(title__icontains=q) | (Q(text__icontains=q) & ~Q(status=Petition.Status.REJECTED))
        )
    if sort == "closing":
        petitions = petitions.filter(status__in=Petition.SIGNABLE_STATUSES)
    return petitions.order_by(*SORTS.get(sort, SORTS["popular"]))


_WORD = re.compile(r"\w{4,}", re.UNICODE)


def similar_petitions(*, title: str, text: str = "", exclude_pk=None, limit: int = 5):
    """Listed petitions that look like this one: PostgreSQL full-text search on prefixes of the
    title's words (the 'simple' configuration, since petitions are in Kazakh and Russian); a
    case-insensitive word match elsewhere."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(f"{title} {text[:300]}")))[:12]
    if not words:
        return Petition.objects.none()
    base = Petition.objects.listed().select_related("maslikhat")
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        public_text = Case(
            When(status=Petition.Status.REJECTED, then=Value("")), default=F("text"), output_field=TextField()
        )
        vector = SearchVector("title", weight="A", config="simple") + SearchVector(
            public_text, weight="B", config="simple"
        )
        query = SearchQuery(" | ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
        return base.annotate(rank=SearchRank(vector, query)).filter(rank__gt=0.05).order_by("-rank", "-id")[:limit]
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    return base.filter(condition).order_by("-resident_signature_count", "-id")[:limit]


def petition_district_counts(petition: Petition) -> list[dict]:
    """Every district of the addressee with its resident signatures (0 where none)."""
    # One query: the addressee's districts and any other district holding a count.
    stored = PetitionDistrictCount.objects.filter(petition=petition, district=OuterRef("pk"))
    districts = (
        ElectoralDistrict.objects.filter(Q(maslikhat=petition.maslikhat_id) | Exists(stored))
        .annotate(stored_signatures=Coalesce(Subquery(stored.values("signatures")[:1]), 0))
        .order_by("number")
    )
    rows = [{"district": d, "signatures": d.stored_signatures} for d in districts]
    top = max((r["signatures"] for r in rows), default=0) or 1
    for index, row in enumerate(rows):
        row["width"] = round(row["signatures"] * 100 / top, 1)
        row["y"] = index * 28
    return rows


def petition_district_map(rows: list[dict]) -> dict | None:
    """The resident signatures of `petition_district_counts` as a choropleth on the districts'
    boundaries; None when no district has one (the page then draws bars). No query: the rows
    carry their boundaries."""
    return district_choropleth([(row["district"], row["signatures"]) for row in rows])


def petition_count_series(petition: Petition, points: int = 48) -> list[dict]:
    samples = list(PetitionCountSample.objects.filter(petition=petition).order_by("-hour")[:points])[::-1]
    top = max((s.signature_count for s in samples), default=0) or 1
    width = 600 / max(len(samples), 1)
    return [
        {
            "hour": s.hour,
            "count": s.signature_count,
            "residents": s.resident_signature_count,
            "x": round(i * width, 1),
            "w": round(max(width - 2, 1), 1),
            "h": round(s.signature_count * 160 / top, 1),
            "y": round(160 - s.signature_count * 160 / top, 1),
        }
        for i, s in enumerate(samples)
    ]


def signature_of(user, petition: Petition) -> Signature | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Signature.objects.filter(petition=petition, signer=user).first()


def recent_supporters(petition: Petition, limit: int = 10) -> list[str]:
    """First names and surname initials, as the state portal shows them; never email or address.
    Paper signatures (no account) are not shown: their signers agreed to delivery, not publicity."""
    rows = (
        Signature.objects.filter(petition=petition, status=Signature.Status.VALID, signer__isnull=False)
        .select_related("signer")
        .only("signer__first_name", "signer__last_name", "created_at")
        .order_by("-created_at", "-id")[:limit]
    )
    return [row.signer.public_name for row in rows if row.signer.public_name]


def trending_sources(*, petitions, hours: int = 24) -> dict[str, list[dict]]:
    """Networks (/24) and email domains that signed the given petitions unusually often lately,
    judged against each petition's rules."""
    since = timezone.now() - timedelta(hours=hours)
    recent = Signature.objects.filter(petition__in=petitions, status=Signature.Status.VALID, created_at__gte=since)
    result = {}
    for field, limit_field in (("ip_prefix", "ip_trending_per_hour"), ("email_domain", "domain_trending_per_hour")):
        rows = (
            recent.exclude(**{field: ""})
            .values("petition_id", "petition__title", field, f"petition__rules__{limit_field}")
            .annotate(signatures=Count("id"), last=Max("created_at"))
            .order_by("-signatures")[:200]
        )
        result[field] = [
            {
                "petition_id": r["petition_id"],
                "petition_title": r["petition__title"],
                "source": r[field],
                "signatures": r["signatures"],
                "last": r["last"],
                "per_hour": round(r["signatures"] / hours, 1),
                "trending": r[f"petition__rules__{limit_field}"] is not None
                and r["signatures"] / hours >= r[f"petition__rules__{limit_field}"],
            }
            for r in rows
        ]
    return result


def invalidation_candidates(*, petition: Petition, ip_prefix: str = "", email_domain: str = "", since=None, until=None):
    if not ip_prefix and not email_domain:
        return Signature.objects.none()
    rows = Signature.objects.filter(petition=petition, status=Signature.Status.VALID)
    if ip_prefix:
        rows = rows.filter(ip_prefix=ip_prefix)
    if email_domain:
        rows = rows.filter(email_domain=email_domain.lower())
    if since:
        rows = rows.filter(created_at__gte=since)
    if until:
        rows = rows.filter(created_at__lte=until)
    return rows


def route_for_maslikhat(maslikhat, on=None):
    """The petition route in force for a maslikhat: its own newest row in force, else the default
    (a row without a maslikhat). None only when the reference data is missing."""
    from django.db.models import F, Q

    from petitions.models import PetitionRoute

    # One query: the maslikhat's own rows first (the default's maslikhat is NULL), newest in force.
    return (
        PetitionRoute.objects.versions_in_force(on)
        .filter(Q(maslikhat=maslikhat) | Q(maslikhat__isnull=True))
        .order_by(F("maslikhat").asc(nulls_last=True), "-effective_from", "-pk")
        .first()
    )


def route_summary(route) -> str:
    """One sentence on what the route gives, in the active language (the API's `route.summary`)."""
    from django.utils.translation import gettext

    if route.is_appeal:
        return gettext(
            "At its threshold, Dauys delivers the petition to the maslikhat as a collective appeal of its signers "
            "under the Administrative Procedural Code: the maslikhat has to consider it and answer within "
            "%(days)s working days, extendable once with a reason to %(extended)s%(unconfirmed)s. The duty of the "
            "petitions law applies only to petitions on the official petitions portal."
        ) % {
            "days": route.answer_working_days,
            "extended": route.extended_working_days,
            "unconfirmed": unconfirmed_note(route.answer_term_unconfirmed),
        }
    return gettext(
        "The maslikhat decided (No. %(number)s of %(date)s) to treat Dauys petitions as its own channel and "
        "answers them under its own rules. The duty of the petitions law applies only to petitions on the "
        "official petitions portal."
    ) % {"number": route.decision_number, "date": route.decision_date}


# What a signature sends to the maslikhat with the appeal (petitions.delivery.appeal_data).
DELIVERED_FIELDS = ("full_name", "district", "signed_on")


def delivery_notice(petition: Petition) -> str:
    """What is sent and to whom, said before signing (issue 14 §2), in the active language."""
    return _(
        "If the petition reaches its threshold, your full name, your electoral district and the date you "
        "signed will be delivered to %(maslikhat)s with the petition."
    ) % {"maslikhat": petition.maslikhat.name}


def consent_label(petition: Petition) -> str:
    return _("I agree that my full name and district will be delivered to %(maslikhat)s with the petition.") % {
        "maslikhat": petition.maslikhat.name
    }


def consent_refused_message(petition: Petition) -> str:
    return _(
        "To sign, agree that your full name and district will be delivered to %(maslikhat)s with the petition."
    ) % {"maslikhat": petition.maslikhat.name}


# How many rows of paper signatures the staff page lists (the newest first).
PAPER_LIST_LIMIT = 100


def paper_signature_rows(petition: Petition, limit: int = PAPER_LIST_LIMIT) -> list[dict]:
    """The paper signatures entered for a petition, newest first, for its staff: masked IIN, name,
    district, date on the sheet, status, and who entered the row (from the audit, written with it)."""
    from portal.models import AuditEntry

    rows = list(
        Signature.objects.filter(petition=petition, method=Signature.Method.PAPER)
        .select_related("district")
        .order_by("-created_at", "-id")[:limit]
    )
    entered = {
        entry.after.get("signature"): entry
        for entry in AuditEntry.objects.filter(
            object_type=Petition._meta.label_lower,
            object_id=str(petition.pk),
            action="petition.paper_signature_add",
            after__signature__in=[row.pk for row in rows],
        ).select_related("actor")
    }
    result = []
    for row in rows:
        entry = entered.get(row.pk)
        actor = entry.actor if entry is not None else None
        result.append(
            {
                "signature": row,
                "entered_by": (
                    f"{actor.first_name} {actor.last_name}".strip() or actor.email if actor is not None else ""
                ),
            }
        )
    return result


def paper_signature_total(petition: Petition) -> int:
    """Valid paper signatures entered so far, read from the rows (the stored count follows at the
    next tally)."""
    return Signature.objects.filter(
        petition=petition, method=Signature.Method.PAPER, status=Signature.Status.VALID
    ).count()
