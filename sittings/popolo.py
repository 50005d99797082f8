"""Sessions in the Popolo export of deputies (registered with portal.api_extensions): events
(sessions), motions (agenda items put to a vote), vote events (the count of each) and votes (each
deputy's), in Popolo's own shapes (https://www.popoloproject.com/specs/)."""

from django.utils import timezone

from sittings.models import Decision, Session, Vote

POPOLO_OPTIONS = {"for": "yes", "against": "no", "abstain": "abstain", "not_voting": "not voting"}


def popolo_sections(maslikhats=None) -> dict:
    sessions = Session.objects.select_related("maslikhat").order_by("starts_at", "pk")
    decisions = (
        Decision.objects.filter(published_at__isnull=False)
        .select_related("item__session__maslikhat")
        .order_by("item__session__starts_at", "item__number")
    )
    votes = Vote.objects.filter(decision__published_at__isnull=False).order_by("decision_id", "deputy_id")
    if maslikhats is not None:
        sessions = sessions.filter(maslikhat__in=maslikhats)
        decisions = decisions.filter(item__session__maslikhat__in=maslikhats)
        votes = votes.filter(decision__item__session__maslikhat__in=maslikhats)
    events = []
    for s in sessions:
        event = {
            "id": f"session/{s.pk}",
            "name": s.title_ru or s.title_kk or s.title,
            "classification": "session" if s.is_plenary else "committee-meeting",
            "start_date": timezone.localtime(s.starts_at).isoformat(),
            "organization_id": f"maslikhat/{s.maslikhat.code}",
            "status": {"planned": "confirmed", "held": "passed", "postponed": "postponed"}[s.status],
            "identifier": str(s.number),
        }
        if s.ends_at:
            event["end_date"] = timezone.localtime(s.ends_at).isoformat()
        if s.place:
            event["location"] = s.place
        events.append(event)
    motions, vote_events = [], []
    for d in decisions:
        item, session = d.item, d.item.session
        motion = {
            "id": f"motion/{item.pk}",
            "organization_id": f"maslikhat/{session.maslikhat.code}",
            "legislative_session_id": f"session/{session.pk}",
            "text": item.title_ru or item.title_kk or item.title_en,
            "classification": item.kind,
            "date": timezone.localtime(session.starts_at).isoformat(),
            "result": "pass" if d.adopted else "fail",
        }
        if d.number:
            motion["identifier"] = d.number
        motions.append(motion)
        vote_event = {
            "id": f"vote-event/{d.pk}",
            "motion_id": motion["id"],
            "organization_id": motion["organization_id"],
            "legislative_session_id": motion["legislative_session_id"],
            "start_date": motion["date"],
            "result": motion["result"],
        }
        if d.has_totals:
            vote_event["counts"] = [
                {"option": "yes", "value": d.votes_for},
                {"option": "no", "value": d.votes_against},
                {"option": "abstain", "value": d.votes_abstain},
                {"option": "not voting", "value": d.votes_not_voting or 0},
            ]
        vote_events.append(vote_event)
    vote_rows = [
        {
            "vote_event_id": f"vote-event/{v.decision_id}",
            "voter_id": f"person/{v.deputy_id}",
            "option": POPOLO_OPTIONS[v.choice],
        }
        for v in votes
    ]
    return {"events": events, "motions": motions, "vote_events": vote_events, "votes": vote_rows}
