"""Paper signatures (issue 14 §3): the staff page that enters a sheet one row at a time, withdrawing
a row entered by mistake, `manage.py import_paper_signatures` with real files, and the printable
sheet read back from its PDF."""

import re
from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from petitions.eds_signing import EdsEvidence, petition_signature_attach_eds
from petitions.models import Petition, PetitionHistory, Signature
from petitions.paper import PaperSignature, paper_signature_add
from petitions.sheet import sheet_qr, sheet_url, signature_sheet_pdf
from petitions.tally import petitions_tally
from petitions.templatetags.petition_tags import petition_route
from portal.iin import make_iin
from portal.models import AuditEntry, Role
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
S = Petition.Status
M = Signature.Method


def iin(serial: int) -> str:
    return make_iin(date(1990, 1, 1), serial=serial)


def bad_checksum(serial: int) -> str:
    good = iin(serial)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


@pytest.fixture
def petition(make_petition, districts):
    return make_petition(S.OPEN)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def paper_url(petition, language: str = "en") -> str:
    with translation.override(language):
        return reverse("petitions:staff_paper", kwargs={"pk": petition.pk})


def sheet_link(petition, language: str = "en") -> str:
    with translation.override(language):
        return reverse("petitions:sheet", kwargs={"pk": petition.pk})


def row(serial=1, name="Қасымова Әлия", address="Алматы, Абая 5", signed_on=None) -> dict:
    return {
        "full_name": name,
        "iin": iin(serial),
        "address": address,
        "signed_on": (signed_on or timezone.localdate()).isoformat(),
    }


# ------------------------------------------------------------------------------
# The staff page
# ------------------------------------------------------------------------------
def test_a_saved_row_gives_an_empty_focused_form_and_a_confirmation(staff_client, petition, staff, districts):
    d1, _d2, _outside = districts
    page = staff_client.get(paper_url(petition)).content.decode()
    assert re.search(r'<input[^>]*name="full_name"[^>]*autofocus', page)
    assert sheet_link(petition) in page

    today = timezone.localdate()
    saved = staff_client.post(paper_url(petition), row(1))
    assert saved.status_code == 302 and saved["Location"].endswith(f"?on={today.isoformat()}")
    signature = Signature.objects.get(petition=petition)
    assert (signature.method, signature.signer, signature.district) == (M.PAPER, None, d1)
    assert signature.delivery_consent_at is not None  # the sheet carries the consent
    audit = AuditEntry.objects.get(action="petition.paper_signature_add")
    assert audit.actor == staff and audit.after["signature"] == signature.pk

    page = staff_client.get(saved["Location"]).content.decode()
    assert f"Saved: {signature.masked_iin}, district 1. Paper signatures of this petition: 1." in page
    assert 'value="Қасымова Әлия"' not in page  # the form is empty for the next row...
    assert re.search(r'<input[^>]*name="full_name"[^>]*autofocus', page)  # ...and focused
    assert f'value="{today.isoformat()}"' in page  # the sheet's date carries over
    # The list: masked IIN, name, district, who entered it; never the whole IIN.
    assert signature.masked_iin in page and "Қасымова Әлия" in page and "№ 1" in page
    assert staff.email in page or staff.first_name in page
    assert iin(1) not in page

    staff_client.post(paper_url(petition), row(2, address="Алматы, Достык 3"))
    follow = staff_client.get(f"{paper_url(petition)}?on={today.isoformat()}").content.decode()
    assert "Paper signatures of this petition: 2." in follow and "district 2" in follow


def test_a_bad_row_reports_every_field_keeps_what_was_typed_and_writes_nothing(staff_client, petition):
    typed = {"full_name": "", "iin": bad_checksum(3), "address": "Марс, Луна 1", "signed_on": "2001-01-01"}
    refused = staff_client.post(paper_url(petition, "ru"), typed)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert 'class="error-summary" role="alert"' in page
    for field in ("full_name", "iin", "address", "signed_on"):
        assert f'id="id_{field}_error"' in page, field
        assert f'href="#id_{field}"' in page, field  # the summary links to the field
    assert "Укажите" in page or "Введите" in page  # translated
    assert f'value="{typed["iin"]}"' in page and 'value="Марс, Луна 1"' in page and 'value="2001-01-01"' in page
    assert re.search(r'<input[^>]*name="full_name"[^>]*autofocus', page)  # the first field in error
    assert not Signature.objects.filter(petition=petition).exists()
    assert not AuditEntry.objects.filter(action="petition.paper_signature_add").exists()


def test_an_unreadable_date_is_reported_with_the_other_fields(staff_client, petition):
    page = staff_client.post(
        paper_url(petition), {**row(4), "signed_on": "31/02/2025", "full_name": ""}
    ).content.decode()
    assert 'id="id_signed_on_error"' in page and 'id="id_full_name_error"' in page
    assert page.count('id="id_signed_on_error"') == 1  # not also "missing"
    assert not Signature.objects.exists()


def test_a_second_row_of_the_same_iin_is_refused_under_iin(staff_client, petition):
    staff_client.post(paper_url(petition), row(5))
    again = staff_client.post(paper_url(petition), row(5, name="Басқа Адам"))
    assert again.status_code == 400 and 'id="id_iin_error"' in again.content.decode()
    assert Signature.objects.filter(petition=petition).count() == 1


def test_a_petition_not_collecting_refuses_paper_with_a_clear_message(staff_client, make_petition):
    closed = make_petition(S.AWAITING_ANSWER, title="Петиция уже отправлена в маслихат")
    page = staff_client.get(paper_url(closed)).content.decode()
    assert "This petition is not collecting signatures." in page and 'name="full_name"' not in page
    posted = staff_client.post(paper_url(closed), row(6), follow=True)
    assert "This petition is not collecting signatures." in posted.content.decode()
    assert not Signature.objects.exists()


def test_only_the_maslikhats_staff_enter_paper(client, petition, almaty):
    deputy, moderator, other_staff = UserFactory(mfa=True), UserFactory(mfa=True), UserFactory(mfa=True)
    grant(deputy, Role.DEPUTY, "kz-75")
    grant(moderator, Role.MODERATOR, "kz-75")
    grant(other_staff, Role.STAFF, "kz-71")
    for user in (deputy, moderator, other_staff):
        client.force_login(user)
        assert client.get(paper_url(petition)).status_code == 404
        assert client.post(paper_url(petition), row(7)).status_code == 404
    assert not Signature.objects.exists()


def test_staff_see_their_collecting_petitions_and_the_counts(staff_client, petition, staff):
    paper_signature_add(
        petition=petition,
        actor=staff,
        entry=PaperSignature("Өтегенов Ғалым", iin(8), "Алматы, Абая 9", timezone.localdate()),
    )
    petitions_tally()
    queue = staff_client.get(reverse("petitions:staff_queue")).content.decode()
    assert paper_url(petition, "kk") in queue
    page = staff_client.get(paper_url(petition)).content.decode()
    assert "Counted at the last tally: 1 on paper and 0 online, 1 in all." in page
    with translation.override("en"):
        detail = staff_client.get(petition.get_absolute_url()).content.decode()
    assert paper_url(petition) in detail


def test_withdrawing_a_row_entered_by_mistake(staff_client, petition, staff, districts):
    _d1, d2, _outside = districts
    staff_client.post(paper_url(petition), row(9))  # the address should have been Dostyk
    petitions_tally()
    wrong = Signature.objects.get(petition=petition)
    with translation.override("en"):
        url = reverse("petitions:staff_paper_withdraw", kwargs={"pk": petition.pk, "signature_pk": wrong.pk})

    refused = staff_client.post(url, {"reason": "  "}, follow=True)
    assert Signature.objects.get(pk=wrong.pk).status == Signature.Status.VALID
    assert refused.status_code == 200

    staff_client.post(url, {"reason": "Адрес набран с ошибкой"})
    withdrawn = Signature.objects.get(pk=wrong.pk)
    assert withdrawn.status == Signature.Status.INVALIDATED and withdrawn.iin_hash is None
    assert withdrawn.invalidation_reason == "Адрес набран с ошибкой"
    audit = AuditEntry.objects.get(action="petition.paper_signature_withdraw")
    assert audit.actor == staff and audit.after["reason"] == "Адрес набран с ошибкой"
    event = PetitionHistory.objects.get(petition=petition, kind=PetitionHistory.Kind.INVALIDATION)
    assert event.is_public and "Адрес" not in event.public_note + event.private_note  # the reason stays private
    petitions_tally()
    petition.refresh_from_db()
    assert (petition.signature_count, petition.paper_signature_count) == (0, 0)

    # The same person can now be entered correctly, once.
    staff_client.post(paper_url(petition), row(9, address="Алматы, Достык 3"))
    petitions_tally()
    petition.refresh_from_db()
    assert (petition.signature_count, petition.paper_signature_count) == (1, 1)
    assert Signature.objects.get(petition=petition, status="valid").district == d2
    # A second withdrawal of the same row is refused and changes nothing.
    staff_client.post(url, {"reason": "ещё раз"})
    assert AuditEntry.objects.filter(action="petition.paper_signature_withdraw").count() == 1


def test_a_row_upgraded_by_eds_cannot_be_withdrawn_as_paper(staff_client, petition, staff):
    staff_client.post(paper_url(petition), row(10))
    signature = Signature.objects.get(petition=petition)
    petition_signature_attach_eds(
        petition=petition,
        user=UserFactory(is_citizen=True),
        iin=iin(10),
        full_name="Қасымова Әлия",
        address="Алматы, Абая 5",
        evidence=EdsEvidence(certificate_serial="1", certificate_issuer="CN=Test", cms=b"cms"),
        consent=True,
    )
    url = reverse("petitions:staff_paper_withdraw", kwargs={"pk": petition.pk, "signature_pk": signature.pk})
    staff_client.post(url, {"reason": "ошибка"})
    assert Signature.objects.get(pk=signature.pk).status == Signature.Status.VALID
    assert Signature.objects.get(pk=signature.pk).method == M.EDS


# ------------------------------------------------------------------------------
# manage.py import_paper_signatures
# ------------------------------------------------------------------------------
def run_import(petition, path, *extra):
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        try:
            call_command("import_paper_signatures", str(petition.pk), str(path), *extra, stdout=out, stderr=err)
        except CommandError as error:
            return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), ""


def write_csv(tmp_path, text: str, *, bom: bool = False, name: str = "sheet.csv"):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return path


def test_a_good_file_with_excel_semicolons_a_bom_and_both_date_forms(tmp_path, petition, staff, districts):
    d1, d2, _outside = districts
    today = timezone.localdate()
    path = write_csv(
        tmp_path,
        "full_name;iin;address;signed_on\r\n"
        f"Қасымова Әлия;{iin(11)};Алматы, Абая 5;{today.strftime('%d.%m.%Y')}\r\n"
        f'"Өтегенов Ғалым";{iin(12)};"Алматы, Достык 3";{today.isoformat()}\r\n'
        ";;;\r\n",  # what a spreadsheet leaves at the end
        bom=True,
    )
    out, err, failed = run_import(petition, path, "--entered-by", staff.email)
    assert not failed and not err and "Written: 2" in out
    rows = Signature.objects.filter(petition=petition, method=M.PAPER)
    assert {(r.full_name, r.district_id, r.signed_on) for r in rows} == {
        ("Қасымова Әлия", d1.pk, today),
        ("Өтегенов Ғалым", d2.pk, today),
    }
    assert AuditEntry.objects.filter(action="petition.paper_signature_add", actor=staff).count() == 2
    assert AuditEntry.objects.get(action="petition.paper_import").after["written"] == 2
    petitions_tally()
    petition.refresh_from_db()
    assert (petition.signature_count, petition.resident_signature_count, petition.paper_signature_count) == (2, 2, 2)


def test_every_bad_row_is_reported_by_number_and_nothing_is_written(tmp_path, petition):
    today = timezone.localdate()
    path = write_csv(
        tmp_path,
        "full_name,iin,address,signed_on\n"
        f'Good Row,{iin(21)},"Алматы, Абая 5",{today.isoformat()}\n'
        f'Bad Checksum,{bad_checksum(22)},"Алматы, Абая 5",{today.isoformat()}\n'
        f'Nowhere,{iin(23)},"Марс, Луна 1",{today.isoformat()}\n'
        f'Future,{iin(24)},"Алматы, Абая 5",{(today + timedelta(days=3)).isoformat()}\n'
        f',{iin(25)},"Алматы, Абая 5",{today.isoformat()}\n'
        f'Odd Date,{iin(26)},"Алматы, Абая 5",03/06/2025\n',
    )
    out, err, failed = run_import(petition, path)
    assert "5 rows have errors; nothing was written." in failed
    lines = err.splitlines()
    assert any(line.startswith("row 3, iin:") for line in lines)
    assert any(line.startswith("row 4, address:") for line in lines)
    assert any(line.startswith("row 5, signed_on:") for line in lines)
    assert any(line.startswith("row 6, full_name:") for line in lines)
    assert any(line.startswith("row 7, signed_on:") and "DD.MM.YYYY" in line for line in lines)
    assert not any(line.startswith("row 2") for line in lines)
    assert iin(23) not in err + out  # an IIN never appears in the output
    assert not Signature.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="petition.paper").exists()


def test_the_same_iin_twice_in_a_file_is_an_error(tmp_path, petition):
    today = timezone.localdate().isoformat()
    path = write_csv(
        tmp_path,
        "full_name,iin,address,signed_on\n"
        f'Бірінші,{iin(31)},"Алматы, Абая 5",{today}\n'
        f'Екінші,{iin(32)},"Алматы, Абая 6",{today}\n'
        f'Үшінші,{iin(31)},"Алматы, Абая 7",{today}\n',
    )
    _out, err, failed = run_import(petition, path)
    assert failed and "row 4, iin: The same IIN as in row 2." in err
    assert not Signature.objects.exists()


def test_a_second_run_of_the_same_file_writes_nothing(tmp_path, petition):
    today = timezone.localdate().isoformat()
    path = write_csv(
        tmp_path,
        "full_name,iin,address,signed_on\n"
        f'Бірінші,{iin(41)},"Алматы, Абая 5",{today}\n'
        f'Екінші,{iin(42)},"Алматы, Достык 6",{today}\n',
    )
    out, _err, failed = run_import(petition, path)
    assert not failed and "Written: 2" in out
    out, err, failed = run_import(petition, path)
    assert not failed and not err
    assert "row 2: already signed (On paper); skipped" in out and "row 3: already signed (On paper)" in out
    assert "Nothing to write: every row has already signed this petition." in out
    assert Signature.objects.filter(petition=petition).count() == 2
    assert AuditEntry.objects.filter(action="petition.paper_signature_add").count() == 2


def test_a_row_of_an_iin_that_signed_with_eds_is_skipped_and_counted_once(tmp_path, petition):
    petition_signature_attach_eds(
        petition=petition,
        user=UserFactory(is_citizen=True),
        iin=iin(51),
        full_name="Касымов Данияр",
        address="Алматы, Достык 7",
        evidence=EdsEvidence(certificate_serial="1", certificate_issuer="CN=Test", cms=b"cms"),
        consent=True,
    )
    today = timezone.localdate().isoformat()
    path = write_csv(
        tmp_path,
        "iin,full_name,signed_on,address,note\n"  # any column order; other columns are ignored
        f'{iin(51)},Касымов Данияр,{today},"Алматы, Абая 5",қағаз\n'
        f'{iin(52)},Сейтова Айгүл,{today},"Алматы, Абая 5",\n',
    )
    out, _err, failed = run_import(petition, path)
    assert not failed
    assert "row 2: already signed (Electronic digital signature (EDS)); skipped" in out and "Written: 1" in out
    petitions_tally()
    petition.refresh_from_db()
    assert (petition.signature_count, petition.paper_signature_count, petition.eds_signature_count) == (2, 1, 1)


def test_the_file_and_the_petition_are_checked_first(tmp_path, petition, make_petition, author):
    today = timezone.localdate().isoformat()
    good = f'full_name,iin,address,signed_on\nӘлия,{iin(61)},"Алматы, Абая 5",{today}\n'
    _o, _e, failed = run_import(petition, write_csv(tmp_path, "name,iin\nӘлия,1\n"))
    assert "missing: full_name, address, signed_on" in failed
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("full_name,iin,address,signed_on\nJosé,1,x,2025-01-01\n".encode("latin-1"))
    assert "UTF-8" in run_import(petition, latin1)[2]
    assert "No account" in run_import(petition, write_csv(tmp_path, good), "--entered-by", "nobody@example.kz")[2]
    # --entered-by names a person who must be allowed to enter the sheets.
    assert run_import(petition, write_csv(tmp_path, good), "--entered-by", author.email)[2]
    closed = make_petition(S.OPEN, title="Петиция закрыта без порога подписей")
    Petition.objects.filter(pk=closed.pk).update(status=S.CLOSED)
    assert "not collecting" in run_import(closed, write_csv(tmp_path, good))[2]
    assert not Signature.objects.exists()


# ------------------------------------------------------------------------------
# The printable sheet
# ------------------------------------------------------------------------------
def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(BytesIO(data))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_sheet_carries_the_text_notice_route_and_table_in_kazakh_and_russian(staff_client, petition, almaty):
    response = staff_client.get(sheet_link(petition))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    _pages, text = pdf_text(response.content)
    for letter in "әғқңөұүі":  # the Kazakh letters, in the sheet's Kazakh texts
        assert letter in text.lower(), letter
    assert f"№ {petition.pk}" in text and petition.title in text
    assert almaty.name_kk in text and almaty.name_ru in text
    # The delivery notice, in both languages, naming the maslikhat (the consent a paper row records).
    assert f"будут переданы в {almaty.name_ru}" in text or f"{almaty.name_ru} вместе с петицией" in text
    with translation.override("kk"):
        from petitions.selectors import consent_label

        kk_consent = " ".join(consent_label(petition).split())
    assert kk_consent[:40] in text
    assert "Административн" in text and "(не подтверждено)" in text  # the route, its term unconfirmed
    for heading in ("ЖСН", "ИИН", "Подпись", "Қолы"):
        assert heading in text, heading
    assert " 20 " in f" {text} "  # numbered rows


def test_a_long_text_runs_over_pages_and_the_qr_code_leads_to_the_petition(petition, settings):
    ending = "Соңғы сөйлем осы жерде аяқталады."
    Petition.objects.filter(pk=petition.pk).update(text="Ұзын мәтін. " * 900 + ending)
    petition.refresh_from_db()
    pages, text = pdf_text(signature_sheet_pdf(petition, petition_route(petition=petition)))
    assert pages >= 3 and ending in text
    url = sheet_url(petition)
    assert url == f"{settings.SITE_URL.rstrip('/')}/petitions/{petition.pk}/"  # each phone its own language
    assert sheet_qr(url).data_list[0].data == url.encode()
    assert url in text  # printed under the code too


def test_a_sheet_of_a_petition_gathering_support_carries_its_link(make_petition, client, districts):
    gathering = make_petition(S.GATHERING_SUPPORT)
    assert sheet_url(gathering).endswith(f"/petitions/{gathering.pk}/?link={gathering.share_token}")
    url = sheet_link(gathering)
    assert client.get(url).status_code == 404  # reachable only by its link, as its page
    assert client.get(f"{url}?link={gathering.share_token}").status_code == 200


def test_anyone_may_download_the_sheet_of_a_collecting_petition_only(client, petition, make_petition):
    url = sheet_link(petition)
    assert client.get(url).status_code == 200
    with translation.override("en"):
        page = client.get(petition.get_absolute_url()).content.decode()
    assert url in page
    answered = make_petition(S.AWAITING_ANSWER, title="Петиция уже отправлена в маслихат")
    refused = client.get(sheet_link(answered))
    assert refused.status_code == 302 and refused["Location"].endswith(answered.get_absolute_url())


def test_the_public_sheet_is_built_once_per_petition_and_state(client, petition, monkeypatch):
    from petitions import watch

    built = []
    monkeypatch.setattr(watch, "signature_sheet_pdf", lambda p, route: built.append(p.pk) or b"%PDF-1.4 sheet")
    url = sheet_link(petition)
    assert client.get(url).content == client.get(url).content == b"%PDF-1.4 sheet"
    assert built == [petition.pk]
    watch.drop_petition(petition.pk)  # a change of state drops it
    client.get(url)
    assert built == [petition.pk, petition.pk]
