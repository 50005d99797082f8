"""Portal-level builders: users, role grants, and the reference data every database holds."""

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from deputies.models import Maslikhat
from portal.models import RoleGrant, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.kz")
    first_name = "Асқар"
    last_name = "Бекұлы"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):  # noqa: N805
        """mfa=True enrols a TOTP authenticator, as officials must have."""
        if create and extracted:
            from allauth.mfa.models import Authenticator

            Authenticator.objects.create(user=obj, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})


def grant(user, role: str, scope_code: str) -> RoleGrant:
    return RoleGrant.objects.create(user=user, role=role, scope_code=scope_code)


def reference_data_missing() -> bool:
    """True when a flush (a transactional test's teardown) left out what the migrations load."""
    from deputies.models import AdministrativeUnit
    from hearings.models import HearingRules
    from petitions.models import PetitionRules
    from recalls.models import RecallRules

    return not (
        Maslikhat.objects.filter(code__in=("kz-71", "kz-75")).count() == 2
        and AdministrativeUnit.objects.filter(code="kz-75", population__isnull=False).exists()
        and PetitionRules.objects.exists()
        and RecallRules.objects.exists()
        and HearingRules.objects.exists()
    )


def ensure_reference_data() -> None:
    """Put back what the migrations load (the administrative map, every app's rules in force, the
    petitions' population figures), as a freshly migrated database has it. Idempotent."""
    if not reference_data_missing():
        return
    from django.apps import apps

    from deputies.admin_map import load_admin_map
    from petitions.reference import load_petition_reference
    from portal.seeding import load_reference_data

    if Maslikhat.objects.filter(code__in=("kz-71", "kz-75")).count() != 2:
        load_admin_map(apps)
    load_reference_data(apps)
    load_petition_reference(apps)


def tiny_pdf() -> bytes:
    """A one-page PDF written by pypdf: what the upload gate must accept (it parses every PDF)."""
    import io

    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(out)
    return out.getvalue()


def maslikhat(code: str = "kz-75") -> Maslikhat:
    return Maslikhat.objects.get(code=code)
