"""Demo letters for `manage.py seed_demo` (order 40, after deputies): three messages from the demo
citizen to a demo deputy in Almaty, one of them replied, and reception slots for the next weeks.
Written straight into the tables (no email goes out). Idempotent: found by the demo citizen and
subject, and by the slots' start times."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from deputies.models import Deputy
from letters.models import Message, ReceptionSlot
from letters.services import rules_in_force
from portal.demo import demo_user
from portal.workdays import add_working_days, working_days_between

DEMOS = [
    ("Аула жарығы (демо)", "Біздің аулада кешке жарық жоқ, балалар қараңғыда ойнайды. Көмектесіңізші.", 40, True),
    ("Автобус аялдамасы (демо)", "Остановка у дома разрушена уже полгода. Прошу рассмотреть ремонт.", 30, False),
    ("Саябақ (демо)", "Паркке орындықтар қою мүмкін бе? Қарттар демалатын орын жоқ.", 3, False),
]


def _deputy() -> Deputy | None:
    return (
        Deputy.objects.filter(maslikhat__code="kz-75", status=Deputy.Status.ACTIVE, is_demo=True)
        .order_by("mandate", "pk")
        .first()
    )


def seed_letters(stdout=None) -> str:
    deputy = _deputy()
    if deputy is None:
        return "no demo deputy in Almaty: letters skipped"
    citizen = demo_user("citizen@demo.dauys.kz", first_name="Азамат", last_name="Демо", is_citizen=True)
    rules = rules_in_force()
    now = timezone.now()
    made = 0
    with transaction.atomic():
        for subject, body, days_ago, replied in DEMOS:
            if Message.objects.filter(author=citizen, deputy=deputy, subject=subject).exists():
                continue
            delivered = now - timedelta(days=days_ago)
            message = Message.objects.create(
                deputy=deputy,
                maslikhat_id=deputy.maslikhat_id,
                author=citizen,
                author_name="Азамат Демо",
                address="Алматы, пр. Абылай хана 15",
                subject=subject,
                body=body,
                language="kk",
                status=Message.Status.SENT,
                created_at=delivered,
                delivered_at=delivered,
                reply_due_on=add_working_days(timezone.localdate(delivered), rules.reply_term_working_days),
                author_consents=replied,
            )
            if replied:
                replied_at = delivered + timedelta(days=6)
                message.status, message.replied_at, message.reply_via = "replied", replied_at, "portal"
                message.reply = "Рахмет! Әкімдікке жазбаша сұрау жібердім, шамдар келесі айда орнатылады (демо)."
                message.reply_working_days = working_days_between(
                    timezone.localdate(delivered), timezone.localdate(replied_at)
                )
                message.deputy_consents, message.publication = True, Message.Publication.PUBLISHED
                message.save()
            made += 1
        slots = 0
        for week in range(1, 4):
            day = timezone.localdate() + timedelta(weeks=week)
            day += timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
            starts_at = timezone.make_aware(datetime.combine(day, time(10, 0)))
            _slot, created = ReceptionSlot.objects.get_or_create(
                deputy=deputy,
                starts_at=starts_at,
                defaults={
                    "maslikhat_id": deputy.maslikhat_id,
                    "ends_at": starts_at + timedelta(hours=2),
                    "place": "Алматы, пр. Абылай хана 91, 105 кабинет (демо)",
                    "capacity": 10,
                    "language": "kk",
                },
            )
            slots += created
    return f"{made} demo messages, {slots} reception slots for {deputy.full_name}"
