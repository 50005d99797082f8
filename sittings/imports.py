"""`manage.py import_sessions FILE.json`: sessions, agenda items, decisions, votes and attendance of
one maslikhat, in the shape documented in docs/sessions-import.md.

Rules: every error is reported with where it is in the file; nothing is written unless the whole
file is good; a session is identified by (maslikhat, convocation, number), so importing the same
file twice changes nothing and a corrected file updates the rows in place (agenda items by number,
votes and attendance by deputy) without changing their ids (follows of an item survive)."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from deputies.addresses import fold
from deputies.models import Convocation, Deputy, Maslikhat
from portal.audit import audit_record
from sittings.models import AgendaItem, Attendance, Decision, Session, Vote

VOTE_CHOICES = {"for", "against", "abstain", "not_voting"}
TOTAL_FIELDS = {
    "for": "votes_for",
    "against": "votes_against",
    "abstain": "votes_abstain",
    "not_voting": "votes_not_voting",
}


@dataclass
class SessionsImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def name_key(full_name: str) -> str:
    """A full name folded as the name search folds it (letter case, Kazakh and Russian letter forms,
    Latin spelling), word order ignored: 'ИВАНОВ Иван' and 'Ivan Ivanov' meet."""
    return " ".join(sorted(fold(word) for word in full_name.split()))


class _Deputies:
    def __init__(self, maslikhat: Maslikhat):
        self.by_key: dict[str, list[Deputy]] = {}
        for deputy in Deputy.objects.filter(maslikhat=maslikhat):
            self.by_key.setdefault(name_key(deputy.full_name), []).append(deputy)

    def find(self, name, where: str, errors: list[str]) -> Deputy | None:
        if not isinstance(name, str) or not name.strip():
            errors.append(_("%(where)s: the deputy's full name is missing.") % {"where": where})
            return None
        found = self.by_key.get(name_key(name), [])
        if len(found) > 1:
            # Two namesakes: prefer the one sitting now, else the name is ambiguous.
            active = [d for d in found if d.status == Deputy.Status.ACTIVE]
            found = active if len(active) == 1 else found
        if len(found) == 1:
            return found[0]
        if not found:
            errors.append(
                _("%(where)s: no deputy named “%(name)s” in this maslikhat.") % {"where": where, "name": name}
            )
        else:
            errors.append(
                _("%(where)s: several deputies are named “%(name)s”; correct the name.")
                % {"where": where, "name": name}
            )
        return None


def _text(value, where: str, errors: list[str], *, required: bool = False, limit: int = 500) -> dict:
    """A {"kk", "ru", "en"} title; a plain string is taken as Russian and Kazakh alike."""
    if isinstance(value, str):
        value = {"kk": value, "ru": value}
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors.append(_('%(where)s: give the title as {"kk": ..., "ru": ...}.') % {"where": where})
        return {}
    titles = {lang: str(value.get(lang) or "").strip()[:limit] for lang in ("kk", "ru", "en")}
    if required and not any(titles.values()):
        errors.append(_("%(where)s: the title is missing.") % {"where": where})
    return titles


def _url(value, where: str, errors: list[str]) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if value and not value.startswith(("https://", "http://")):
        errors.append(_("%(where)s: a link must start with https://.") % {"where": where})
        return ""
    return value[:200]


def _datetime(value, where: str, errors: list[str]) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        errors.append(_("%(where)s: give the date and time like 2026-03-28T10:00.") % {"where": where})
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)  # Asia/Almaty, the project's time zone
    return parsed


def _number(value, where: str, errors: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        errors.append(_("%(where)s: the number must be a whole number.") % {"where": where})
        return None
    return int(value)


def _choice(value, choices, where: str, errors: list[str]) -> str:
    if value not in choices:
        errors.append(
            _("%(where)s: “%(value)s” is not one of: %(choices)s.")
            % {"where": where, "value": value, "choices": ", ".join(sorted(choices))}
        )
        return ""
    return value


def _convocation(maslikhat: Maslikhat, number, starts_at, where: str, errors: list[str]) -> Convocation | None:
    convocations = list(maslikhat.convocations.order_by("-number"))
    if number is not None:
        match = [c for c in convocations if c.number == number]
        if not match:
            errors.append(
                _("%(where)s: this maslikhat has no convocation %(number)s.") % {"where": where, "number": number}
            )
            return None
        return match[0]
    if starts_at is not None:
        day = timezone.localtime(starts_at).date()
        for convocation in convocations:
            if convocation.elected_on <= day:
                return convocation
    return convocations[0] if convocations else None


@dataclass
class _Plan:
    """One session of the file, parsed and checked, ready to write."""

    fields: dict
    convocation: Convocation | None
    number: int
    attendance: dict  # deputy -> (status, reason)
    items: list  # [(number, fields, decision fields or None, {deputy: choice})]


def _parse_decision(raw, where: str, present: set, absent: set, deputies: _Deputies, errors: list[str]):
    if not isinstance(raw, dict):
        errors.append(_("%(where)s: the decision must be an object.") % {"where": where})
        return None, {}
    if not isinstance(raw.get("adopted"), bool):
        errors.append(_("%(where)s: “adopted” must be true or false.") % {"where": where})
    fields = {
        "number": str(raw.get("number") or "").strip()[:40],
        "adopted": bool(raw.get("adopted")),
        "text": str(raw.get("text") or "").strip(),
        "document_url": _url(raw.get("document_url"), f"{where}.document_url", errors),
    }
    stated = raw.get("votes")
    totals = None
    if stated is not None:
        if not isinstance(stated, dict) or any(
            k not in VOTE_CHOICES or isinstance(v, bool) or not isinstance(v, int) or v < 0 for k, v in stated.items()
        ):
            errors.append(
                _("%(where)s: votes are counts under for, against, abstain and not_voting.")
                % {"where": f"{where}.votes"}
            )
        else:
            totals = {k: stated.get(k, 0) for k in VOTE_CHOICES}
    roll: dict = {}
    raw_roll = raw.get("roll_call") or []
    if not isinstance(raw_roll, list):
        errors.append(_("%(where)s: the roll call must be a list.") % {"where": f"{where}.roll_call"})
        raw_roll = []
    for n, row in enumerate(raw_roll):
        row_where = f"{where}.roll_call[{n}]"
        row = row if isinstance(row, dict) else {}
        deputy = deputies.find(row.get("deputy"), row_where, errors)
        choice = _choice(row.get("vote"), VOTE_CHOICES, f"{row_where}.vote", errors)
        if deputy is None or not choice:
            continue
        if deputy in roll:
            errors.append(_("%(where)s: %(name)s is listed twice.") % {"where": row_where, "name": deputy.full_name})
        elif deputy in absent:
            errors.append(
                _("%(where)s: %(name)s is listed as absent from this session.")
                % {"where": row_where, "name": deputy.full_name}
            )
        roll[deputy] = choice
    if roll:
        counted = {k: sum(1 for c in roll.values() if c == k) for k in VOTE_CHOICES}
        if totals is not None and counted != totals:
            errors.append(
                _("%(where)s: the roll call counts %(counted)s, but the totals say %(stated)s.")
                % {
                    "where": where,
                    "counted": ", ".join(f"{k} {counted[k]}" for k in ("for", "against", "abstain", "not_voting")),
                    "stated": ", ".join(f"{k} {totals[k]}" for k in ("for", "against", "abstain", "not_voting")),
                }
            )
        totals = counted
    if totals is not None:
        fields.update({TOTAL_FIELDS[k]: v for k, v in totals.items()})
    else:
        fields.update({f: None for f in TOTAL_FIELDS.values()})
    return fields, roll


def _parse_session(raw, where: str, maslikhat: Maslikhat, deputies: _Deputies, errors: list[str]) -> _Plan | None:
    if not isinstance(raw, dict):
        errors.append(_("%(where)s: a session must be an object.") % {"where": where})
        return None
    start = len(errors)
    number = _number(raw.get("number"), f"{where}.number", errors)
    kind = _choice(raw.get("kind", "regular"), set(Session.Kind.values), f"{where}.kind", errors)
    starts_at = _datetime(raw.get("starts_at"), f"{where}.starts_at", errors)
    ends_at = _datetime(raw["ends_at"], f"{where}.ends_at", errors) if raw.get("ends_at") else None
    status = raw.get("status") or ""
    if status:
        status = _choice(status, set(Session.Status.values), f"{where}.status", errors)
    elif starts_at is not None:
        status = Session.Status.HELD if starts_at < timezone.now() else Session.Status.PLANNED
    convocation_number = raw.get("convocation")
    convocation = _convocation(
        maslikhat,
        _number(convocation_number, f"{where}.convocation", errors) if convocation_number is not None else None,
        starts_at,
        f"{where}.convocation",
        errors,
    )
    title = _text(raw.get("title"), f"{where}.title", errors, limit=300)
    fields = {
        "kind": kind,
        "title_kk": title.get("kk", ""),
        "title_ru": title.get("ru", ""),
        "title_en": title.get("en", ""),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": str(raw.get("place") or "").strip()[:300],
        "broadcast_url": _url(raw.get("broadcast_url"), f"{where}.broadcast_url", errors),
        "video_url": _url(raw.get("video_url"), f"{where}.video_url", errors),
        "status": status,
    }
    attendance: dict = {}
    raw_attendance = raw.get("attendance") or []
    if not isinstance(raw_attendance, list):
        errors.append(_("%(where)s: attendance must be a list.") % {"where": f"{where}.attendance"})
        raw_attendance = []
    for n, row in enumerate(raw_attendance):
        row_where = f"{where}.attendance[{n}]"
        row = row if isinstance(row, dict) else {}
        deputy = deputies.find(row.get("deputy"), row_where, errors)
        if not isinstance(row.get("present"), bool):
            errors.append(_("%(where)s: “present” must be true or false.") % {"where": row_where})
            continue
        if deputy is None:
            continue
        if deputy in attendance:
            errors.append(_("%(where)s: %(name)s is listed twice.") % {"where": row_where, "name": deputy.full_name})
            continue
        reason = str(row.get("reason") or "").strip()[:300]
        if row["present"]:
            attendance[deputy] = (Attendance.Status.PRESENT, "")
        else:
            attendance[deputy] = (Attendance.Status.EXCUSED if reason else Attendance.Status.ABSENT, reason)
    present = {d for d, (s, _r) in attendance.items() if s == Attendance.Status.PRESENT}
    absent = set(attendance) - present
    items = []
    seen_numbers = set()
    raw_items = raw.get("items") or []
    if not isinstance(raw_items, list):
        errors.append(_("%(where)s: items must be a list.") % {"where": f"{where}.items"})
        raw_items = []
    for n, item in enumerate(raw_items):
        item_where = f"{where}.items[{n}]"
        if not isinstance(item, dict):
            errors.append(_("%(where)s: an agenda item must be an object.") % {"where": item_where})
            continue
        item_number = _number(item.get("number"), f"{item_where}.number", errors)
        if item_number is not None and item_number in seen_numbers:
            errors.append(
                _("%(where)s: item number %(number)s is used twice.") % {"where": item_where, "number": item_number}
            )
        seen_numbers.add(item_number)
        item_title = _text(item.get("title"), f"{item_where}.title", errors, required=True)
        item_fields = {
            "kind": _choice(item.get("kind", "other"), set(AgendaItem.Kind.values), f"{item_where}.kind", errors),
            "title_kk": item_title.get("kk", ""),
            "title_ru": item_title.get("ru", ""),
            "title_en": item_title.get("en", ""),
            "rapporteur": str(item.get("rapporteur") or "").strip()[:200],
        }
        decision, roll = None, {}
        if item.get("decision") is not None:
            decision, roll = _parse_decision(
                item["decision"], f"{item_where}.decision", present, absent, deputies, errors
            )
        items.append((item_number, item_fields, decision, roll))
    if len(errors) > start or number is None:
        return None
    return _Plan(fields=fields, convocation=convocation, number=number, attendance=attendance, items=items)


def _changed(obj, fields: dict) -> bool:
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _write(plan: _Plan, maslikhat: Maslikhat, now) -> str:
    is_commission = plan.fields["kind"] == Session.Kind.COMMISSION
    lookup = Session.objects.filter(maslikhat=maslikhat, convocation=plan.convocation, number=plan.number)
    lookup = (
        lookup.filter(kind=Session.Kind.COMMISSION) if is_commission else lookup.exclude(kind=Session.Kind.COMMISSION)
    )
    session = lookup.first()
    outcome = "unchanged"
    if session is None:
        session = Session.objects.create(
            maslikhat=maslikhat,
            convocation=plan.convocation,
            number=plan.number,
            agenda_published_at=now,
            **plan.fields,
        )
        outcome = "created"
    else:
        moved = session.starts_at != plan.fields["starts_at"] or session.status != plan.fields["status"]
        if _changed(session, plan.fields):
            session.sequence += int(moved)
            if session.agenda_published_at is None:
                session.agenda_published_at = now
            session.save()
            outcome = "updated"
    # Attendance, by deputy.
    existing = {a.deputy_id: a for a in session.attendance.all()}
    for deputy, (status, reason) in plan.attendance.items():
        row = existing.pop(deputy.pk, None)
        if row is None:
            Attendance.objects.create(session=session, deputy=deputy, status=status, reason=reason)
            outcome = outcome if outcome == "created" else "updated"
        elif _changed(row, {"status": status, "reason": reason}):
            row.save()
            outcome = outcome if outcome == "created" else "updated"
    if existing:
        Attendance.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
        outcome = "updated"
    # Agenda items, by number; decisions; votes, by deputy.
    items = {i.number: i for i in session.items.select_related("decision")}
    for number, item_fields, decision_fields, roll in plan.items:
        item = items.pop(number, None)
        if item is None:
            item = AgendaItem.objects.create(session=session, number=number, **item_fields)
            outcome = outcome if outcome == "created" else "updated"
        elif _changed(item, item_fields):
            item.save()
            outcome = outcome if outcome == "created" else "updated"
        decision = getattr(item, "decision", None) if item.pk else None
        if decision_fields is None:
            if decision is not None:
                decision.delete()
                outcome = "updated"
            continue
        if decision is None:
            decision = Decision.objects.create(item=item, published_at=now, **decision_fields)
            outcome = outcome if outcome == "created" else "updated"
        elif _changed(decision, decision_fields):
            decision.published_at = decision.published_at or now
            decision.save()
            outcome = outcome if outcome == "created" else "updated"
        votes = {v.deputy_id: v for v in decision.votes.all()}
        for deputy, choice in roll.items():
            vote = votes.pop(deputy.pk, None)
            if vote is None:
                Vote.objects.create(decision=decision, deputy=deputy, choice=choice)
                outcome = outcome if outcome == "created" else "updated"
            elif vote.choice != choice:
                vote.choice = choice
                vote.save(update_fields=["choice"])
                outcome = outcome if outcome == "created" else "updated"
        if votes:
            Vote.objects.filter(pk__in=[v.pk for v in votes.values()]).delete()
            outcome = "updated"
    if items:
        AgendaItem.objects.filter(pk__in=[i.pk for i in items.values()]).delete()
        outcome = "updated"
    return outcome


def sessions_import_data(data, *, actor=None) -> SessionsImportReport:
    report = SessionsImportReport()
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), list):
        report.errors.append(_("The file must be an object with “maslikhat” and a list of “sessions”."))
        return report
    maslikhat = Maslikhat.objects.filter(code=str(data.get("maslikhat") or "")).first()
    if maslikhat is None:
        report.errors.append(_("maslikhat: no maslikhat has the code “%(code)s”.") % {"code": data.get("maslikhat")})
        return report
    deputies = _Deputies(maslikhat)
    plans: list[_Plan] = []
    keys: dict = {}
    for n, raw in enumerate(data["sessions"]):
        plan = _parse_session(raw, f"sessions[{n}]", maslikhat, deputies, report.errors)
        if plan is None:
            continue
        key = (plan.convocation.pk if plan.convocation else None, plan.fields["kind"] == "commission", plan.number)
        if key in keys:
            report.errors.append(
                _("sessions[%(n)s]: session number %(number)s is also sessions[%(first)s].")
                % {"n": n, "number": plan.number, "first": keys[key]}
            )
        keys[key] = n
        plans.append(plan)
    if report.errors:
        return report
    now = timezone.now()
    with transaction.atomic():
        for plan in plans:
            outcome = _write(plan, maslikhat, now)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if report.created or report.updated:
            audit_record(
                actor=actor,
                action="session.import",
                obj=maslikhat,
                after={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                scope_code=maslikhat.code,
            )
    return report


def sessions_import(path: Path, *, actor=None) -> SessionsImportReport:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return SessionsImportReport(errors=[_("The file is not valid JSON: %(error)s") % {"error": error}])
    return sessions_import_data(data, actor=actor)
