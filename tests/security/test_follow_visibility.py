"""Issue 13, finding 6: following a draft or an in-moderation petition by id answered "You now follow
SECRET DRAFT..." and /follows/ listed it. Following checks visibility as the page does; an id the user
may not see answers exactly like one that does not exist."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from notifications.follows import follow_add
from notifications.models import Follow
from petitions.models import Petition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _follow(client, object_id):
    response = client.post(
        reverse("follow_add"),
        {"object_type": "petitions.petition", "object_id": str(object_id), "next": "/en/follows/"},
    )
    return response, [str(m) for m in get_messages(response.wsgi_request)][-1:]


@pytest.mark.parametrize("stage", [Petition.Status.DRAFT, Petition.Status.SUBMITTED, Petition.Status.IN_MODERATION])
def test_a_petition_one_may_not_see_cannot_be_followed_and_answers_like_a_missing_one(client, make_petition, stage):
    secret = make_petition(stage, title="SECRET DRAFT about the akimat")
    stranger = UserFactory()
    client.force_login(stranger)
    hidden, hidden_messages = _follow(client, secret.pk)
    missing, missing_messages = _follow(client, 987654)
    assert hidden_messages == missing_messages and "SECRET" not in " ".join(hidden_messages)
    assert (hidden.status_code, hidden["Location"]) == (missing.status_code, missing["Location"])
    assert not Follow.objects.filter(user=stranger).exists()
    # A follow that exists anyway (made while it was visible) is not listed.
    follow_add(user=stranger, obj=secret)
    assert "SECRET" not in client.get("/en/follows/").content.decode()


def test_the_author_and_the_public_follow_what_they_may_see(client, make_petition, author):
    draft = make_petition(Petition.Status.DRAFT, title="My own draft Owndraft")
    client.force_login(author)
    _response, messages = _follow(client, draft.pk)
    assert any("Owndraft" in m for m in messages)
    assert "Owndraft" in client.get("/en/follows/").content.decode()
    public = make_petition(Petition.Status.OPEN, title="Open one Publicone")
    client.force_login(UserFactory())
    _response, messages = _follow(client, public.pk)
    assert any("Publicone" in m for m in messages)
