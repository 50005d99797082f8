"""Loading the administrative map (tier-1 units and the city districts) from the JSON shipped in
deputies/data. Used by a data migration, so it works on historical models via `apps`."""

import json
from pathlib import Path

from deputies.models import CURRENT_CONVOCATION, CURRENT_CONVOCATION_ELECTED_ON

ADMIN_MAP_PATH = Path(__file__).resolve().parent / "data" / "kz_admin.json"
MASLIKHAT_KINDS = {"oblast", "city_republican", "district", "city_oblast"}
# Known seat counts of the 8th convocation (DOMAIN.md); the rest are filled in by operators.
KNOWN_SEATS = {"kz-71": 34, "kz-75": 42, "kz-79": 32, "kz-39": 32}
RU_CITY_GENITIVE = {"город Астана": "города Астаны", "город Шымкент": "города Шымкента"}


def maslikhat_names(kind: str, name: dict) -> dict:
    kk, ru, en = name["kk"], name["ru"], name["en"]
    if kk.endswith(" облысы"):
        kk_name = kk.removesuffix(" облысы") + " облыстық мәслихаты"
    elif kk.endswith(" қаласы"):
        kk_name = kk.removesuffix(" қаласы") + " қалалық мәслихаты"
    elif kk.endswith(" ауданы"):
        kk_name = kk.removesuffix(" ауданы") + " аудандық мәслихаты"
    else:
        kk_name = f"{kk} мәслихаты"
    if ru in RU_CITY_GENITIVE:
        ru_gen = RU_CITY_GENITIVE[ru]
    elif ru.startswith("город "):
        ru_gen = "города " + ru.removeprefix("город ")
    elif ru.endswith("ская область"):
        ru_gen = ru.removesuffix("ская область") + "ской области"
    elif ru.startswith("область "):
        ru_gen = "области " + ru.removeprefix("область ")
    elif ru.endswith("ский район"):
        ru_gen = ru.removesuffix("ский район") + "ского района"
    else:
        ru_gen = f"«{ru}»"
    en_name = (
        en if "Maslikhat" in en else f"{en} {'City ' if kind in {'city_republican', 'city_oblast'} else ''}Maslikhat"
    )
    return {"name_kk": kk_name, "name_ru": f"Маслихат {ru_gen}", "name_en": en_name}


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _eighth_convocation(apps, maslikhat, system: str, using: str | None) -> None:
    """Every tier-1 maslikhat's 8th convocation was elected on 19 March 2023 (DOMAIN.md), under the
    system the file gives it. Before migration 0009 (no electoral system on convocations) nothing."""
    try:
        Convocation = apps.get_model("deputies", "Convocation")
    except LookupError:
        return
    convocations = Convocation.objects.db_manager(using)
    if "electoral_system" not in _field_names(Convocation) or convocations.filter(maslikhat=maslikhat).exists():
        return
    convocations.create(
        maslikhat=maslikhat,
        number=CURRENT_CONVOCATION,
        elected_on=CURRENT_CONVOCATION_ELECTED_ON,
        electoral_system=system,
        seats=maslikhat.seats,
    )


def load_admin_map(apps, path: Path = ADMIN_MAP_PATH, using: str | None = None) -> int:
    """Units and maslikhats from the file, and each maslikhat's 8th convocation with its electoral
    system. Runs on historical models too (migration 0003 predates convocations and still has the
    maslikhat's own electoral system, later removed). `using`: the migration's database."""
    Unit = apps.get_model("deputies", "AdministrativeUnit")
    Maslikhat = apps.get_model("deputies", "Maslikhat")
    system_on_maslikhat = "electoral_system" in _field_names(Maslikhat)
    data = json.loads(path.read_text(encoding="utf-8"))
    units = {}
    for row in data["units"]:  # parents precede children in the file
        unit, _created = Unit.objects.db_manager(using).update_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "iso_code": row.get("iso_3166_2") or "",
                "parent": units.get(row["parent"]) if row["parent"] else None,
                **{f"name_{lang}": row["name"][lang] for lang in ("kk", "ru", "en")},
                **{f"centre_{lang}": (row.get("centre") or {}).get(lang, "") for lang in ("kk", "ru", "en")},
            },
        )
        units[row["code"]] = unit
        if row.get("has_maslikhat"):
            system = "mixed_50_50" if row.get("electoral_system") == "mixed_50_50" else "smd"
            maslikhat, _created = Maslikhat.objects.db_manager(using).update_or_create(
                code=row["code"],
                defaults={
                    "unit": unit,
                    "level": "regional" if row["kind"] in {"oblast", "city_republican"} else "district",
                    **({"electoral_system": system} if system_on_maslikhat else {}),
                    "seats": KNOWN_SEATS.get(row["code"]),
                    **maslikhat_names(row["kind"], row["name"]),
                },
            )
            _eighth_convocation(apps, maslikhat, system, using)
    return len(units)


def load_admin_map_if_empty(apps) -> None:
    try:
        Maslikhat = apps.get_model("deputies", "Maslikhat")
    except LookupError:  # deputies not migrated yet in this registry
        return
    if not Maslikhat.objects.exists():
        load_admin_map(apps)
