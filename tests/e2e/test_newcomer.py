"""What a newcomer trips over (issue 19), where only a browser shows it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_under_the_csp_and_no_broken_redoc(page, live_server):
    """Bug 8: the ReDoc page showed "Something went wrong" (the CSP blocked it); only working docs remain."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "script" in message.text.lower() and "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Dauys API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".swagger-ui .opblock").count() > 10  # the operations are listed
    assert refused == []
    assert page.goto(f"{live_server.url}/api/redoc/").status == 404


@pytest.fixture
def hearing(db):
    from deputies.models import Maslikhat, StandingCommission
    from hearings.services import hearing_schedule
    from portal.models import Role
    from tests.deputies.factories import DeputyFactory
    from tests.factories import UserFactory, grant

    almaty = Maslikhat.objects.get(code="kz-75")
    staff = UserFactory(mfa=True)
    grant(staff, Role.STAFF, "kz-75")
    commission = StandingCommission.objects.create(maslikhat=almaty, name_kk="Бюджет комиссиясы", name_ru="Бюджетная")
    start = (timezone.localtime() + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0)
    return hearing_schedule(
        actor=staff,
        maslikhat=almaty,
        commission=commission,
        hearing_type="budget",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        topic_kk="Бюджет жобасы",
        topic_ru="Проект бюджета",
        venue_address="Алматы, пр. Абылай хана 91",
        capacity=10,
        languages=["kk", "ru"],
        deputies=[DeputyFactory(maslikhat=almaty)],
    )


MONTHS = {
    "kk": "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан".split(),
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря".split(),
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_hearing_dates_read_in_kazakh_and_russian_and_the_details_are_styled(page, live_server, hearing, language):
    """Bug 4 in the browser; the hearing's facts as a styled block with the deputy linked."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/{language}/hearings/{hearing.pk}/")
    local = timezone.localtime(hearing.starts_at)
    when = f"{local.day} {MONTHS[language][local.month - 1]} {local.year}, 15:00"
    facts = page.locator("dl.facts.details")
    assert when in facts.inner_text() and "17:00" in facts.inner_text()
    assert "p.m." not in facts.inner_text()
    assert facts.evaluate("el => getComputedStyle(el).display") == "grid"
    assert facts.locator("a[href*='/deputies/']").count() == 1
    assert_accessible(page)


def test_card_lists_have_no_bullets_and_the_calendar_is_an_agenda_on_a_phone(page, live_server, hearing):
    page.goto(f"{live_server.url}/kk/hearings/")
    assert page.locator("ul.cards").evaluate("el => getComputedStyle(el).listStyleType") == "none"
    assert page.locator("ul.cards").evaluate("el => getComputedStyle(el).paddingLeft") == "0px"
    local = timezone.localtime(hearing.starts_at)
    page.goto(f"{live_server.url}/kk/hearings/calendar/?month={local:%Y-%m}")
    region = page.locator(".table-wrap")
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing scrolls sideways
    assert page.locator(".calendar thead").is_hidden()
    assert page.locator(".calendar .agenda-date").first.is_visible()
    assert_accessible(page)


def test_petition_filters_fold_on_a_phone_and_show_on_a_desktop(page, live_server):
    page.goto(f"{live_server.url}/ru/petitions/")
    assert page.locator("#f-q").is_hidden()
    page.locator("details.filter-fold > summary").click()
    assert page.locator("#f-q").is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/ru/petitions/")
    assert page.locator("#f-q").is_visible()
    assert page.locator("details.filter-fold > summary").is_hidden()


def test_sign_out_sits_on_the_line_of_the_menu_on_a_kazakh_desktop(page, live_server, citizen):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, citizen, language="kk")
    account = page.locator(".main-nav a[href='/kk/me/']").bounding_box()
    sign_out = page.locator(".main-nav .link-button").bounding_box()
    assert abs(account["y"] - sign_out["y"]) <= 2 and abs(account["height"] - sign_out["height"]) <= 2
    items = page.locator(".main-nav > ul > li")
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    assert len(tops) == 1, tops  # one line, nothing wraps


def test_tap_targets_and_the_geolocation_button_without_javascript(page, page_nojs, live_server):
    page.goto(f"{live_server.url}/kk/accounts/login/")
    box = page.locator("input[type=checkbox]").first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    page_nojs.goto(f"{live_server.url}/kk/representatives/")
    assert page_nojs.locator("#use-location").is_hidden()


def test_a_form_with_errors_opens_with_a_summary_linking_to_the_fields(page, live_server, citizen):
    login(page, live_server, citizen, language="ru")
    page.goto(f"{live_server.url}/ru/petitions/new/")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.bounding_box()["y"] < 900  # at the top, not 1,500 px down
    first = summary.locator("a").first
    target = first.get_attribute("href")
    assert target.startswith("#") and page.locator(target).count() == 1
    assert_accessible(page)


def test_notification_settings_by_topic_and_unsubscribe_from_all(page, live_server, citizen):
    from notifications.models import NotificationPreference

    login(page, live_server, citizen, language="kk")
    page.goto(f"{live_server.url}/kk/notifications/settings/")
    assert_accessible(page)
    petitions = page.locator("section#topic-petitions, section[aria-labelledby=topic-petitions]")
    assert petitions.locator("details table").is_hidden()  # each kind waits behind its disclosure
    petitions.locator("details > summary").click()
    assert petitions.locator("details table").is_visible()
    assert_accessible(page)
    page.select_option("select[name='topic_email:petitions']", "weekly")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/kk/notifications/settings/")
    modes = set(
        NotificationPreference.objects.filter(user=citizen, event__startswith="petition.").values_list(
            "email", flat=True
        )
    )
    assert modes == {"weekly"}

    page.get_by_role("link", name="Барлық хаттардан бас тарту").click()
    page.wait_for_load_state()
    assert "/kk/unsubscribe/" in page.url and page.locator("html").get_attribute("lang") == "kk"
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("main [role=status]").is_visible()
    assert not NotificationPreference.objects.filter(user=citizen).exclude(email="off").exists()


@pytest.fixture
def mapped_petition(db):
    from deputies.geo import boundaries_changed
    from deputies.models import AddressCoverage, Maslikhat
    from petitions import signing
    from petitions.models import Petition
    from petitions.tally import petitions_tally
    from portal.models import Role
    from tests.deputies.factories import ElectoralDistrictFactory
    from tests.factories import UserFactory, grant
    from tests.petitions.factories import petition_at

    almaty = Maslikhat.objects.get(code="kz-75")
    for number, street in ((1, "абая"), (2, "достык"), (3, "сатпаева")):
        west = 76.90 + number * 0.02
        district = ElectoralDistrictFactory(
            maslikhat=almaty,
            number=number,
            boundary={
                "type": "Polygon",
                "coordinates": [
                    [[west, 43.22], [west + 0.02, 43.22], [west + 0.02, 43.24], [west, 43.24], [west, 43.22]]
                ],
            },
        )
        AddressCoverage.objects.create(
            district=district,
            settlement="Алматы",
            settlement_key="алматы",
            street=street,
            street_key=street,
            houses="all",
        )
    boundaries_changed()
    staff = UserFactory(mfa=True)
    grant(staff, Role.STAFF, "kz-75")
    petition = petition_at(Petition.Status.OPEN, author=UserFactory(is_citizen=True), staff=staff, maslikhat=almaty)
    for index, street in enumerate(["Абая"] * 3 + ["Достык"]):
        signing.petition_sign(
            petition=petition,
            user=UserFactory(is_citizen=True),
            address=f"Алматы, {street} {index + 1}",
            is_citizen=True,
            ip="192.0.2.1",
        )
    petitions_tally()
    return petition


@pytest.mark.parametrize("width", [390, 1280])
def test_the_petition_map_of_signatures_draws_without_javascript(page, page_nojs, live_server, mapped_petition, width):
    """The signatures by district as a choropleth: server-rendered, so it is there without
    JavaScript; it fits a phone; the legend and the table carry the numbers; axe stays clean."""
    url = f"{live_server.url}/kk/petitions/{mapped_petition.pk}/"
    for view in (page_nojs, page):
        view.set_viewport_size({"width": width, "height": 900})
        view.goto(url)
        figure = view.locator("figure.choropleth-map")
        assert figure.locator("svg").is_visible()
        assert figure.locator("path.choropleth-area").count() == 3
        assert figure.locator(".map-legend li").count() == 4  # none, 1, 2, 3
        box = figure.locator("svg").bounding_box()
        assert box["width"] <= width and box["height"] > 100
    fills = page.locator("path.choropleth-area").evaluate_all("els => els.map(e => getComputedStyle(e).fill)")
    assert len(set(fills)) == 3  # 3, 1 and 0 signatures: three shades
    assert page.locator("section[aria-labelledby=map-heading] table tbody tr").count() == 3
    assert_accessible(page)
