"""Who may do what: every role x every write endpoint and every non-public read.

Each row names a URL (by its URLconf name), the objects it is called on and the expected outcome for
each role. Every request runs in a savepoint that is rolled back, so one world serves all roles.
A refusal must change nothing (counts and states are compared before and after), and no response
given to an official of one maslikhat may carry data of another.

The URLconf is walked: a URL that is neither in the matrix nor in PUBLIC (with the reason it is
public) fails `test_every_url_is_in_the_matrix_or_declared_public`, so the matrix grows with the app.
"""

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from deputies.models import Maslikhat
from petitions.models import Petition
from portal.models import Role
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory, ensure_reference_data, grant

pytestmark = [pytest.mark.django_db]

ROLES = ["anonymous", "citizen", "deputy", "staff_a", "staff_b", "commission_a", "moderator", "superuser"]
A, B = "kz-75", "kz-71"
MARK_A, MARK_B = "MRKA7x", "MRKB7x"  # in every title/topic/name of maslikhat A's and B's objects

# Outcomes. "ok": 2xx, or a redirect without an error message (done). "login": sent to the sign-in
# page (HTML) or 403 (API, session auth). "refused": past the gate, the service refused it and said
# so (a redirect with an error message, e.g. the wrong stage). A number: that exact status code
# (400 is a form re-rendered with its errors: past the gate, nothing done).
OK, LOGIN, REFUSED = "ok", "login", "refused"
DENIALS = {LOGIN, "mfa", 302, 403, 404, 405}


def roles(default, **overrides):
    table = dict.fromkeys(ROLES, default)
    table.update(overrides)
    return table


def signed_in(default, anonymous=LOGIN, **overrides):
    return roles(default, anonymous=anonymous, **overrides)


@dataclass
class Row:
    name: str  # URL name, namespaced
    method: str  # GET or POST
    expect: dict
    kwargs: callable = None  # world -> reverse kwargs
    data: callable = None  # world -> POST data
    query: str = ""
    api: bool = False
    staff: bool = False  # a staff page: officials must never see another maslikhat's data
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.method} {self.name}{' ' + self.label if self.label else ''}"


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def code_a(attr=None):
    return lambda w: {"code": A, **({"pk": getattr(w, attr).pk} if attr else {})}


def code_b(attr=None):
    return lambda w: {"code": B, **({"pk": getattr(w, attr).pk} if attr else {})}


STAFF_A_ONLY = roles(404, anonymous=LOGIN, staff_a=OK, superuser=OK)
MODERATION_A = roles(404, anonymous=LOGIN, staff_a=OK, moderator=OK, superuser=OK)
# By law the head of the body answers: the chairperson (tests/petitions/test_answer.py) and staff on
# their behalf; a deputy who is not the chairperson sees the petitions but does not answer.
ANSWER_A = roles(404, anonymous=LOGIN, staff_a=OK, superuser=OK)
COMMISSION_A = roles(404, anonymous=LOGIN, commission_a=OK)
COMMISSION_REFUSED = roles(404, anonymous=LOGIN, commission_a=REFUSED)
STAFF_A_400 = roles(404, anonymous=LOGIN, staff_a=400, superuser=400)
STAFF_AREA = signed_in(OK, citizen=403, commission_a=OK)
SIGN = {"address": "Алматы, Абая 10", "is_citizen": "on", "consent": "on"}

MATRIX = [
    # -- the staff area, audit log, roles, notification deliveries ---------------------------------
    Row("staff_home", "GET", STAFF_AREA, staff=True),
    Row("audit_log", "GET", signed_in(403, superuser=OK), staff=True),
    Row("deputies:staff_roles", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("deputies:staff_roles", "POST", signed_in(403, staff_a=400, staff_b=400, superuser=400), staff=True),
    Row("deputies:staff_role_revoke", "POST", signed_in(404, staff_a=OK, superuser=OK), pk("grant_a"), staff=True),
    # Separation of duties (issue 13): no self-grants; commission roles only by a superuser.
    Row(
        "deputies:staff_roles",
        "POST",
        signed_in(403, staff_a=400, staff_b=400, superuser=400),
        data=lambda w: {"email": w.actor.email if w.actor else "", "role": "deputy", "maslikhat": A},
        staff=True,
        label="self-grant",
    ),
    Row(
        "deputies:staff_roles",
        "POST",
        signed_in(403, staff_a=400, staff_b=400, superuser=OK),
        data=lambda w: {"email": w.citizen.email, "role": "commission", "maslikhat": A},
        staff=True,
        label="commission grant",
    ),
    Row(
        "deputies:staff_role_revoke",
        "POST",
        signed_in(404, staff_a=403, superuser=OK),
        pk("commission_grant_a"),
        staff=True,
        label="commission revoke",
    ),
    Row("staff_notifications", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row(
        "staff_notification_occurrence",
        "GET",
        signed_in(403, staff_a=OK, staff_b=404, superuser=OK),
        query="?event=petition.submitted&key={petition_key}",
        staff=True,
    ),
    Row(
        "staff_notification_retry",
        "POST",
        signed_in(403, staff_a=OK, staff_b=404, superuser=OK),
        data=lambda w: {"event": "petition.submitted", "key": w.petition_key},
        staff=True,
    ),
    # -- deputies: the register of each maslikhat, kept by its staff --------------------------------
    Row("deputies:staff_deputies", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("deputies:staff_import", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("deputies:staff_import", "POST", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("deputies:staff_maslikhat", "GET", STAFF_A_ONLY, code_a(), staff=True),
    Row("deputies:staff_deputy_new", "GET", STAFF_A_ONLY, code_a(), staff=True),
    Row("deputies:staff_deputy_new", "POST", STAFF_A_ONLY, code_a(), staff=True),
    Row("deputies:staff_deputy_edit", "GET", STAFF_A_ONLY, code_a("recall_deputy"), staff=True),
    Row("deputies:staff_deputy_edit", "POST", STAFF_A_ONLY, code_a("recall_deputy"), staff=True),
    Row(
        "deputies:staff_deputy_edit",
        "GET",
        roles(404, anonymous=LOGIN),
        code_b("recall_deputy"),
        staff=True,
        label="A's deputy under B's code",
    ),
    Row("deputies:staff_district_new", "GET", STAFF_A_ONLY, code_a(), staff=True),
    Row("deputies:staff_district_new", "POST", STAFF_A_ONLY, code_a(), staff=True),
    Row("deputies:staff_district_edit", "GET", STAFF_A_ONLY, code_a("district_a"), staff=True),
    Row("deputies:staff_district_edit", "POST", STAFF_A_ONLY, code_a("district_a"), staff=True),
    Row("deputies:staff_coverage", "GET", STAFF_A_ONLY, code_a("district_a"), staff=True),
    Row("deputies:staff_coverage", "POST", STAFF_A_ONLY, code_a("district_a"), staff=True),
    Row(
        "deputies:staff_coverage_remove",
        "POST",
        STAFF_A_ONLY,
        lambda w: {"code": A, "pk": w.district_a.pk, "row": w.coverage_a.pk},
        staff=True,
    ),
    Row(
        "deputies:staff_coverage_remove",
        "POST",
        roles(404, anonymous=LOGIN),
        lambda w: {"code": B, "pk": w.district_a.pk, "row": w.coverage_a.pk},
        staff=True,
        label="under B's code",
    ),
    # -- petitions: staff ---------------------------------------------------------------------------
    Row("petitions:staff_queue", "GET", signed_in(OK, citizen=404, commission_a=404), staff=True),
    Row("petitions:staff_sources", "GET", signed_in(OK, citizen=404, deputy=404, commission_a=404), staff=True),
    Row("petitions:staff_moderate", "GET", MODERATION_A, pk("pet_submitted"), staff=True),
    Row(
        "petitions:staff_moderate",
        "POST",
        MODERATION_A,
        pk("pet_submitted"),
        data=lambda w: {"action": "take"},
        staff=True,
    ),
    Row("petitions:staff_answer", "GET", ANSWER_A, pk("pet_awaiting"), staff=True),
    Row("petitions:staff_answer", "POST", ANSWER_A, pk("pet_awaiting"), staff=True),
    Row("petitions:staff_delivery", "GET", ANSWER_A, pk("pet_awaiting"), staff=True),
    Row("petitions:staff_invalidate", "GET", MODERATION_A, pk("pet_open"), staff=True),
    Row("petitions:staff_invalidate", "POST", MODERATION_A, pk("pet_open"), staff=True),
    # Paper sheets: the maslikhat's staff only (not its deputies, nor moderators).
    Row("petitions:staff_paper", "GET", STAFF_A_ONLY, pk("pet_open"), staff=True),
    Row("petitions:staff_paper", "POST", STAFF_A_ONLY, pk("pet_open"), data=lambda w: w.paper_row, staff=True),
    Row(
        "petitions:staff_paper",
        "POST",
        roles(404, anonymous=LOGIN, staff_a=REFUSED, superuser=REFUSED),
        pk("pet_awaiting"),
        data=lambda w: w.paper_row,
        staff=True,
        label="not collecting",
    ),
    Row(
        "petitions:staff_paper_withdraw",
        "POST",
        STAFF_A_ONLY,
        lambda w: {"pk": w.pet_open.pk, "signature_pk": w.paper_signature.pk},
        data=lambda w: {"reason": "Внесена по ошибке"},
        staff=True,
    ),
    Row(
        "petitions:sheet",
        "GET",
        roles(404, staff_a=REFUSED, moderator=REFUSED, deputy=REFUSED, superuser=REFUSED),
        pk("pet_submitted"),
        label="not yet public, not collecting",
    ),
    # -- petitions: citizens ------------------------------------------------------------------------
    Row("petitions:new", "GET", signed_in(OK)),
    Row("petitions:new", "POST", signed_in(OK)),
    Row("petitions:mine", "GET", signed_in(OK)),
    Row("petitions:edit", "GET", signed_in(404), pk("pet_draft")),
    Row("petitions:edit", "POST", signed_in(404), pk("pet_draft")),
    Row(
        "petitions:act",
        "POST",
        signed_in(404, deputy=REFUSED, staff_a=REFUSED, moderator=REFUSED, superuser=REFUSED),
        lambda w: {"pk": w.pet_draft.pk, "action": "submit"},
        label="submit someone else's draft",
    ),
    Row(
        "petitions:act",
        "POST",
        signed_in(REFUSED),
        lambda w: {"pk": w.pet_open.pk, "action": "withdraw"},
        label="withdraw someone else's petition",
    ),
    Row("petitions:sign", "POST", roles(OK, anonymous=LOGIN), pk("pet_open"), data=lambda w: SIGN),
    Row(
        "petitions:sign",
        "POST",
        roles(404, deputy=400, staff_a=400, moderator=400, superuser=400),
        pk("pet_draft"),
        data=lambda w: SIGN,
        label="a draft",
    ),
    Row("petitions:unsign", "POST", signed_in(OK), pk("pet_open")),
    Row(
        "petitions:detail",
        "GET",
        roles(404, staff_a=OK, moderator=OK, deputy=OK, superuser=OK),
        pk("pet_submitted"),
        label="not yet public",
    ),
    # -- petitions: API -----------------------------------------------------------------------------
    Row(
        "api-petition-sign",
        "POST",
        roles(OK, anonymous=LOGIN),
        pk("pet_open"),
        api=True,
        data=lambda w: {"address": "Алматы, Абая 10", "is_citizen": True},
    ),
    Row(
        "api-petition-sign",
        "POST",
        roles(404, anonymous=LOGIN, deputy=400, staff_a=400, moderator=400, superuser=400),
        pk("pet_submitted"),
        api=True,
        label="not yet public",
        data=lambda w: {"address": "Алматы, Абая 10", "is_citizen": True},
    ),
    Row("api-petition-eds-challenge", "GET", roles(400, anonymous=LOGIN), pk("pet_open"), api=True, label="EDS off"),
    Row(
        "api-petition-unsign",
        "POST",
        roles(404, anonymous=LOGIN, citizen=OK),
        pk("pet_open"),
        api=True,
        extra={"method": "DELETE"},
        label="only one's own signature",
    ),
    Row(
        "api-petition",
        "GET",
        roles(404, staff_a=OK, moderator=OK, deputy=OK, superuser=OK),
        pk("pet_submitted"),
        api=True,
        label="not yet public",
    ),
    # -- recalls: staff (the election commission only; superusers are deliberately not in) ----------
    Row("recalls:staff_list", "GET", signed_in(403, commission_a=OK, superuser=OK), staff=True),
    Row("recalls:staff_detail", "GET", COMMISSION_A, pk("recall"), staff=True),
    Row(
        "recalls:staff_register",
        "POST",
        COMMISSION_A,
        pk("recall"),
        staff=True,
        data=lambda w: {"collection_working_days": 20},
    ),
    Row(
        "recalls:staff_refuse",
        "POST",
        COMMISSION_A,
        pk("recall"),
        staff=True,
        data=lambda w: {"reason": "Инициативная группа сформирована с нарушениями порядка."},
    ),
    Row("recalls:staff_signatures", "GET", COMMISSION_A, pk("recall"), staff=True),
    # Past the gate, these are refused at this stage (registration review): the message says why.
    Row("recalls:staff_signatures", "POST", COMMISSION_REFUSED, pk("recall"), staff=True),
    Row("recalls:staff_sample", "POST", COMMISSION_REFUSED, pk("recall"), staff=True),
    Row("recalls:staff_finish", "POST", COMMISSION_REFUSED, pk("recall"), staff=True),
    Row("recalls:staff_vote", "POST", COMMISSION_REFUSED, pk("recall"), staff=True),
    # -- recalls: citizens, initiators, the deputy --------------------------------------------------
    Row("recalls:start", "GET", roles(OK), label="the address search is public"),
    Row("recalls:start", "POST", signed_in(OK), query="?deputy={recall_deputy_pk}", label="form errors"),
    Row("recalls:join", "GET", signed_in(OK), pk("recall")),
    Row("recalls:join", "POST", signed_in(OK), pk("recall")),
    Row("recalls:sign", "GET", signed_in(OK), pk("recall")),
    Row("recalls:sign", "POST", signed_in(OK), pk("recall")),
    Row("recalls:submit_group", "POST", signed_in(REFUSED), pk("recall")),
    Row("recalls:withdraw", "GET", signed_in(403), pk("recall")),
    Row("recalls:withdraw", "POST", signed_in(403), pk("recall")),
    Row("recalls:submit_signatures", "POST", signed_in(REFUSED), pk("recall")),
    Row("recalls:reply", "GET", signed_in(404, deputy=OK), pk("recall")),
    Row("recalls:reply", "POST", signed_in(404, deputy=OK), pk("recall")),
    Row(
        "api-recall-sign",
        "POST",
        roles(400, anonymous=LOGIN),
        pk("recall"),
        api=True,
        label="empty IIN",
        data=lambda w: {"iin": "", "address": ""},
    ),
    Row("api-recall-eds-challenge", "GET", roles(400, anonymous=LOGIN), pk("recall"), api=True, label="EDS off"),
    # -- hearings: staff ----------------------------------------------------------------------------
    Row("hearings:staff_list", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("hearings:staff_schedule", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row(
        "hearings:staff_schedule",
        "POST",
        signed_in(403, staff_a=OK, staff_b=OK, superuser=OK),
        staff=True,
        data=lambda w: {"maslikhat": w.hearing.maslikhat_id},
    ),
    Row("hearings:staff_manage", "GET", STAFF_A_ONLY, pk("hearing"), staff=True),
    Row("hearings:staff_details", "POST", STAFF_A_400, pk("hearing"), staff=True),
    Row("hearings:staff_postpone", "POST", STAFF_A_400, pk("hearing"), staff=True),
    Row(
        "hearings:staff_cancel",
        "POST",
        STAFF_A_ONLY,
        pk("hearing"),
        staff=True,
        data=lambda w: {"cancel-reason": "Помещение закрыто на ремонт."},
    ),
    Row("hearings:staff_minutes", "POST", STAFF_A_400, pk("hearing"), staff=True),
    Row("hearings:staff_agenda", "POST", STAFF_A_400, pk("hearing"), staff=True),
    Row("hearings:staff_registrations", "GET", STAFF_A_ONLY, pk("hearing"), staff=True),
    Row("hearings:staff_registrations", "POST", STAFF_A_ONLY, pk("hearing"), staff=True),
    Row("hearings:staff_registrations_csv", "GET", STAFF_A_ONLY, pk("hearing"), staff=True),
    Row(
        "hearings:staff_question_moderate",
        "POST",
        STAFF_A_ONLY,
        pk("question"),
        staff=True,
        data=lambda w: {"status": "published"},
    ),
    # -- hearings: citizens -------------------------------------------------------------------------
    Row("hearings:register", "POST", signed_in(OK), pk("hearing")),
    Row("hearings:unregister", "POST", signed_in(REFUSED, citizen=OK), pk("hearing"), label="only one's own"),
    Row("hearings:registration_qr", "GET", signed_in(404, citizen=OK), lambda w: {"pk": w.hearing.pk, "fmt": "svg"}),
    Row(
        "hearings:question_create",
        "POST",
        signed_in(OK),
        pk("hearing"),
        data=lambda w: {"text": "Когда начнётся ремонт дороги на улице Абая?"},
    ),
    Row("hearings:question_vote", "POST", signed_in(404), pk("question"), label="not yet published"),
    Row("hearings:question_vote", "POST", signed_in(OK), pk("published_question")),
    Row("api-hearing-registrations", "POST", roles(OK, anonymous=LOGIN), pk("hearing"), api=True),
    Row(
        "api-hearing-registration-mine",
        "POST",
        roles(400, anonymous=LOGIN, citizen=OK),
        pk("hearing"),
        api=True,
        extra={"method": "DELETE"},
        label="only one's own",
    ),
    # -- sessions: the staff console ----------------------------------------------------------------
    Row("sittings:staff_list", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("sittings:staff_plan", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("sittings:staff_plan", "POST", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("sittings:staff_manage", "GET", STAFF_A_ONLY, pk("session"), staff=True),
    Row(
        "sittings:staff_item_add",
        "POST",
        roles(404, anonymous=LOGIN, staff_a=REFUSED, superuser=REFUSED),
        pk("session"),
    ),
    Row("sittings:staff_publish", "POST", STAFF_A_ONLY, pk("session")),
    Row(
        "sittings:staff_document",
        "POST",
        roles(404, anonymous=LOGIN, staff_a=REFUSED, superuser=REFUSED),
        pk("session"),
    ),
    Row("sittings:staff_attendance", "POST", STAFF_A_ONLY, pk("session")),
    Row("sittings:staff_vote", "POST", STAFF_A_ONLY, pk("agenda_item")),
    Row("sittings:staff_decision_publish", "POST", STAFF_A_ONLY, pk("decision")),
    # -- a person's own data and notifications ------------------------------------------------------
    Row("profile", "GET", signed_in(OK)),
    Row("profile", "POST", signed_in(OK)),
    Row("data_export", "GET", signed_in(OK)),
    Row("account_delete", "GET", signed_in(OK)),
    Row("account_delete", "POST", signed_in(OK)),
    Row("notification_inbox", "GET", signed_in(OK)),
    Row("notification_read", "POST", signed_in(404, citizen=OK), pk("notification")),
    Row("notification_read_all", "POST", signed_in(OK)),
    Row("notification_preferences", "GET", signed_in(OK)),
    Row("notification_preferences", "POST", signed_in(OK)),
    Row("notification_telegram_unlink", "POST", signed_in(OK)),
    Row("follow_list", "GET", signed_in(OK)),
    Row(
        "follow_add",
        "POST",
        signed_in(OK),
        data=lambda w: {"object_type": "hearings.hearing", "object_id": w.hearing.pk},
    ),
    Row(
        "follow_remove",
        "POST",
        signed_in(OK),
        data=lambda w: {"object_type": "hearings.hearing", "object_id": w.hearing.pk},
    ),
    # -- letters to deputies and reception slots --------------------------------------------------
    Row("letters:staff_queue", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("letters:staff_message", "GET", STAFF_A_ONLY, pk("letter"), staff=True),
    Row(
        "letters:staff_message",
        "POST",
        STAFF_A_ONLY,
        pk("letter"),
        data=lambda w: {"action": "forward", "how": "Printed"},
        staff=True,
        label="forward",
    ),
    Row("letters:staff_reception", "GET", signed_in(403, staff_a=OK, staff_b=OK, superuser=OK), staff=True),
    Row("letters:staff_slot_cancel", "POST", STAFF_A_ONLY, pk("slot"), staff=True),
    Row("letters:reception_day", "GET", signed_in(403, staff_a=OK, staff_b=OK, deputy=OK, superuser=OK), staff=True),
    Row("letters:write", "GET", signed_in(OK), pk("recall_deputy")),
    Row("letters:write_all", "GET", signed_in(OK)),
    Row("letters:my_messages", "GET", signed_in(OK)),
    Row("letters:message", "GET", roles(404, anonymous=LOGIN, citizen=OK), pk("letter")),
    Row("letters:book", "POST", signed_in(OK), pk("slot")),
    Row("letters:booking_cancel", "POST", roles(404, anonymous=LOGIN, citizen=OK), pk("booking")),
    Row("letters:booking_ics", "GET", roles(404, anonymous=LOGIN, citizen=OK), pk("booking")),
    Row(
        "api-deputy-messages",
        "POST",
        signed_in(400),
        pk("recall_deputy"),
        data=lambda w: {"subject": "S", "body": "Не тот адрес для этого депутата.", "address": "Алматы, Абая 10"},
        api=True,
    ),
    # -- the Django admin: superusers only ----------------------------------------------------------
    Row("admin:index", "GET", roles(302, superuser=OK), staff=True),
    Row("admin:portal_user_changelist", "GET", roles(302, superuser=OK), staff=True),
    Row("admin:petitions_petition_changelist", "GET", roles(302, superuser=OK), staff=True),
    Row("admin:portal_auditentry_changelist", "GET", roles(302, superuser=OK), staff=True),
]

# Public on purpose (anyone may read; the views hide what is not public by themselves), or part of
# sign-in. Each entry says why; a new URL must be added to MATRIX or here.
PUBLIC = {
    "healthz": "liveness probe, no data",
    "api-schema": "API description",
    "api-docs": "API documentation",
    "home": "home page",
    "api-petitions": "public list (listed petitions only; tested in the row for a non-public detail)",
    "api-petition": "public detail; a non-public one is a MATRIX row",
    "api-petition-count": "public counter of a listed petition",
    "api-recall-list": "registered recalls are public by law",
    "api-recall-detail": "public stage and counts",
    "api-hearing-list": "public calendar",
    "api-hearing-detail": "public hearing",
    "petitions_feed": "Atom feed of listed petitions",
    "petitions_export": "open data: listed petitions",
    "petitions_districts_export": "open data: counts per district of a listed petition",
    "hearings_calendar_ics": "public calendar",
    "hearings_atom": "public feed",
    "hearings_hearing_ics": "public event",
    "petitions:list": "public list",
    "petitions:detail": "public page; a non-public one is a MATRIX row",
    "petitions:sheet": "blank paper signature sheet of a petition its viewer may see (no personal data); a MATRIX row",
    "recalls:list": "public list",
    "recalls:detail": "public page (masked data only)",
    "hearings:list": "public list",
    "hearings:calendar": "public calendar",
    "hearings:detail": "public page",
    "hearings:document": "published agenda and minutes are public records",
    "notification_unsubscribe": "one-click unsubscribe by signed token (RFC 8058), no session",
    "telegram_bot:webhook": "Telegram's server; 403 without the webhook secret header (tests/telegram/test_bot.py)",
    "api-representatives": "address lookup",
    "api-address-suggest": "address suggestions",
    "maslikhat-list": "public register",
    "maslikhat-detail": "public register",
    "deputy-list": "public register",
    "deputy-detail": "public register",
    "deputies:representatives": "address lookup",
    "deputies:deputy_list": "public register",
    "deputies:deputy": "public register",
    "deputies:maslikhat_list": "public register",
    "deputies:maslikhat": "public register",
    "deputies:district": "public register",
    "deputies:district_boundary": "public map data",
    "deputies:open_data": "open data",
    "deputies:export_deputies": "open data",
    "deputies:export_districts": "open data",
    "deputies:export_popolo": "open data",
    "letters:reply": "the deputy's reply page: no account, a signed single-use token (tests/letters)",
    "letters:reply_report": "the deputy's report button: the same signed token (tests/letters)",
    "letters:followup": "'did you get a reply?': a signed token per message, no login (tests/letters)",
    "letters:method": "how replies are counted",
    "api-session-list": "public sessions",
    "api-session-detail": "public session (unpublished decisions are left out)",
    "sessions_calendar_ics": "public calendar",
    "sessions_session_ics": "public event",
    "sittings:list": "public list",
    "sittings:calendar": "public calendar",
    "sittings:decisions": "published decisions only",
    "sittings:detail": "public page (unpublished decisions are left out)",
    "sittings:document": "session documents are public records",
    "sittings:scorecards": "public comparison",
    "sittings:scorecards_csv": "open data",
    "sittings:scorecards_json": "open data",
    "sittings:scorecard": "public scorecard",
}
# Sign-in, sign-up, password and MFA flows of django-allauth: their own rate limits and tests.
EXEMPT_MODULES = ("allauth.",)
EXEMPT_NAMES = {None, ""}


def _walk(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), pattern.callback


def test_every_url_is_in_the_matrix_or_declared_public():
    covered = {row.name for row in MATRIX} | set(PUBLIC)
    missing = []
    for name, callback in _walk(get_resolver()):
        module = getattr(callback, "__module__", "") or ""
        if name in EXEMPT_NAMES or module.startswith(EXEMPT_MODULES):
            continue
        if name.startswith("admin:"):
            continue  # every admin view goes through admin_site.admin_view; sampled in MATRIX
        if name not in covered:
            missing.append(name)
    assert not missing, f"URLs with no permission-matrix row and not declared public: {sorted(set(missing))}"


def test_the_matrix_names_real_urls():
    names = {name for name, _callback in _walk(get_resolver())}
    assert not [row.name for row in MATRIX if row.name not in names and not row.name.startswith("admin:")]
    assert not [name for name in PUBLIC if name not in names]


# ------------------------------------------------------------------------------
# The world: two maslikhats, their officials and objects
# ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the whole matrix, built once in a transaction that is rolled back when the module
    ends: each test runs in its own savepoint inside it (pytest-django's `db`), and each request in
    another, so no row sees what an earlier one did. Built per row it was most of the unit run's time."""
    with django_db_blocker.unblock(), time_machine.travel("2025-06-02 10:00:00+05:00", tick=False):
        with transaction.atomic():
            ensure_reference_data()  # an earlier module's transactional test may have flushed it
            yield _build_world()
            transaction.set_rollback(True)


def _build_world():
    from hearings import services as hearing_services
    from hearings.models import Question
    from notifications.models import EmailDelivery, Notification
    from petitions import signing as petition_signing
    from recalls import services as recall_services
    from recalls.models import RecallRequest
    from tests.hearings.factories import make_hearing
    from tests.petitions.factories import petition_at, petition_districts
    from tests.recalls.factories import forming_recall, smd_deputy

    # What the shared fixtures (almaty, astana, staff, author, districts, make_petition) give a test.
    almaty = Maslikhat.objects.select_related("unit").get(code=A)
    astana = Maslikhat.objects.get(code=B)
    staff = UserFactory(mfa=True, first_name="Сара", last_name="Хатшы")
    grant(staff, Role.STAFF, A)
    author = UserFactory(first_name="Айгүл", last_name="Сейтова", is_citizen=True, address="Алматы, Абая 10")
    petition_districts(almaty, astana)

    def make_petition(stage, *, title, maslikhat=almaty):
        return petition_at(stage, author=author, staff=staff, maslikhat=maslikhat, title=title)

    w = SimpleNamespace()
    w.anonymous = None
    w.citizen = UserFactory(is_citizen=True, address="Алматы, Абая 10", first_name="Citizen")
    w.staff_a = staff  # the petitions' staff of kz-75 (moves petitions along)
    w.staff_b = UserFactory(mfa=True, first_name="StaffB")
    grant(w.staff_b, Role.STAFF, B)
    w.commission_a = UserFactory(mfa=True, first_name="Commission")
    w.commission_grant_a = grant(w.commission_a, Role.COMMISSION, A)
    w.moderator = UserFactory(mfa=True, first_name="Moderator")
    grant(w.moderator, Role.MODERATOR, A)
    w.superuser = UserFactory(is_superuser=True, is_staff=True, mfa=True)

    # Maslikhat A: a deputy (the person behind a Deputy row) facing a recall, petitions, a hearing.
    recall_deputy = smd_deputy(street="Сатпаева", full_name=f"Депутатов {MARK_A}")
    w.deputy = UserFactory(mfa=True, first_name="Deputy")
    recall_deputy.user = w.deputy
    recall_deputy.save()
    grant(w.deputy, Role.DEPUTY, A)
    w.recall = forming_recall(recall_deputy, members=10)
    w.recall_deputy_pk = recall_deputy.pk
    w.recall_deputy = recall_deputy
    w.district_a = recall_deputy.district
    w.coverage_a = recall_deputy.district.coverage.first()
    recall_services.recall_submit_group(actor=w.recall.initiator, recall=w.recall)
    w.recall.refresh_from_db()
    assert w.recall.status == RecallRequest.Status.REGISTRATION_REVIEW

    w.pet_draft = make_petition(Petition.Status.DRAFT, title=f"Черновик {MARK_A} улица")
    w.pet_submitted = make_petition(Petition.Status.SUBMITTED, title=f"На модерации {MARK_A} парк")
    w.pet_open = make_petition(Petition.Status.OPEN, title=f"Открытая {MARK_A} остановки")
    w.pet_awaiting = make_petition(Petition.Status.AWAITING_ANSWER, title=f"Ожидает ответа {MARK_A} свет")
    w.petition_key = f"petition:{w.pet_submitted.pk}:submitted"
    EmailDelivery.objects.filter(event="petition.submitted", key=w.petition_key).update(
        status=EmailDelivery.Status.FAILED
    )
    assert EmailDelivery.objects.filter(key=w.petition_key, status="failed").exists()
    petition_signing.petition_sign(
        petition=w.pet_open, user=w.citizen, address="Алматы, Абая 10", is_citizen=True, ip="10.0.0.1"
    )
    from petitions.paper import PaperSignature, paper_signature_add
    from portal.iin import make_iin

    today = date(2025, 6, 2)
    w.paper_signature = paper_signature_add(
        petition=w.pet_open,
        actor=staff,
        entry=PaperSignature(f"Қағаз {MARK_A}", make_iin(date(1990, 1, 1), serial=1), "Алматы, Абая 5", today),
    )
    w.paper_row = {
        "full_name": "Қасымова Әлия",
        "iin": make_iin(date(1990, 1, 1), serial=2),
        "address": "Алматы, Абая 5",
        "signed_on": today.isoformat(),
    }

    w.hearing = make_hearing(staff, almaty)
    w.hearing.topic_ru = w.hearing.topic_kk = f"Бюджет {MARK_A}"
    w.hearing.save()
    hearing_services.registration_create(user=w.citizen, hearing=w.hearing)
    asker = w.pet_draft.author
    w.question = Question.objects.create(hearing=w.hearing, author=asker, text=f"Вопрос {MARK_A}?")
    w.published_question = Question.objects.create(
        hearing=w.hearing, author=asker, text=f"Опубликован {MARK_A}?", status=Question.Status.PUBLISHED
    )
    w.grant_a = grant(UserFactory(), Role.DEPUTY, A)
    w.notification = Notification.objects.create(user=w.citizen, event="petition.answered", key="matrix", url="/")
    w.letter, w.slot, w.booking = _letters_world(w, recall_deputy)

    from sittings.models import AgendaItem, Decision, Session

    w.session = Session.objects.create(
        maslikhat=almaty, number=1, title_ru=f"Сессия {MARK_A}", starts_at="2025-06-20T10:00:00+05:00"
    )
    w.agenda_item = AgendaItem.objects.create(session=w.session, number=1, title_ru=f"Бюджет {MARK_A}")
    w.decision = Decision.objects.create(item=w.agenda_item, adopted=True)

    # Maslikhat B: objects an official of A must never see.
    w.pet_b = make_petition(Petition.Status.SUBMITTED, title=f"Астана {MARK_B} жолы", maslikhat=astana)
    hearing_b = make_hearing(w.staff_b, astana, days=31)
    hearing_b.topic_ru = hearing_b.topic_kk = f"Бюджет {MARK_B}"
    hearing_b.save()
    grant(UserFactory(first_name=MARK_B), Role.DEPUTY, B)
    DeputyFactory(maslikhat=astana, full_name=f"Депутатов {MARK_B}")
    Session.objects.create(
        maslikhat=astana, number=1, title_ru=f"Сессия {MARK_B}", starts_at="2025-06-21T10:00:00+05:00"
    )
    return w


def _letters_world(w, deputy):
    """A citizen's message to deputy A (waiting for the staff) and a reception slot they booked."""
    from datetime import datetime

    from django.utils import timezone

    from letters.models import Booking, Message, ReceptionSlot

    letter = Message.objects.create(
        deputy=deputy,
        maslikhat=deputy.maslikhat,
        author=w.citizen,
        author_name="Citizen",
        address="Алматы, Сатпаева 1",
        subject=f"Хат {MARK_A}",
        body=f"Мәтін {MARK_A}",
        language="kk",
        status=Message.Status.STAFF_QUEUE,
    )
    starts = timezone.make_aware(datetime(2025, 6, 11, 10, 0))
    slot = ReceptionSlot.objects.create(
        deputy=deputy,
        maslikhat=deputy.maslikhat,
        starts_at=starts,
        ends_at=starts + timezone.timedelta(hours=2),
        place=f"Кабинет {MARK_A}",
        capacity=5,
        language="kk",
    )
    return letter, slot, Booking.objects.create(slot=slot, user=w.citizen)


def _snapshot():
    """What a refused request must leave untouched."""
    from hearings.models import Hearing, Question, QuestionVote, Registration
    from notifications.models import EmailDelivery, Follow, Notification
    from petitions.models import Signature
    from portal.models import AuditEntry, RoleGrant
    from recalls.models import RecallRequest, RecallSignature

    return (
        AuditEntry.objects.count(),
        Signature.objects.filter(status="valid").count(),
        RecallSignature.objects.count(),
        Registration.objects.exclude(status="cancelled").count(),
        Question.objects.count(),
        QuestionVote.objects.count(),
        Follow.objects.count(),
        RoleGrant.objects.active().count(),
        EmailDelivery.objects.count(),
        Notification.objects.filter(read_at__isnull=True).count(),
        tuple(Petition.objects.order_by("pk").values_list("status", flat=True)),
        tuple(RecallRequest.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Hearing.objects.order_by("pk").values_list("status", "starts_at")),
    )


def _outcome(response, row) -> str | int:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302, 303):
        if "/accounts/login/" in location:
            return LOGIN
        if "/accounts/2fa/" in location:
            return "mfa"
        if "/admin/login/" in location:
            return 302
        errors = [m for m in get_messages(response.wsgi_request) if m.level >= message_levels.ERROR]
        return REFUSED if errors else OK
    if row.api and status in (401, 403) and response.wsgi_request.user.is_anonymous:
        return LOGIN
    return OK if status < 400 else status


def _request(client, row, w):
    kwargs = row.kwargs(w) if row.kwargs else {}
    url = reverse(row.name, kwargs=kwargs) + row.query.format(**vars(w))
    data = row.data(w) if row.data else {}
    method = row.extra.get("method", row.method)
    if row.api:
        return getattr(client, method.lower())(url, data=data, content_type="application/json")
    return client.get(url) if method == "GET" else client.post(url, data)


def _markers_of_others(role: str) -> list[str]:
    if role == "staff_b":
        return [MARK_A]
    if role in {"staff_a", "commission_a", "moderator", "deputy"}:
        return [MARK_B]
    return []


@pytest.mark.slow  # every row x 8 roles: ~1,200 requests, a third of the unit run (the URL walks above stay fast)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_permission_matrix(row, world, client):
    from django.utils import translation

    results, problems = {}, []
    for role in ROLES:
        user = getattr(world, role)
        world.actor = user
        client.logout()
        if user is not None:
            client.force_login(user)
        with transaction.atomic():
            before = _snapshot()
            with translation.override("en"):
                response = _request(client, row, world)
            after = _snapshot()
            transaction.set_rollback(True)
        outcome = _outcome(response, row)
        results[role] = outcome
        if outcome != row.expect[role]:
            problems.append(f"{role}: expected {row.expect[role]!r}, got {outcome!r} ({response.status_code})")
        if outcome != OK and before != after:
            problems.append(f"{role}: refused ({outcome}) but something changed")
        body = b"" if getattr(response, "streaming", False) else response.content
        text = body.decode(errors="replace")
        if outcome in DENIALS and (MARK_A in text or MARK_B in text):
            problems.append(f"{role}: a refusal shows an object's data")
        if row.staff:
            leaked = [m for m in _markers_of_others(role) if m in text]
            if leaked:
                problems.append(f"{role}: the page shows another maslikhat's data")
        if response.status_code >= 500:
            problems.append(f"{role}: server error")
    assert not problems, f"{row.id}: " + "; ".join(problems) + f"\nall outcomes: {results}"
