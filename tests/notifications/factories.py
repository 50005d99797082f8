"""Notification builders: something to notify about (a maslikhat), created when a flush removed it;
what a browser submits for the settings form."""

NAMES = {
    "kz-75": ("Алматы қалалық мәслихаты", "Маслихат города Алматы", "Almaty City Maslikhat"),
    "kz-71": ("Астана қалалық мәслихаты", "Маслихат города Астаны", "Astana City Maslikhat"),
}


def news_object(code: str = "kz-75"):
    """A maslikhat to notify about. Loaded by a migration, but a transactional test (which flushes
    the database) may have run before on a reused test database, so create it when missing."""
    from deputies.models import AdministrativeUnit, Maslikhat

    kk, ru, en = NAMES[code]
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code=code, defaults={"kind": "city_republican", "name_kk": kk, "name_ru": ru, "name_en": en}
    )
    maslikhat, _ = Maslikhat.objects.get_or_create(
        code=code,
        defaults={
            "unit": unit,
            "level": "regional",
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
        },
    )
    return maslikhat


def browser_data(form) -> dict:
    """What a browser submits for a form as the page shows it (an unchecked box sends nothing)."""
    data = {}
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if isinstance(initial, bool):
            if initial:
                data[name] = "on"
        else:
            data[name] = initial
    return data
