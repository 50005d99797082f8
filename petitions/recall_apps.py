"""Wiring of the recall procedure into the portal, called from PetitionsConfig.ready():
notification events, the commission's staff section, panels on the deputies app's pages, the demo
seeder and the admin."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

STAGE_EVENTS = {
    "registration_review": (
        _("Recall request submitted for registration"),
        _("The initiative group has submitted the recall request to the election commission for registration."),
    ),
    "collecting": (
        _("Recall request registered"),
        _("The election commission has registered the initiative group. Signature collection is open."),
    ),
    "refused": (
        _("Recall request refused"),
        _("The election commission has refused to register the initiative group."),
    ),
    "withdrawn": (_("Recall request withdrawn"), _("The initiative group has withdrawn the recall request.")),
    "lapsed": (
        _("Recall request lapsed"),
        _("The recall request has lapsed: its period ended without the required group or signatures."),
    ),
    "verification": (
        _("Recall signatures under verification"),
        _("The signatures have been handed to the election commission for verification."),
    ),
    "vote_pending": (
        _("Recall vote called"),
        _("Verification found enough valid signatures: a recall vote will be held in the district."),
    ),
    "insufficient": (
        _("Recall request failed verification"),
        _("Verification did not find enough valid signatures. The procedure has ended."),
    ),
    "recalled": (
        _("Deputy recalled"),
        _(
            "The recall vote was valid and more than half of those voting agreed: the "
            "deputy has been recalled. A by-election follows."
        ),
    ),
    "not_recalled": (
        _("Deputy not recalled"),
        _("The recall vote was valid, but not more than half of those voting agreed. The deputy keeps the seat."),
    ),
    "vote_invalid": (
        _("Recall vote invalid"),
        _("Fewer voters took part than the law requires, so the recall vote is invalid. The deputy keeps the seat."),
    ),
    "reply": (
        _("The deputy replied to the recall request"),
        _("The deputy has published a reply to the recall request."),
    ),
}


def _stage_context(title, text):
    def context(obj, user):
        return {"stage_title": str(title), "stage_text": str(text), "is_deputy": obj.deputy.user_id == user.pk}

    return context


def _deputy_record_panel(request, deputy=None, **_ctx) -> str:
    if deputy is None:
        return ""
    from petitions.recall_selectors import recall_list_for_deputy

    recalls = list(recall_list_for_deputy(deputy)[:10])
    party_list = deputy.mandate == "party_list"
    return render_to_string(
        "petitions/recall/panel_deputy.html",
        {"deputy": deputy, "recalls": recalls, "party_list": party_list},
        request=request,
    )


def _representatives_panel(request, lookup=None, **_ctx) -> str:
    if lookup is None:
        return ""
    from petitions.recall_selectors import recall_vacancies_for_districts

    districts = [d for match in getattr(lookup, "matches", []) for d in match.districts]
    vacancies = recall_vacancies_for_districts(districts)
    if not vacancies:
        return ""
    return render_to_string("petitions/recall/panel_vacancies.html", {"vacancies": vacancies}, request=request)


def recall_ready() -> None:
    from notifications.registry import EventType, register_event, register_followable
    from petitions import recall_admin  # noqa: F401 - registers the admin classes
    from petitions.recall_access import commission_scopes
    from petitions.recall_seed import seed_recalls
    from portal.panels import register_panel
    from portal.seeding import register_reference_data, register_seeder
    from portal.staff import StaffSection, register_staff_section

    for stage, (title, text) in STAGE_EVENTS.items():
        register_event(
            EventType(
                key=f"recall.{stage}",
                label=title,
                template="recall_stage",
                model="petitions.recallrequest",
                context=_stage_context(title, text),
            )
        )
    register_followable("petitions.recallrequest")
    register_staff_section(
        StaffSection(
            key="recalls",
            title=_("Recall requests: registration and signature verification"),
            url_name="petitions:staff_recalls",
            visible=lambda user: bool(commission_scopes(user)),
            order=40,
        )
    )
    register_panel("deputy.record", "recalls", _deputy_record_panel, order=50)
    register_panel("representatives.after", "recall-vacancies", _representatives_panel, order=20)
    register_seeder(25, "recalls", seed_recalls)
    register_reference_data(25, "recalls.rules", _load_recall_rules_if_empty)


def _load_recall_rules_if_empty(apps) -> None:
    """The first rules row must exist in every database (reloaded after a flush, see portal.seeding)."""
    import importlib

    try:
        RecallRules = apps.get_model("petitions", "RecallRules")
    except LookupError:
        return
    if not RecallRules.objects.exists():
        importlib.import_module("petitions.migrations.0002_recall_rules_and_history").seed_rules(apps, None)
