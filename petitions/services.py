"""Use cases of a petition's author and officials: write and edit a draft, submit it, moderate,
withdraw, send for an answer and answer. Every change of state goes through
`petitions.transitions.petition_transition`; signing is `petitions.signing`, the calendar
`petitions.deadlines`, the counts `petitions.tally`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from petitions.models import Petition, PetitionHistory
from petitions.text import render_markdown
from petitions.transitions import petition_transition
from portal import transitions as engine
from portal import uploads
from portal.access import require_verified_email
from portal.uploads import CheckedUpload, check_upload

S = Petition.Status
ATTACHMENT_KINDS = (uploads.PDF, uploads.DOCX, uploads.PNG, uploads.JPEG)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 5


def _clean_fields(*, title: str, text: str, maslikhat, topic: str) -> dict:
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if len(title) < 10:
        errors["title"] = _("Write a title of at least 10 characters.")
    if len(text) < 50:
        errors["text"] = _("Describe the request in at least 50 characters.")
    if maslikhat is None:
        errors["maslikhat"] = _("Choose the maslikhat the petition is addressed to.")
    if topic not in Petition.Topic.values:
        errors["topic"] = _("Choose a topic.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "text": text, "text_html": render_markdown(text), "maslikhat": maslikhat, "topic": topic}


def petition_create(*, author, title: str, text: str, maslikhat, topic: str = Petition.Topic.OTHER) -> Petition:
    require_verified_email(author)
    fields = _clean_fields(title=title, text=text, maslikhat=maslikhat, topic=topic)
    with transaction.atomic():
        petition = Petition.objects.create(author=author, **fields)
        PetitionHistory.objects.create(petition=petition, actor=author, to_status=S.DRAFT, is_public=False)
    return petition


def petition_update_draft(*, petition: Petition, actor, title: str, text: str, maslikhat, topic: str) -> Petition:
    if petition.author_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You may not do this with this petition."))
    fields = _clean_fields(title=title, text=text, maslikhat=maslikhat, topic=topic)
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        if locked.status != S.DRAFT:
            raise ValidationError(_("Only a draft can be edited."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
    return locked


def petition_submit(*, petition: Petition, actor) -> Petition:
    require_verified_email(actor)
    return petition_transition(petition=petition, to=S.SUBMITTED, actor=actor)


def petition_take_for_moderation(*, petition: Petition, actor) -> Petition:
    return petition_transition(petition=petition, to=S.IN_MODERATION, actor=actor)


def petition_approve(*, petition: Petition, actor, note: str = "") -> Petition:
    """Publish by link: the petition starts gathering its first supporters."""
    with engine.atomic():  # both moves or neither; the author is told after the commit
        if Petition.objects.filter(pk=petition.pk, status=S.SUBMITTED).exists():
            petition = petition_transition(petition=petition, to=S.IN_MODERATION, actor=actor)
        return petition_transition(petition=petition, to=S.GATHERING_SUPPORT, actor=actor, note=note)


def petition_reject(*, petition: Petition, actor, category: str, reason: str, note: str = "") -> Petition:
    return petition_transition(
        petition=petition, to=S.REJECTED, actor=actor, category=category, reason=reason, note=note
    )


def petition_withdraw(*, petition: Petition, actor) -> Petition:
    return petition_transition(petition=petition, to=S.WITHDRAWN, actor=actor)


def petition_send_for_answer(*, petition: Petition, actor=None) -> Petition:
    return petition_transition(petition=petition, to=S.AWAITING_ANSWER, actor=actor)


def _check_attachment(upload) -> CheckedUpload:
    try:
        return check_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"attachments": error.messages}) from None


def petition_answer(
    *,
    petition: Petition,
    actor,
    text: str,
    attachments=(),
    chairperson: str = "",
    discussion_held_on=None,
    discussion: str = "",
    announcement_url: str = "",
) -> Petition:
    """Publish the maslikhat's answer: by its chairperson, or by staff on the chairperson's behalf
    (`chairperson` names them; by default the chairperson in the register). Only a petition awaiting
    its answer can be answered (the transition table refuses any other)."""
    attachments = list(attachments)
    if len(attachments) > ATTACHMENT_MAX_COUNT:
        raise ValidationError({"attachments": _("Attach at most 5 files.")})
    checked = [_check_attachment(upload) for upload in attachments]
    # Not nested in a transaction of its own: the attachments are saved under the move's lock
    # (transitions._on_enter_answered), and the followers hear of the answer after it commits.
    return petition_transition(
        petition=petition,
        to=S.ANSWERED,
        actor=actor,
        text=text,
        attachments=checked,
        chairperson=chairperson,
        discussion_held_on=discussion_held_on,
        discussion=discussion,
        announcement_url=announcement_url,
    )
