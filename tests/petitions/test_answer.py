"""Issue 14, part 4: who answers. By law the head of the body answers: the maslikhat's chairperson
(the deputy with role chair, linked to an account that holds the deputy role there), or its staff
on the chairperson's behalf with the chairperson's name recorded; optionally the public discussion
held and the media announcement of the result. Not before the petition awaits its answer."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from petitions import services
from petitions.models import Petition
from portal.access import is_official
from portal.models import AuditEntry, Role
from tests.deputies.factories import DeputyFactory
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
S = Petition.Status


def chairperson(maslikhat, *, linked=True, granted=True, **fields):
    """The maslikhat's chairperson in the register; with `linked` an account, with `granted` the
    deputy role for the maslikhat on that account."""
    user = UserFactory(mfa=True) if linked else None
    if user is not None and granted:
        grant(user, Role.DEPUTY, maslikhat.code)
    fields.setdefault("full_name", "Оспанова Гүлнар Төрағақызы")
    return DeputyFactory(maslikhat=maslikhat, user=user, role="chair", **fields)


def test_the_chairperson_answers_in_person_and_it_is_audited(make_petition, almaty):
    chair = chairperson(almaty)
    petition = make_petition(S.AWAITING_ANSWER)
    answered = services.petition_answer(
        petition=petition,
        actor=chair.user,
        text="Маслихат рассмотрел петицию.",
        chairperson="Someone Else",  # ignored: the chairperson signs as themselves
    )
    assert (answered.answer_signatory, answered.answer_deputy, answered.answer_on_behalf) == (
        chair.full_name,
        chair,
        False,
    )
    assert answered.answered_by == chair.user
    entry = AuditEntry.objects.get(action="petition.answered", object_id=str(petition.pk))
    assert entry.actor == chair.user
    assert entry.after["signatory"] == chair.full_name and entry.after["on_behalf"] is False
    assert entry.after["signatory_deputy"] == chair.pk


def test_only_the_sitting_chairperson_of_this_maslikhat_answers(make_petition, almaty, astana):
    member = DeputyFactory(maslikhat=almaty, user=UserFactory(mfa=True))
    grant(member.user, Role.DEPUTY, almaty.code)  # a deputy of the maslikhat, not its chairperson
    not_granted = chairperson(almaty, granted=False, full_name="Тіркелген Төраға")
    resigned = chairperson(almaty, status="resigned", full_name="Бұрынғы Төраға")
    other_chair = chairperson(astana, full_name="Астана Төрағасы")
    petition = make_petition(S.AWAITING_ANSWER)
    for actor in (member.user, not_granted.user, resigned.user, other_chair.user):
        with pytest.raises(PermissionDenied):
            services.petition_answer(petition=petition, actor=actor, text="Ответ", chairperson="Кто-то")
    petition.refresh_from_db()
    assert petition.status == S.AWAITING_ANSWER and petition.answer_text == ""
    assert not AuditEntry.objects.filter(action="petition.answered").exists()


def test_the_deputy_role_makes_the_chairperson_an_official_who_must_pass_mfa(client, make_petition, almaty):
    """The register's link alone would let an account answer without the second factor."""
    chair = chairperson(almaty)
    assert is_official(chair.user)
    petition = make_petition(S.AWAITING_ANSWER)
    client.force_login(chair.user, mfa=False)
    response = client.get(f"/en/staff/petitions/{petition.pk}/answer/")
    assert response.status_code == 302 and "/2fa/" in response["Location"]


def test_staff_answer_on_behalf_of_the_chairperson_in_the_register_by_default(make_petition, almaty, staff):
    chair = chairperson(almaty, linked=False)
    petition = make_petition(S.AWAITING_ANSWER)
    answered = services.petition_answer(petition=petition, actor=staff, text="Ответ маслихата.")
    assert (answered.answer_signatory, answered.answer_deputy, answered.answer_on_behalf) == (
        chair.full_name,
        chair,
        True,
    )
    assert answered.answered_by == staff
    entry = AuditEntry.objects.get(action="petition.answered", object_id=str(petition.pk))
    assert entry.actor == staff and entry.after["on_behalf"] is True
    assert entry.after["signatory"] == chair.full_name


def test_staff_name_a_chairperson_the_register_does_not_know(make_petition, almaty, staff):
    chairperson(almaty, linked=False, full_name="Ескі Тізімдегі Төраға")
    petition = make_petition(S.AWAITING_ANSWER)
    answered = services.petition_answer(
        petition=petition, actor=staff, text="Ответ.", chairperson="  Жаңа   Төраға Сайланды "
    )
    assert answered.answer_signatory == "Жаңа Төраға Сайланды"
    assert answered.answer_deputy is None and answered.answer_on_behalf


def test_staff_without_a_chairperson_to_name_are_refused_and_nothing_changes(make_petition, staff):
    petition = make_petition(S.AWAITING_ANSWER)  # no chairperson in the register
    with pytest.raises(ValidationError) as refused:
        services.petition_answer(petition=petition, actor=staff, text="Ответ.")
    assert "chairperson" in refused.value.message_dict
    petition.refresh_from_db()
    assert petition.status == S.AWAITING_ANSWER and petition.answer_signatory == ""


def test_a_public_discussion_held_has_a_past_date_and_the_announcement_a_web_address(make_petition, staff):
    petition = make_petition(S.AWAITING_ANSWER)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for bad, field in (
        ({"discussion_held_on": tomorrow}, "discussion_held_on"),
        ({"discussion": "Обсуждали в акимате"}, "discussion_held_on"),
        ({"announcement_url": "javascript:alert(1)"}, "announcement_url"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.petition_answer(petition=petition, actor=staff, text="Ответ.", chairperson="Төраға", **bad)
        assert field in refused.value.message_dict
    assert Petition.objects.get(pk=petition.pk).status == S.AWAITING_ANSWER


@pytest.mark.parametrize("stage", [S.OPEN, S.THRESHOLD_REACHED])
def test_the_answer_form_is_neither_offered_nor_accepted_before_the_petition_awaits_its_answer(
    client, make_petition, staff, stage
):
    petition = make_petition(stage)
    client.force_login(staff)
    page = client.get(f"/en/petitions/{petition.pk}/").content.decode()
    assert f"/staff/petitions/{petition.pk}/answer/" not in page
    assert client.get(f"/en/staff/petitions/{petition.pk}/answer/").status_code == 302
    response = client.post(
        f"/en/staff/petitions/{petition.pk}/answer/", {"text": "Ответ", "chairperson": "Төраға"}, follow=True
    )
    assert "not awaiting an answer" in response.content.decode()
    with pytest.raises(ValidationError):
        services.petition_answer(petition=petition, actor=staff, text="Ответ", chairperson="Төраға")
    petition.refresh_from_db()
    assert petition.status == stage and petition.answer_text == ""
    assert not AuditEntry.objects.filter(action="petition.answered", object_id=str(petition.pk)).exists()


def test_staff_publish_through_the_form_and_the_page_and_api_say_who_answered(client, make_petition, almaty, staff):
    chair = chairperson(almaty, linked=False)
    petition = make_petition(S.AWAITING_ANSWER)
    client.force_login(staff)
    form = client.get(f"/en/staff/petitions/{petition.pk}/answer/").content.decode()
    assert f'value="{chair.full_name}"' in form  # the register's chairperson, prefilled
    held = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        f"/en/staff/petitions/{petition.pk}/answer/",
        {
            "text": "Маслихат поддержал петицию.",
            "chairperson": chair.full_name,
            "discussion_held_on": held.isoformat(),
            "discussion": "Обсуждение в акимате района, 40 участников.",
            "announcement_url": "https://almaty.example.kz/news/petition-answer",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/en/petitions/{petition.pk}/").content.decode()
    assert "Answered by the maslikhat's chairperson" in page and chair.full_name in page
    assert "Published by the maslikhat's staff on the chairperson's behalf." in page
    assert "40 участников" in page and 'href="https://almaty.example.kz/news/petition-answer"' in page
    answer = client.get(f"/api/v1/petitions/{petition.pk}/").json()["answer"]
    assert answer["signatory"] == chair.full_name and answer["signatory_deputy"] == chair.pk
    assert answer["on_behalf"] is True
    assert answer["public_discussion"] == {
        "held_on": held.isoformat(),
        "description": "Обсуждение в акимате района, 40 участников.",
    }
    assert answer["announcement_url"] == "https://almaty.example.kz/news/petition-answer"
    for language in ("kk", "ru"):
        assert chair.full_name in client.get(f"/{language}/petitions/{petition.pk}/").content.decode()


def test_the_chairperson_is_not_asked_for_a_name_and_the_page_says_they_answered(client, make_petition, almaty):
    chair = chairperson(almaty)
    petition = make_petition(S.AWAITING_ANSWER)
    client.force_login(chair.user)
    form = client.get(f"/en/staff/petitions/{petition.pk}/answer/").content.decode()
    assert 'name="chairperson"' not in form and "You answer as the maslikhat" in form
    assert client.post(f"/en/staff/petitions/{petition.pk}/answer/", {"text": "Ответ председателя."}).status_code == 302
    page = client.get(f"/en/petitions/{petition.pk}/").content.decode()
    assert chair.full_name in page and "Published by the maslikhat's staff on the chairperson's behalf." not in page
    assert client.get(f"/api/v1/petitions/{petition.pk}/").json()["answer"]["on_behalf"] is False


def test_the_queue_offers_the_answer_to_the_chairperson_and_only_shows_it_to_other_deputies(
    client, make_petition, almaty
):
    chair = chairperson(almaty)
    member = DeputyFactory(maslikhat=almaty, user=UserFactory(mfa=True))
    grant(member.user, Role.DEPUTY, almaty.code)
    petition = make_petition(S.AWAITING_ANSWER)
    answer_url = f"/en/staff/petitions/{petition.pk}/answer/"
    client.force_login(chair.user)
    queue = client.get("/en/staff/petitions/").content.decode()
    assert petition.title in queue and answer_url in queue
    client.force_login(member.user)
    queue = client.get("/en/staff/petitions/").content.decode()
    assert petition.title in queue and answer_url not in queue
    assert client.get(answer_url).status_code == 404
    # ...and still reads its maslikhat's petitions as an official.
    assert client.get(f"/en/petitions/{make_petition(S.SUBMITTED).pk}/").status_code == 200
