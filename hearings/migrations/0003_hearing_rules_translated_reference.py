"""Hearing rules' legal references in Kazakh and Russian (issue 19, bug 9): an error shown to staff in
Russian quoted the English note. The notes of the rows 0002 loaded are translated here."""

import datetime

from django.db import migrations, models

MINUTES_NOTE = {
    "kk": "хаттама 5 жұмыс күні ішінде: Үкіметтің 2024 жылдан бергі өз отырыстарына арналған ережесі (әдепкі)",
    "ru": "протокол в течение 5 рабочих дней: правило Правительства для собственных заседаний с 2024 года "
    "(по умолчанию)",
}
URBAN = {
    "kk": "2020 жылғы № 505 бұйрық: қоғамдық талқылау хабарландырудан кейін 20 күнтізбелік күн өткенге дейін "
    "өткізілмейді",
    "ru": "Приказ № 505 от 2020 года: публичное обсуждение не ранее чем через 20 календарных дней после объявления",
}
DEFAULT = {
    "kk": "Әдепкі 10 күндік хабарлау мерзімі (заңда белгіленбеген)",
    "ru": "Срок оповещения 10 дней по умолчанию (в законе не установлен)",
}
TRANSLATIONS = {
    "urban_planning": {lang: f"{URBAN[lang]}; {MINUTES_NOTE[lang]}" for lang in ("kk", "ru")},
    "budget": {lang: f"{DEFAULT[lang]}; {MINUTES_NOTE[lang]}" for lang in ("kk", "ru")},
    "social": {lang: f"{DEFAULT[lang]}; {MINUTES_NOTE[lang]}" for lang in ("kk", "ru")},
    "other": {lang: f"{DEFAULT[lang]}; {MINUTES_NOTE[lang]}" for lang in ("kk", "ru")},
}


def translate(apps, schema_editor=None):
    """Fill the translations of the rows 0002 loads (by type and date), where still empty."""
    HearingRules = apps.get_model("hearings", "HearingRules")
    for hearing_type, texts in TRANSLATIONS.items():
        HearingRules.objects.filter(
            hearing_type=hearing_type, effective_from=datetime.date(2020, 1, 1), legal_reference_kk=""
        ).update(legal_reference_kk=texts["kk"], legal_reference_ru=texts["ru"])


class Migration(migrations.Migration):
    dependencies = [("hearings", "0002_hearing_rules")]

    operations = [
        migrations.AddField(
            model_name="hearingrules",
            name="legal_reference_kk",
            field=models.CharField(blank=True, max_length=300, verbose_name="legal reference (Kazakh)"),
        ),
        migrations.AddField(
            model_name="hearingrules",
            name="legal_reference_ru",
            field=models.CharField(blank=True, max_length=300, verbose_name="legal reference (Russian)"),
        ),
        migrations.RunPython(translate, migrations.RunPython.noop),
    ]
