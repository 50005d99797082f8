"""An existing database moves from "recalls live in petitions" to the recalls app without losing a
row: migrate back to the state before the move, write a recall with its group, signatures,
verification checks and history through the historical models (plus follows, notifications, email
deliveries and an audit entry naming it by its old label), migrate forward, and find every row
through the recalls app's models."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from notifications.follows import followable_model, followers_of, follows_of_user
from notifications.models import EmailDelivery, Follow, Notification
from portal.crypto import keyed_hash
from portal.iin import make_iin
from portal.models import AuditEntry
from recalls.models import (
    RecallGroupMember,
    RecallRequest,
    RecallRules,
    RecallSignature,
    RecallSignatureCheck,
    RecallTransition,
)
from tests.factories import UserFactory
from tests.recalls.support import ensure_reference_data, smd_deputy

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BEFORE_THE_MOVE = [("recalls", None), ("petitions", "0005_percent_labels")]
OLD_LABEL, NEW_LABEL = "petitions.recallrequest", "recalls.recallrequest"


@pytest.fixture(scope="module", autouse=True)
def _reference_data_after_the_flush(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    ensure_reference_data()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _state_apps(executor):
    """The historical models of every migration applied now."""
    applied = set(executor.loader.applied_migrations)
    return executor.loader.project_state(
        [n for n in executor.loader.graph.leaf_nodes() if n in applied]
        + [("petitions", "0005_percent_labels"), ("petitions", "0002_recall_rules_and_history")]
    ).apps


def _write_old_rows(old_apps, deputy, signer, commission) -> dict:
    OldRules = old_apps.get_model("petitions", "RecallRules")
    OldRecall = old_apps.get_model("petitions", "RecallRequest")
    OldMember = old_apps.get_model("petitions", "RecallGroupMember")
    OldSignature = old_apps.get_model("petitions", "RecallSignature")
    OldCheck = old_apps.get_model("petitions", "RecallSignatureCheck")
    OldTransition = old_apps.get_model("petitions", "RecallTransition")

    rules = OldRules.objects.order_by("effective_from").first()
    recall = OldRecall.objects.create(
        deputy_id=deputy.pk,
        district_id=deputy.district_id,
        maslikhat_id=deputy.maslikhat_id,
        rules=rules,
        initiator_id=signer.pk,
        status="collecting",
        ground="loss_of_confidence",
        grounds="Депутат сайлаушылармен кездеспеді.",
        registered_voters=300,
        signature_threshold=90,
        group_size=1,
    )
    member_iin, signer_iin = make_iin(date(1979, 9, 9), serial=7001), make_iin(date(1988, 4, 12), serial=7002)
    member = OldMember.objects.create(
        recall=recall,
        user_id=signer.pk,
        full_name="Айгүл Сейтова",
        iin=member_iin,
        iin_hash=keyed_hash(member_iin),
        address="Алматы, Абая 10",
        is_initiator=True,
    )
    signature = OldSignature.objects.create(
        recall=recall,
        user_id=signer.pk,
        iin=signer_iin,
        iin_hash=keyed_hash(signer_iin),
        address="Алматы, Абая 12",
        result="invalid",
        invalid_reason="wrong_address",
    )
    check = OldCheck.objects.create(
        signature=signature, result="invalid", invalid_reason="wrong_address", actor_id=commission.pk
    )
    transitions = [
        OldTransition.objects.create(recall=recall, from_status="", to_status="group_forming", actor_id=signer.pk),
        OldTransition.objects.create(
            recall=recall, from_status="registration_review", to_status="collecting", actor_id=commission.pk
        ),
    ]
    return {
        "rules": rules.pk,
        "recall": recall.pk,
        "member": member.pk,
        "member_iin": member_iin,
        "signature": signature.pk,
        "signer_iin": signer_iin,
        "check": check.pk,
        "transitions": [t.pk for t in transitions],
    }


def test_an_existing_database_moves_to_the_recalls_app_with_every_row():
    deputy = smd_deputy()
    signer, commission = UserFactory(), UserFactory()
    try:
        executor = _migrate(BEFORE_THE_MOVE)
        ContentType.objects.clear_cache()
        old_apps = _state_apps(executor)
        assert not any(label == "recalls" for label, _name in executor.loader.applied_migrations)
        OldContentType = old_apps.get_model("contenttypes", "ContentType")
        old_type, _created = OldContentType.objects.get_or_create(app_label="petitions", model="recallrequest")
        permission = Permission.objects.create(
            content_type_id=old_type.pk, codename="audit_recall_move", name="Moved with its model"
        )

        ids = _write_old_rows(old_apps, deputy, signer, commission)
        # Rows of portal that name the recall by its label.
        Follow.objects.create(user=signer, object_type=OLD_LABEL, object_id=str(ids["recall"]))
        Notification.objects.create(
            user=signer, event="recall.collecting", key="k1", object_type=OLD_LABEL, object_id=str(ids["recall"])
        )
        EmailDelivery.objects.create(
            user=signer, event="recall.collecting", key="k1", object_type=OLD_LABEL, object_id=str(ids["recall"])
        )
        audit = AuditEntry.objects.create(
            action="recall.register",
            object_type=OLD_LABEL,
            object_id=str(ids["recall"]),
            object_repr="Recall",
            created_at=timezone.now(),
        )
    finally:
        # Forward to the newest state whatever happened, so later tests find the schema they expect.
        executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())

    # Every recall row, read through the recalls app's models.
    recall = RecallRequest.objects.with_related().get(pk=ids["recall"])
    assert (recall.status, recall.deputy, recall.initiator, recall.rules_id) == (
        "collecting",
        deputy,
        signer,
        ids["rules"],
    )
    assert RecallRules.objects.filter(pk=ids["rules"]).exists()
    member = RecallGroupMember.objects.get(pk=ids["member"])
    assert (member.recall_id, member.iin, member.is_initiator) == (recall.pk, ids["member_iin"], True)
    signature = RecallSignature.objects.get(pk=ids["signature"])
    assert (signature.recall_id, signature.iin, signature.address) == (recall.pk, ids["signer_iin"], "Алматы, Абая 12")
    assert signature.invalid_reason == RecallSignature.InvalidReason.WRONG_ADDRESS
    check = RecallSignatureCheck.objects.get(pk=ids["check"])
    assert (check.signature_id, check.actor_id, check.result) == (signature.pk, commission.pk, "invalid")
    assert list(recall.transitions.values_list("pk", flat=True)) == ids["transitions"]
    assert [t.to_status for t in RecallTransition.objects.filter(recall=recall)] == ["group_forming", "collecting"]

    # The content type moved with its id, so the permission granted on it is still attached.
    new_type = ContentType.objects.get_for_model(RecallRequest)
    assert (new_type.app_label, new_type.pk) == ("recalls", old_type.pk)
    assert not ContentType.objects.filter(app_label="petitions", model="recallrequest").exists()
    assert Permission.objects.get(pk=permission.pk).content_type_id == new_type.pk

    # Stored labels follow the model: the follower still hears, the inbox still resolves the object.
    assert followable_model(NEW_LABEL) is RecallRequest
    assert list(followers_of(recall)) == [signer.pk]
    assert [row["object"] for row in follows_of_user(signer)] == [recall]
    assert Notification.objects.get(user=signer).object_type == NEW_LABEL
    assert EmailDelivery.objects.get(user=signer).object_type == NEW_LABEL
    # The audit log is append-only: the entry keeps the label the object had when it was written.
    assert AuditEntry.objects.get(pk=audit.pk).object_type == OLD_LABEL
