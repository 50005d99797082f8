"""Pages: SQL queries and bytes (HTML + CSS + JS) of the home, petition list, petition, hearing,
deputy (the public record: every panel, the signed-in citizen's follow and booking), maslikhat,
representatives, session list, session (agenda items x roll calls), scorecard comparison and one
maslikhat's scorecard pages, with their lists at 5 and at 50 rows.

Production settings on a dedicated database (collected, hashed static files served by WhiteNoise),
Django's test client, `CaptureQueriesContext` around the second request of each page (the first
warms per-process caches). Anonymous visitor and signed-in citizen. Goals: <= 10 queries, the same
count at 5 and at 50 rows, <= 100 KB for HTML + CSS + JS. Reported, not enforced; the exit status is
1 only when a page does not answer 200.

Run: `.venv/bin/python bench/bench_pages.py` (`--queries` also prints each page's SQL, signed in,
at 50 rows).
"""

import gzip
import re
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Run, machine, make_open_petition, services_reachable  # noqa: E402

ASSET_RE = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
SIZES = (5, 50)
QUERY_GOAL, BYTES_GOAL = 10, 100 * 1024


def build(size: int, petition_base, staff, commission) -> dict:
    """Lists of `size` rows: signatures from `size` districts with hourly samples on one petition,
    `size` open petitions in the list, `size` published questions on one hearing, `size` deputies
    (one per new district, all in one commission) in the maslikhat."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from deputies.convocations import convocation_current
    from deputies.models import CommissionMembership, Deputy, ElectoralDistrict
    from hearings.models import Question
    from hearings.services import hearing_schedule
    from petitions.models import Petition, PetitionCountSample, Signature
    from petitions.tally import petitions_tally
    from portal.models import User

    unusable = make_password(None)
    people = User.objects.bulk_create(
        [
            User(
                email=f"p{size}-{i}@bench.invalid",
                first_name=f"Азамат{i}",
                last_name="Б",
                password=unusable,
                is_citizen=True,
                address="Алматы, Абая 10",
            )
            for i in range(size)
        ]
    )
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in people])
    petitions = [
        make_open_petition(
            title=f"Бенчмарк страниц {size}: петиция номер {i}",
            districts=False,
            author_email=f"author{size}-{i}@bench.invalid",
        )
        for i in range(size)
    ]
    petition = petitions[0]
    maslikhat = petition.maslikhat
    base = ElectoralDistrict.objects.filter(maslikhat=maslikhat).count()
    convocation = convocation_current(maslikhat)
    districts = ElectoralDistrict.objects.bulk_create(
        [
            ElectoralDistrict(
                maslikhat=maslikhat, convocation=convocation, number=base + i + 1, name_ru=f"Округ № {base + i + 1}"
            )
            for i in range(size)
        ]
    )
    deputies = Deputy.objects.bulk_create(
        [
            Deputy(
                maslikhat=maslikhat,
                full_name=f"Депутатов Депутат {size}-{i}",
                party="Amanat",
                mandate=Deputy.Mandate.SINGLE_MANDATE,
                district=d,
            )
            for i, d in enumerate(districts)
        ]
    )
    CommissionMembership.objects.bulk_create(
        [
            CommissionMembership(commission=commission, deputy=d, is_chair=i == 0 and size == SIZES[0])
            for i, d in enumerate(deputies)
        ]
    )
    now = timezone.now()
    Signature.objects.bulk_create(
        [
            Signature(
                petition=petition,
                signer=u,
                created_at=now,
                district=d,
                is_resident=True,
                address=u.address,
                is_citizen=True,
                pending=True,
                counted=False,
                status=Signature.Status.VALID,
            )
            for u, d in zip(people, districts, strict=True)
        ]
    )
    petitions_tally()
    hour = now.replace(minute=0, second=0, microsecond=0)
    PetitionCountSample.objects.bulk_create(
        [
            PetitionCountSample(
                petition=petition,
                hour=hour - timedelta(hours=i + 1),
                signature_count=size - i,
                resident_signature_count=size - i,
            )
            for i in range(1, size)
        ]
    )
    starts = timezone.now() + timedelta(days=30 + size)
    hearing = hearing_schedule(
        actor=staff,
        maslikhat=maslikhat,
        commission=commission,
        hearing_type="budget",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        topic_kk="Бюджет жобасы",
        topic_ru=f"Проект бюджета ({size})",
        venue_address="Алматы, пр. Абылай хана 91",
        capacity=100,
        languages=["kk", "ru"],
    )
    Question.objects.bulk_create(
        [
            Question(
                hearing=hearing,
                author=u,
                text=f"Вопрос номер {i} о бюджете района?",
                status=Question.Status.PUBLISHED,
                votes=i,
            )
            for i, u in enumerate(people)
        ]
    )
    assert Petition.objects.filter(pk=petition.pk).values_list("signature_count", flat=True).get() == size
    session = build_sessions(size, maslikhat, deputies)
    build_letters(size, deputies, people[0])
    return {"petition": petition, "hearing": hearing, "citizen": people[0], "deputy": deputies[0], "session": session}


def build_sessions(size: int, maslikhat, deputies):
    """`size` held sessions of the maslikhat; the last has `size` agenda items, each decided by a roll
    call of the `size` deputies, who all attended."""
    from django.utils import timezone

    from sittings.models import AgendaItem, Attendance, Decision, Session, Vote

    now = timezone.now()
    sessions = Session.objects.bulk_create(
        [
            Session(
                maslikhat=maslikhat,
                number=1000 * size + i,
                title_ru=f"Сессия {size}-{i}",
                starts_at=now - timedelta(days=size + i),
                status=Session.Status.HELD,
                agenda_published_at=now,
                video_url="https://example.invalid/video",
            )
            for i in range(size)
        ]
    )
    session = sessions[-1]
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(session=session, number=i + 1, title_ru=f"Вопрос {i + 1}", kind="budget") for i in range(size)]
    )
    decisions = Decision.objects.bulk_create(
        [
            Decision(item=item, adopted=True, votes_for=size, votes_against=0, votes_abstain=0, published_at=now)
            for item in items
        ]
    )
    Attendance.objects.bulk_create([Attendance(session=session, deputy=d, status="present") for d in deputies])
    Vote.objects.bulk_create([Vote(decision=x, deputy=d, choice="for") for x in decisions for d in deputies])
    return session


def build_letters(size: int, deputies, citizen) -> None:
    """`size` counted messages to the first deputy (replied, one exchange published), a reception slot
    of theirs booked by `citizen`, who follows the deputy: the deputy page's letters figures, slots
    and follow button, and the scorecard's reply rate, have rows to count."""
    from django.utils import timezone

    from letters.models import Booking, Message, ReceptionSlot
    from notifications.follows import follow_add

    deputy, now = deputies[0], timezone.now()
    Message.objects.bulk_create(
        [
            Message(
                deputy=deputy,
                maslikhat_id=deputy.maslikhat_id,
                author=citizen,
                language="ru",
                subject=f"Письмо {i}",
                body="Во дворе нет света.",
                reply="Починили.",
                status=Message.Status.REPLIED,
                delivered_at=now - timedelta(days=40),
                reply_due_on=timezone.localdate() - timedelta(days=10),
                replied_at=now - timedelta(days=35),
                reply_working_days=4,
                author_consents=i == 0,
                deputy_consents=i == 0,
                publication=Message.Publication.PUBLISHED if i == 0 else Message.Publication.PRIVATE,
            )
            for i in range(size)
        ]
    )
    starts = now + timedelta(days=3)
    slot = ReceptionSlot.objects.create(
        deputy=deputy,
        maslikhat_id=deputy.maslikhat_id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Акимат, кабинет 5",
        capacity=size,
        language="ru",
    )
    Booking.objects.create(slot=slot, user=citizen)
    follow_add(user=citizen, obj=deputy)


def measure(client, url: str, show: bool = False) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    count = len(queries)  # now: the next request empties the connection's query log
    if show:
        print(f"--- {url}: {count} queries")
        for query in queries.captured_queries:
            print(f"    {query['sql'][:300]}")
    if response.status_code != 200:
        return {"status": response.status_code, "queries": count, "html": 0, "assets": 0, "gzip": 0}
    html = response.content
    assets, compressed = 0, len(gzip.compress(html))
    for href in sorted(set(ASSET_RE.findall(html.decode()))):
        if not href.startswith("/static/"):
            continue
        asset = client.get(href)
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assets += len(body)
        compressed += len(gzip.compress(body))
    return {"status": 200, "queries": count, "html": len(html), "assets": assets, "gzip": compressed}


def main() -> int:
    if not services_reachable():
        print("bench_pages needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.")
        return 2
    print(f"machine: {machine()}")
    run = Run("pages").open()
    try:
        run.create_database()
        import django

        django.setup()
        from django.test import Client

        from deputies.models import Deputy, ElectoralDistrict, StandingCommission
        from portal.models import User

        started = time.monotonic()
        first = make_open_petition()
        staff = User.objects.get(email="staff@bench.invalid")
        commission = StandingCommission.objects.create(
            maslikhat=first.maslikhat, name_kk="Бюджет комиссиясы", name_ru="Бюджетная комиссия"
        )
        Deputy.objects.create(
            maslikhat=first.maslikhat,
            full_name="Абаев Абай",
            party="Amanat",
            role=Deputy.Role.CHAIR,
            mandate=Deputy.Mandate.SINGLE_MANDATE,
            district=ElectoralDistrict.objects.get(maslikhat=first.maslikhat, number=1),
        )
        data = {size: build(size, first, staff, commission) for size in SIZES}
        print(f"seeded lists of {' and '.join(map(str, SIZES))} rows in {time.monotonic() - started:.1f} s")

        pages = {
            "home": lambda _size: "/ru/",
            "petition list": lambda _size: "/ru/petitions/",
            "petition": lambda size: f"/ru/petitions/{data[size]['petition'].pk}/",
            "hearing": lambda size: f"/ru/hearings/{data[size]['hearing'].pk}/",
            "deputy": lambda size: f"/ru/deputies/{data[size]['deputy'].pk}/",
            "maslikhat": lambda _size: f"/ru/maslikhats/{first.maslikhat.code}/",
            "representatives": lambda _size: "/ru/representatives/?address=" + quote("Алматы, Абая 10"),
            "session list": lambda _size: f"/ru/sessions/?maslikhat={first.maslikhat.code}",
            "session": lambda size: f"/ru/sessions/{data[size]['session'].pk}/",
            "scorecards": lambda _size: "/ru/scorecards/",
            "scorecard": lambda _size: f"/ru/scorecards/{first.maslikhat.code}/",
        }
        show = "--queries" in sys.argv[1:]
        failures = 0
        print(
            f"{'page':<17}{'who':<11}{'queries 5/50':>14}{'HTML KB':>9}{'CSS+JS KB':>11}{'total KB':>10}"
            f"{'gzip KB':>9}   goals"
        )
        for page, url_for in pages.items():
            for who in ("anonymous", "citizen"):
                results = []
                for size in SIZES:
                    url = url_for(size)
                    client = Client()
                    if who == "citizen":
                        client.force_login(data[size]["citizen"])
                    results.append(measure(client, url, show=show and who == "citizen" and size == SIZES[-1]))
                if any(r["status"] != 200 for r in results):
                    failures += 1
                    print(f"{page:<17}{who:<11}statuses {[r['status'] for r in results]}")
                    continue
                big = results[-1]
                total = big["html"] + big["assets"]
                queries = [r["queries"] for r in results]
                ok = max(queries) <= QUERY_GOAL and len(set(queries)) == 1 and total <= BYTES_GOAL
                print(
                    f"{page:<17}{who:<11}{'/'.join(map(str, queries)):>14}{big['html'] / 1024:>9.1f}"
                    f"{big['assets'] / 1024:>11.1f}{total / 1024:>10.1f}{big['gzip'] / 1024:>9.1f}   "
                    + (
                        "PASS"
                        if ok
                        else "FAIL: "
                        + ", ".join(
                            m
                            for m, bad in (
                                (f"> {QUERY_GOAL} queries", max(queries) > QUERY_GOAL),
                                ("grows with the list", len(set(queries)) > 1),
                                ("> 100 KB", total > BYTES_GOAL),
                            )
                            if bad
                        )
                    )
                )
        print(
            "bytes: uncompressed HTML of the 50-row page plus every stylesheet and script it links; gzip: "
            "the same compressed (WhiteNoise serves precompressed static files)"
        )
        return 1 if failures else 0
    finally:
        run.close()


if __name__ == "__main__":
    sys.exit(main())
