"""Demo accounts for `make run`. Passwords are printed by seed_demo; never used in production,
because seed_demo refuses to run with production settings."""

from allauth.account.models import EmailAddress

from portal.models import User

DEMO_PASSWORD = "demo-dauys-2026"  # noqa: S105 - documented demo credential for local runs only


def demo_user(email: str, *, first_name: str = "", last_name: str = "", superuser: bool = False, **extra) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_superuser": superuser,
            "is_staff": superuser,
            **extra,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed_portal(stdout=None) -> str:
    demo_user("admin@demo.dauys.kz", first_name="Әкімші", last_name="Демо", superuser=True)
    demo_user(
        "citizen@demo.dauys.kz",
        first_name="Азамат",
        last_name="Демо",
        is_citizen=True,
        address="Алматы, пр. Абылай хана 15",
    )
    return f"demo accounts ready (password: {DEMO_PASSWORD})"
