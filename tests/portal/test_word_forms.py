"""Wrong word forms (issue 19, bug 11): a rejected petition is "Отклонена" (feminine), a rejected
hearing question "Отклонён"; the sign-in message names the person without a doubled full stop."""

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from hearings.models import Question
from petitions.models import Petition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rejected_agrees_with_petition_and_question_in_russian():
    with translation.override("ru"):
        assert str(Petition.Status.REJECTED.label) == "Отклонена"
        assert str(Question.Status.REJECTED.label) == "Отклонён"


def test_signed_in_message_has_one_full_stop(client):
    user = UserFactory(first_name="Азамат", last_name="Демо")
    response = client.post("/ru/accounts/login/", {"login": user.email, "password": "correct-horse-battery"})
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts and all(".." not in text for text in texts)
    assert any("Азамат Демо" in text for text in texts)
