"""The recall rules' effective date: the law (No. 156-VII of 5 November 2022) entered into force ten
calendar days after its first official publication, not on the day it was signed. The publication
day is not confirmed, so the rules are in force from the earliest day the clause allows and say so."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from recalls.models import RecallRules
from recalls.reference import EFFECTIVE_FROM, FIRST_RULES, LEGAL_REFERENCE
from tests.recalls.factories import collecting_recall, commission_member, smd_deputy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MIGRATION = "recalls.migrations.0007_rules_effective_from_unconfirmed"


def test_the_first_rules_are_in_force_after_the_ten_days_and_marked_unconfirmed():
    (rules,) = RecallRules.objects.all()
    assert rules.effective_from == date(2022, 11, 16) == EFFECTIVE_FROM
    assert rules.effective_from_unconfirmed
    assert "No. 156-VII" in rules.legal_reference and "10 calendar days after its first official publication" in (
        rules.legal_reference
    )
    assert "first official publication" in rules.note and "is not confirmed" in rules.note
    assert RecallRules.objects.in_force(date(2022, 11, 5)) is None  # signed, not yet in force
    assert RecallRules.objects.in_force(date(2022, 11, 15)) is None
    assert RecallRules.objects.in_force(date(2022, 11, 16)) == rules


def test_the_recall_page_marks_the_date_unconfirmed_until_an_operator_confirms_it(client, frozen_at_now):
    recall = collecting_recall(smd_deputy(), commission_member())
    body = client.get(recall.get_absolute_url()).content.decode()
    assert 'in force from 16 November 2022 <span class="badge">unconfirmed</span>' in body
    RecallRules.objects.update(effective_from_unconfirmed=False)
    body = client.get(recall.get_absolute_url()).content.decode()
    assert "in force from 16 November 2022)" in body


def test_the_migration_moves_the_untouched_first_row_and_leaves_an_edited_one():
    migration = importlib.import_module(MIGRATION)
    RecallRules.objects.all().delete()
    old = {k: v for k, v in FIRST_RULES.items() if k not in {"note", "effective_from_unconfirmed"}}
    untouched = RecallRules.objects.create(
        **{**old, "legal_reference": migration.OLD_REFERENCE, "note": migration.OLD_NOTE},
        effective_from=migration.SIGNED_ON,
    )
    migration.forwards(apps, None)
    untouched.refresh_from_db()
    assert (untouched.effective_from, untouched.legal_reference) == (EFFECTIVE_FROM, LEGAL_REFERENCE)
    assert untouched.effective_from_unconfirmed
    migration.backwards(apps, None)
    untouched.refresh_from_db()
    assert (untouched.effective_from, untouched.legal_reference) == (migration.SIGNED_ON, migration.OLD_REFERENCE)
    # an operator's edit is theirs: the row stays where they put it
    RecallRules.objects.update(note="Checked by the operator.")
    migration.forwards(apps, None)
    untouched.refresh_from_db()
    assert untouched.effective_from == migration.SIGNED_ON
