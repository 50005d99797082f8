"""What the recall procedure contributes to the portal, registered from RecallsConfig.ready():
notification events, the election commission's staff section, panels on the deputies' pages, the
followable model, the personal-data holder, the demo seeder and the first rules row."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from notifications.registry import EventType, register_event, register_followable
from portal.panels import register_panel
from portal.personal_data import PersonalDataHolder, register_personal_data
from portal.seeding import register_reference_data, register_seeder
from portal.staff import StaffSection, register_staff_section
from recalls.access import commission_scopes
from recalls.models import RecallRequest
from recalls.personal_data import erase_recalls, export_recalls
from recalls.reference import load_recall_rules
from recalls.seed import seed_recalls
from recalls.selectors import recall_list_for_commission, recall_list_for_deputy, recall_vacancies_for_districts

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
    recalls = list(recall_list_for_deputy(deputy)[:10])
    party_list = deputy.mandate == "party_list"
    return render_to_string(
        "recalls/panel_deputy.html",
        {"deputy": deputy, "recalls": recalls, "party_list": party_list},
        request=request,
    )


def _representatives_panel(request, lookup=None, **_ctx) -> str:
    if lookup is None:
        return ""
    districts = [d for match in getattr(lookup, "matches", []) for d in match.districts]
    vacancies = recall_vacancies_for_districts(districts)
    if not vacancies:
        return ""
    return render_to_string("recalls/panel_vacancies.html", {"vacancies": vacancies}, request=request)


def _staff_visible(user) -> bool:
    # Superusers see the overview; only the commission opens a request (full IINs are theirs alone).
    return user.is_superuser or bool(commission_scopes(user))


def _staff_waiting(user) -> list:
    scopes = commission_scopes(user)
    if not scopes:
        return []
    waiting = recall_list_for_commission(scopes).filter(
        status__in=[RecallRequest.Status.REGISTRATION_REVIEW, RecallRequest.Status.VERIFICATION]
    )
    return [(_("to verify"), waiting.count())]


def register() -> None:
    for stage, (title, text) in STAGE_EVENTS.items():
        register_event(
            EventType(
                key=f"recall.{stage}",
                label=title,
                template="recall_stage",
                model="recalls.recallrequest",
                context=_stage_context(title, text),
            )
        )
    register_staff_section(
        StaffSection(
            key="recalls",
            title=_("Recall requests: registration and signature verification"),
            url_name="recalls:staff_list",
            visible=_staff_visible,
            order=40,
            waiting=_staff_waiting,
        )
    )
    register_panel("deputy.record", "recalls", _deputy_record_panel, order=50)
    register_panel("representatives.after", "recall-vacancies", _representatives_panel, order=20)
    register_followable("recalls.recallrequest")
    register_personal_data(PersonalDataHolder(name="recalls", export=export_recalls, erase=erase_recalls))
    register_seeder(25, "recalls", seed_recalls)
    register_reference_data(25, "recalls.rules", load_recall_rules)
