"""What hearings hold about a person, for the own-data export and account deletion
(portal.personal_data). Registered in HearingsConfig.ready().

Deletion keeps registrations and question votes (attendance and support counts stay) on the
anonymised account, keeps published questions (part of the hearing's public record, now without a
name) and deletes questions that were never published."""

from portal.personal_data import PersonalDataHolder, register_personal_data


def _export(user) -> dict:
    from hearings.models import Question, Registration

    registrations = Registration.objects.filter(user=user).select_related("hearing").order_by("created_at")
    questions = Question.objects.filter(author=user).order_by("created_at")
    return {
        "registrations": [
            {"hearing": r.hearing_id, "status": r.status, "code": r.code, "registered_at": r.registered_at.isoformat()}
            for r in registrations
        ],
        "questions": [
            {"hearing": q.hearing_id, "text": q.text, "status": q.status, "created_at": q.created_at.isoformat()}
            for q in questions
        ],
    }


def _erase(user) -> None:
    from hearings.models import Question

    Question.objects.filter(author=user).exclude(
        status__in=[Question.Status.PUBLISHED, Question.Status.ANSWERED]
    ).delete()


def register() -> None:
    register_personal_data(PersonalDataHolder(name="hearings", export=_export, erase=_erase))
