"""What petitions contribute to the portal: notification events, the staff section, panels on
the deputies' pages, the demo seeder and the tally run by `manage.py tally_signatures`."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

EVENTS = {
    "petition.submitted": _("A petition was submitted for moderation"),
    "petition.moderated": _("Your petition passed moderation"),
    "petition.rejected": _("Your petition was rejected"),
    "petition.published": _("A petition opened for signatures"),
    "petition.progress": _("A petition is on its way to the threshold"),
    "petition.threshold_reached": _("A petition reached its threshold"),
    "petition.answered": _("A petition was answered"),
    "petition.lapsed": _("A petition lapsed"),
    "petition.closed": _("A petition closed"),
}


def email_context(petition, user) -> dict:
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    from petitions.templatetags.petition_tags import petition_route

    return {
        "petition": petition,
        "route": petition_route(petition=petition),
        "petition_url": f"{site}{petition.get_absolute_url()}",
        "share_url": f"{site}{petition.share_url}",
        "is_author": petition.author_id == user.pk,
        "staff_url": f"{site}/{user.preferred_language or 'kk'}/staff/petitions/",
    }


def deputy_panel(request, deputy=None, **context) -> str:
    from petitions.models import Petition

    if deputy is None:
        return ""
    petitions = list(
        Petition.objects.filter(answer_deputy=deputy, status=Petition.Status.ANSWERED).order_by("-answered_at")[:10]
    )
    if not petitions:
        return ""
    return render_to_string(
        "petitions/panels/deputy_record.html", {"petitions": petitions, "deputy": deputy}, request=request
    )


def maslikhat_panel(request, maslikhat=None, **context) -> str:
    from petitions.models import Petition

    if maslikhat is None:
        return ""
    petitions = list(Petition.objects.listed().filter(maslikhat=maslikhat).order_by("-published_at", "-id")[:10])
    return render_to_string(
        "petitions/panels/maslikhat_record.html", {"petitions": petitions, "maslikhat": maslikhat}, request=request
    )


def reload_reference_data(sender, apps=None, **kwargs) -> None:
    from django.apps import apps as global_apps

    from petitions.reference import load_petition_reference

    load_petition_reference(apps or global_apps)


def _staff_visible(user) -> bool:
    from petitions.access import answer_codes, deputy_codes, moderation_codes

    if not getattr(user, "is_authenticated", False):
        return False
    moderation, answers = moderation_codes(user), answer_codes(user)
    return moderation is None or answers is None or bool(moderation | answers | deputy_codes(user))


def _staff_waiting(user) -> list:
    """What waits for this person in the petitions section: to moderate, to answer."""
    from petitions.access import answer_codes, moderation_codes
    from petitions.models import Petition

    S = Petition.Status
    waiting = []
    for codes, statuses, label in (
        (moderation_codes(user), [S.SUBMITTED, S.IN_MODERATION], _("to moderate")),
        (answer_codes(user), [S.AWAITING_ANSWER], _("to answer")),
    ):
        if codes == set():
            continue
        rows = Petition.objects.filter(status__in=statuses)
        if codes is not None:
            rows = rows.filter(maslikhat__code__in=codes)
        waiting.append((label, rows.count()))
    return waiting


def register() -> None:
    from notifications.registry import EventType, register_event, register_followable
    from petitions.common import register_tally
    from petitions.demo import seed_petitions
    from petitions.tally import petitions_tally
    from portal.panels import register_panel
    from portal.seeding import register_seeder
    from portal.staff import StaffSection, register_staff_section

    for key, label in EVENTS.items():
        register_event(
            EventType(
                key=key, label=label, template=key.replace(".", "_"), model="petitions.petition", context=email_context
            )
        )
    from petitions.access import may_view

    register_followable("petitions.petition", visible=lambda user, petition: may_view(user, petition))
    register_staff_section(
        StaffSection(
            key="petitions",
            title=_("Petitions: moderation and answers"),
            url_name="petitions:staff_queue",
            visible=_staff_visible,
            order=20,
            waiting=_staff_waiting,
        )
    )
    register_panel("deputy.record", "petitions", deputy_panel, order=20)
    register_panel("maslikhat.record", "petitions", maslikhat_panel, order=20)
    register_seeder(20, "petitions", seed_petitions)
    register_tally("petitions", petitions_tally)
