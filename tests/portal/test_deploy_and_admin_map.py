import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from deputies.models import AdministrativeUnit, Maslikhat

ROOT = Path(settings.BASE_DIR)


@pytest.mark.slow  # a second Django process running every deploy check
def test_production_settings_pass_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "dauys.example.kz",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.production", ALLOWED_HOSTS="dauys.example.kz")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_fresh_database_knows_the_twenty_tier_one_maslikhats():
    tier1 = Maslikhat.objects.filter(level=Maslikhat.Level.REGIONAL)
    assert tier1.count() == 20
    assert all(m.name_kk and m.name_ru and m.name_en for m in tier1)
    assert Maslikhat.objects.get(code="kz-75").name_ru == "Маслихат города Алматы"
    # City districts are on the map but have no maslikhat.
    assert AdministrativeUnit.objects.filter(kind="city_district").count() == 19
    assert not Maslikhat.objects.filter(unit__kind="city_district").exists()


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_units_adds_tier_two_maslikhats_idempotently(tmp_path, capsys):
    csv = _write(
        tmp_path / "units.csv",
        "code,kind,parent,name_kk,name_ru,name_en\n"
        "kz-19-talgar,district,kz-19,Талғар ауданы,Талгарский район,Talgar District\n"
        "kz-19-konaev,city_oblast,kz-19,Қонаев қаласы,город Конаев,Konaev\n",
    )
    call_command("import_units", str(csv))
    assert "created 2" in capsys.readouterr().out
    call_command("import_units", str(csv))
    assert "unchanged 2" in capsys.readouterr().out
    talgar = Maslikhat.objects.get(code="kz-19-talgar")
    assert talgar.level == Maslikhat.Level.DISTRICT
    assert talgar.parent.code == "kz-19"
    assert talgar.name_ru == "Маслихат Талгарского района"


@pytest.mark.django_db
def test_import_units_writes_nothing_when_a_row_is_bad(tmp_path):
    csv = _write(
        tmp_path / "units.csv",
        "code,kind,parent,name_kk,name_ru,name_en\n"
        "kz-19-talgar,district,kz-19,Талғар ауданы,Талгарский район,Talgar District\n"
        "kz-99-x,district,kz-99,X,X,\n",
    )
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("import_units", str(csv))
    assert not AdministrativeUnit.objects.filter(code="kz-19-talgar").exists()
