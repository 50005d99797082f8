"""Address lookup under load: 200,000 coverage rows in PostgreSQL, many lookups typed the way people
type them (Latin letters, genitive forms, street words anywhere). Prints p50/p95/p99 in ms of the
selector (server-side) and of the whole API request, and the SQL queries per lookup, which must not
depend on the data size.

    .venv/bin/python bench/bench_lookup.py [--rows 200000] [--lookups 3000]

Uses the PostgreSQL that `python -m portal.devtools services` finds, in a database of its own
(`dauys_bench_lookup`), created, migrated and dropped here."""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
# A script run by path gets bench/ on sys.path, not the project: add the project root.
sys.path.insert(0, str(ROOT))

BENCH_DB = "dauys_bench_lookup"
SYLLABLES = [
    "ал",
    "ма",
    "ту",
    "қа",
    "ра",
    "бай",
    "тө",
    "ле",
    "жан",
    "сай",
    "күн",
    "ар",
    "на",
    "ер",
    "ай",
    "ғы",
    "шы",
    "мұ",
    "ра",
    "тан",
    "бек",
    "гүл",
    "ке",
    "нес",
    "сұл",
    "та",
    "ба",
    "жол",
    "дос",
    "тық",
    "ор",
    "көл",
]
REAL_STREETS = [
    "ул. Абая",
    "пр. Абылай хана",
    "пр. Достык",
    "ул. Толе би",
    "пр. Республики",
    "ул. Кабанбай батыра",
    "ул. Сатпаева",
    "ул. Жандосова",
    "мкр. Самал-2",
    "ул. Гоголя",
    "ул. Жибек Жолы",
    "ул. Қосшы",
]
RULES = [
    "all",
    "нечет 1-99",
    "чет 2-100",
    "1-57, 58А, 60/1, 62-140",
    "1-40",
    "odd 1-37, even 2-40",
    "тақ 1-201",
    "жұп 2-200",
]
LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "қ": "q",
    "ғ": "gh",
    "ү": "u",
    "ұ": "u",
    "ө": "o",
    "ә": "a",
    "і": "i",
    "ң": "ng",
}


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        out = subprocess.run(
            [sys.executable, "-m", "portal.devtools", "services"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        for line in out.stdout.splitlines():
            if line.startswith("export DATABASE_URL="):
                url = line.split("=", 1)[1].strip("'\"")
    if not url.startswith("postgres"):
        sys.exit("bench_lookup needs PostgreSQL on 127.0.0.1 (see `python -m portal.devtools services`).")
    return url


def admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlparse(url)
    with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def latin(text: str) -> str:
    return "".join(LATIN.get(ch, LATIN.get(ch.lower(), ch).capitalize() if ch.isupper() else ch) for ch in text)


def generate(rows: int, rng: random.Random) -> list[tuple]:
    """Coverage rows as (maslikhat code, district number, settlement, street, houses)."""
    from deputies.addresses import settlement_key, street_key
    from deputies.models import Maslikhat

    def unique_by_key(names, key):  # distinct spellings may share a key (that is the point of keys)
        return sorted({key(n): n for n in sorted(names)}.values())

    codes = list(Maslikhat.objects.filter(level="regional").values_list("code", flat=True))
    settlements = unique_by_key({word(rng, 3) for _ in range(800)}, settlement_key)[:400]
    per_settlement = rows // len(settlements)
    real_keys = {street_key(s) for s in REAL_STREETS}
    street_pool = [
        s
        for s in unique_by_key({f"ул. {word(rng, 2)} {word(rng, 2)}" for _ in range(6000)}, street_key)
        if street_key(s) not in real_keys
    ]
    data = []
    for index, settlement in enumerate(settlements):
        code = codes[index % len(codes)]
        first_district = (index // len(codes)) * 10 + 1
        streets = REAL_STREETS + rng.sample(street_pool, per_settlement - len(REAL_STREETS))
        for position, street in enumerate(streets):
            data.append((code, first_district + position % 10, settlement, street, rng.choice(RULES)))
    return data


def load(data: list[tuple]) -> None:
    from deputies.addresses import settlement_key, street_key
    from deputies.convocations import convocation_current
    from deputies.models import AddressCoverage, Deputy, ElectoralDistrict, Maslikhat

    maslikhats = {m.code: m for m in Maslikhat.objects.all()}
    convocations = {}
    districts = {}
    for code, number in sorted({(row[0], row[1]) for row in data}):
        if code not in convocations:
            convocations[code] = convocation_current(maslikhats[code])
        districts[(code, number)] = ElectoralDistrict(
            maslikhat=maslikhats[code], convocation=convocations[code], number=number, name_ru=f"Округ № {number}"
        )
    ElectoralDistrict.objects.bulk_create(districts.values(), batch_size=2000)
    districts = {(d.maslikhat.code, d.number): d for d in ElectoralDistrict.objects.select_related("maslikhat")}
    deputies = [
        Deputy(
            maslikhat=d.maslikhat,
            full_name=f"Депутат {d.maslikhat.code} {d.number}",
            party="Amanat",
            mandate="single_mandate",
            district=d,
        )
        for d in districts.values()
    ]
    deputies += [
        Deputy(maslikhat=m, full_name=f"Тізім {m.code} {i}", party="Amanat", mandate="party_list")
        for m in maslikhats.values()
        if m.level == "regional"
        for i in range(20)
    ]
    Deputy.objects.bulk_create(deputies, batch_size=2000)
    keys_s, keys_st = {}, {}
    batch = []
    for code, number, settlement, street, houses in data:
        s_key = keys_s.get(settlement) or keys_s.setdefault(settlement, settlement_key(settlement))
        st_key = keys_st.get(street) or keys_st.setdefault(street, street_key(street))
        batch.append(
            AddressCoverage(
                district=districts[(code, number)],
                settlement=settlement,
                settlement_key=s_key,
                street=street,
                street_key=st_key,
                houses=houses,
            )
        )
    AddressCoverage.objects.bulk_create(batch, batch_size=5000)


def queries(data: list[tuple], count: int, rng: random.Random) -> list[str]:
    """What people type: house numbers inside and outside the rules, Latin, genitive, street words moved."""
    texts = []
    for _ in range(count):
        _code, _number, settlement, street, houses = rng.choice(data)
        name = street.removeprefix("ул. ").removeprefix("пр. ").removeprefix("мкр. ")
        house = rng.choice(["1", "12", "15", "58А", "60/1", "37", "100", "7а", "201", "999"])
        form = rng.random()
        if form < 0.3:
            text = f"{settlement}, {street} {house}"
        elif form < 0.5:
            text = f"{latin(settlement)}, {latin(name)} {house}"
        elif form < 0.65:
            text = f"г. {settlement}, {name} көшесі, д. {house}"
        elif form < 0.8:
            text = f"{name} {house}, {settlement}"
        elif form < 0.9:
            text = f"{name} {house}"  # no settlement: ambiguous across settlements
        else:
            text = f"{settlement}, {word(rng, 3)} {house}"  # unknown street
        texts.append(text)
    return texts


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return f"p50 {at(0.50):6.2f} ms  p95 {at(0.95):6.2f} ms  p99 {at(0.99):6.2f} ms  mean {statistics.fmean(ordered):6.2f} ms"  # noqa: E501


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=20260319)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    url = database_url()
    bench_url = urlunparse(urlparse(url)._replace(path=f"/{BENCH_DB}"))
    admin(url, f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin(url, f'CREATE DATABASE "{BENCH_DB}"')
    os.environ.update(
        DATABASE_URL=bench_url,
        DJANGO_SETTINGS_MODULE="portal.settings.local",
        DEBUG="0",
        API_THROTTLE_ANON="1000000/minute",
    )
    os.environ.pop("REDIS_URL", None)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        from deputies.models import AddressCoverage
        from deputies.selectors import representatives_for_address

        setup_test_environment()
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        data = generate(args.rows, rng)
        load(data)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        total = AddressCoverage.objects.count()
        print(
            f"loaded {total:,} coverage rows in {time.perf_counter() - started:.1f} s "
            f"({len({r[2] for r in data})} settlements, PostgreSQL {connection.pg_version // 10000})"
        )

        texts = queries(data, args.lookups, rng)
        for text in texts[:200]:  # warm the connection, caches and plans
            representatives_for_address(text)
        timings, query_counts, found, ambiguous = [], {}, 0, 0
        for text in texts:
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                answer = representatives_for_address(text)
                timings.append((time.perf_counter() - t0) * 1000)
            key = "found" if answer.matches else "not found"
            query_counts.setdefault(key, set()).add(len(captured))
            found += bool(answer.matches)
            ambiguous += len(answer.matches) > 1
        print(f"representatives_for_address, {len(texts)} lookups ({found} found, {ambiguous} with a picker):")
        print(f"  {percentiles(timings)}")
        print("  SQL queries per lookup: " + ", ".join(f"{k}: {sorted(v)}" for k, v in sorted(query_counts.items())))

        client = Client(HTTP_HOST="127.0.0.1")
        api = []
        for text in texts[: min(1000, len(texts))]:
            t0 = time.perf_counter()
            response = client.get("/api/v1/representatives/", {"address": text})
            api.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (text, response.status_code)
        print(f"GET /api/v1/representatives/ (in-process, with serialisation), {len(api)} requests:")
        print(f"  {percentiles(api)}")
        p95 = sorted(timings)[int(0.95 * len(timings))]
        constant = all(len(v) == 1 for v in query_counts.values())
        print(
            f"goal p95 <= 20 ms: {'PASS' if p95 <= 20 else 'FAIL'} ({p95:.2f} ms); queries constant: {'yes' if constant else 'NO'}"  # noqa: E501
        )
        connection.close()
        return 0 if constant else 1
    finally:
        from django.db import connections

        connections.close_all()
        admin(url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
