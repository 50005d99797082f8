import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from deputies.models import Deputy, ElectoralDistrict, Maslikhat
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


def maslikhat(code: str = "kz-75") -> Maslikhat:
    return Maslikhat.objects.get(code=code)


class ElectoralDistrictFactory(DjangoModelFactory):
    class Meta:
        model = ElectoralDistrict

    maslikhat = factory.LazyFunction(lambda: Maslikhat.objects.get(code="kz-75"))
    number = factory.Sequence(lambda n: n + 1)
    name_ru = factory.LazyAttribute(lambda o: f"Округ № {o.number}")
    registered_voters = 30000


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    maslikhat = factory.LazyFunction(lambda: Maslikhat.objects.get(code="kz-75"))
    full_name = factory.Sequence(lambda n: f"Депутатов Депутат {n}")
    party = "Amanat"
    mandate = Deputy.Mandate.SINGLE_MANDATE
    district = factory.SubFactory(ElectoralDistrictFactory, maslikhat=factory.SelfAttribute("..maslikhat"))

    class Params:
        party_list = factory.Trait(mandate=Deputy.Mandate.PARTY_LIST, district=None)


def tiny_pdf() -> bytes:
    """A one-page PDF written by pypdf: what the upload gate must accept (it parses every PDF)."""
    import io

    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(out)
    return out.getvalue()
