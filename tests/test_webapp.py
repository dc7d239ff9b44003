"""The web app at /app in a real browser (Chromium) on a real `kundenstamm serve`.

Every flow of the help page, driven by role and label as a screen reader would: login and
the one-time password, the overview, the three ways to the create mask, the create mask
and its field errors, the detail page with edit and address edit, archiving, deletion
(blocked and done), export and import jobs, and read-only customers. Each test checks what
the page shows and what the API then reads back.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser import (
    UI_TIMEOUT_MS,
    LiveApp,
    Organization,
    launch_chromium,
    live_app,
    log_in,
    require_chromium,
)
from tests.live_server import ROOT

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id customerNumber }
    userErrors { field code message }
  }
}
"""
ARCHIVE = """
mutation Archive($input: CustomerIdInput!) {
  customerArchive(input: $input) { customer { id } userErrors { field code message } }
}
"""
CUSTOMER = """
query Customer($id: ID!) {
  customer(id: $id) {
    id customerNumber type status companyName firstName lastName email invoiceEmail phone version
    datev { debtorNumber }
    defaultAddress { id street houseNumber zip city countryCode }
    differingInvoiceAddress { id street houseNumber zip city countryCode }
    addresses { id }
  }
}
"""
CUSTOMERS = """
query Customers($filter: CustomerFilter) {
  customers(first: 100, filter: $filter) {
    totalCount
    edges { node { id customerNumber displayName email } }
  }
}
"""
NUMBER_RANGES = "query Ranges { numberRanges { kind nextNumber } }"
SUBSCRIPTION_CREATE = """
mutation Subscribe($input: SubscriptionCreateInput!) {
  subscriptionCreate(input: $input) { subscription { id } userErrors { field code message } }
}
"""
INVOICE_CREATE = """
mutation Invoice($input: CustomerRecordInput!) {
  invoiceCreate(input: $input) { invoice { id } userErrors { field code message } }
}
"""
SETTINGS_UPDATE = """
mutation Settings($input: OrganizationSettingsInput!) {
  organizationSettingsUpdate(input: $input) {
    organization { customersReadOnly }
    userErrors { field code message }
  }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    token
    user { email mustChangePassword }
    userErrors { field code message }
  }
}
"""
ORGANIZATION = "query Organization { organization { customersReadOnly } }"

ANNA = "anna@muster.example"
DOCS = ROOT / "docs"
ONE_TIME_PASSWORD = re.compile(r"One-time password \(shown once\): (\S+)")


# --- the server, the browser and the organizations, shared by the module's tests ----------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    require_chromium()
    with live_app(tmp_path_factory.mktemp("webapp")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # A context per test: its own session storage, so every test logs in afresh.
    context = browser.new_context(
        accept_downloads=True, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def muster(app: LiveApp) -> Organization:
    """An organization with the DATEV add-on, and its employee Anna."""
    organization = app.organization("Muster GmbH", datev=True)
    app.user(organization, ANNA)
    return organization


def create_customer(app: LiveApp, organization: Organization, **fields: Any) -> dict[str, str]:
    data = app.execute(CREATE, {"input": fields}, key=organization.key)
    assert data["customerCreate"]["userErrors"] == []
    customer: dict[str, str] = data["customerCreate"]["customer"]
    return customer


def stored(app: LiveApp, organization: Organization, customer_id: str) -> Any:
    return app.execute(CUSTOMER, {"id": customer_id}, key=organization.key)["customer"]


def open_customer(page: Page, app: LiveApp, customer_id: str) -> None:
    page.goto(f"{app.base_url}/app/kunden/{urllib.parse.quote(customer_id, safe='')}")


def customer_id_of(page: Page) -> str:
    expect(page).to_have_url(re.compile(r"/app/kunden/[^/]+$"))
    return urllib.parse.unquote(page.url.rsplit("/", 1)[1])


# --- Anmelden, Abmelden ---------------------------------------------------------------------


def test_login_with_a_one_time_password_asks_for_a_new_one_and_logout_ends_the_session(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    # given: a user as `kundenstamm user create` makes one, with a one-time password
    printed = app.cli("user", "create", "--org", muster.id, "--email", "otto@muster.example")
    match = ONE_TIME_PASSWORD.search(printed)
    assert match is not None, printed
    one_time = match.group(1)
    new_password = "mein-eigenes-passwort-2026"
    page.goto(f"{app.base_url}/app")
    # when: a wrong password first, then the right one
    page.get_by_label("E-Mail-Adresse").fill("otto@muster.example")
    page.get_by_label("Passwort").fill("falsch-falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    # then
    expect(page.get_by_role("alert")).to_contain_text("E-mail or password is wrong")
    # when
    page.get_by_label("Passwort").fill(one_time)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Neues Passwort festlegen")).to_be_visible()
    page.reload()
    # then: also after a reload, the new password comes first
    expect(page.get_by_role("heading", name="Neues Passwort festlegen")).to_be_visible()
    # when
    page.get_by_label("Aktuelles Passwort", exact=True).fill(one_time)
    page.get_by_label("Neues Passwort", exact=True).fill(new_password)
    page.get_by_role("button", name="Passwort ändern").click()
    # then: the overview, and the new password is the one stored
    expect(page.get_by_role("heading", name="Kunden", exact=True, level=1)).to_be_visible()
    login = app.http.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {"input": {"email": "otto@muster.example", "password": new_password}},
        },
    ).json()["data"]["login"]
    assert login["userErrors"] == []
    assert login["user"] == {"email": "otto@muster.example", "mustChangePassword": False}
    token = page.evaluate("sessionStorage.getItem('kundenstamm.session')")
    assert (
        app.http.post(
            "/graphql", json={"query": ORGANIZATION}, headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 200
    )
    # when
    page.get_by_role("button", name="Abmelden").click()
    # then: back at the login, and the session is over on the server too
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    refused = app.http.post(
        "/graphql", json={"query": ORGANIZATION}, headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401


# --- Kunden: the overview -------------------------------------------------------------------


def test_overview_searches_filters_by_status_and_pages(app: LiveApp, page: Page) -> None:
    # given: 26 active customers, one of them found by a search, and an archived one
    organization = app.organization("Liste KG")
    app.user(organization, "lisa@liste.example")
    for index in range(1, 26):
        create_customer(
            app,
            organization,
            type="PERSON",
            firstName="Kundin",
            lastName=f"Nummer {index:02d}",
            email=f"kundin{index:02d}@liste.example",
            address={"zip": "10115", "city": "Berlin", "countryCode": "DE"},
        )
    zeta = create_customer(
        app,
        organization,
        type="COMPANY",
        companyName="Zeta Zander GmbH",
        email="info@zeta.example",
        address={"street": "Hauptstraße", "houseNumber": "5", "zip": "08056", "city": "Zwickau"},
    )
    archived = create_customer(app, organization, type="COMPANY", companyName="Alt Archiv AG")
    app.execute(ARCHIVE, {"input": {"id": archived["id"]}}, key=organization.key)
    log_in(page, app, "lisa@liste.example")
    table = page.get_by_role("table", name="Kunden")
    rows = table.locator("tbody tr")
    # then: the first page of the active customers, archived ones hidden
    expect(rows).to_have_count(25)
    expect(page.get_by_text("26 Kunden")).to_be_visible()
    expect(table).not_to_contain_text("Alt Archiv AG")
    page.screenshot(path=str(DOCS / "webapp-overview.png"))
    # when
    page.get_by_role("button", name="Weiter").click()
    # then
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("cell")).to_have_text(
        [zeta["customerNumber"], "Zeta Zander GmbH", "info@zeta.example", "Zwickau"]
    )
    # when
    page.get_by_role("button", name="Zurück").click()
    # then
    expect(rows).to_have_count(25)
    # when
    page.get_by_role("searchbox", name="Suche").fill("Zander")
    # then: what the API finds for the same search
    expect(rows).to_have_count(1)
    found = app.execute(CUSTOMERS, {"filter": {"search": "Zander"}}, key=organization.key)
    assert [edge["node"]["displayName"] for edge in found["customers"]["edges"]] == [
        "Zeta Zander GmbH"
    ]
    expect(rows.first).to_contain_text("Zeta Zander GmbH")
    # when
    page.get_by_role("searchbox", name="Suche").fill("")
    page.get_by_label("Status").select_option(label="Archiviert")
    # then
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(archived["customerNumber"])
    expect(rows.first).to_contain_text("Alt Archiv AG")
    assert stored(app, organization, archived["id"])["status"] == "ARCHIVED"


# --- the create mask: three ways to open it -------------------------------------------------


def test_create_mask_opens_from_the_plus_menu_the_overview_and_the_keyboard(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    create_heading = page.get_by_role("heading", name="Kunde erstellen", level=1)
    overview_heading = page.get_by_role("heading", name="Kunden", exact=True, level=1)
    # given
    log_in(page, app, ANNA)
    # when: the plus at the top left, then "Kunde"
    page.get_by_role("button", name="Erstellen").click()
    page.get_by_role("menuitem", name="Kunde").click()
    # then
    expect(create_heading).to_be_visible()
    # when: "Kunden" in the navigation, then "Neu"
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Kunden"
    ).click()
    expect(overview_heading).to_be_visible()
    page.get_by_role("link", name="Neu", exact=True).click()
    # then
    expect(create_heading).to_be_visible()
    # when: c, n typed into the search field
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Kunden"
    ).click()
    page.get_by_role("searchbox", name="Suche").press_sequentially("cn")
    # then: they are text, not a shortcut
    expect(page.get_by_role("searchbox", name="Suche")).to_have_value("cn")
    expect(overview_heading).to_be_visible()
    # when: c, n outside any field
    page.get_by_role("searchbox", name="Suche").blur()
    page.keyboard.press("c")
    page.keyboard.press("n")
    # then
    expect(create_heading).to_be_visible()
    expect(page).to_have_url(f"{app.base_url}/app/kunden/neu")


# --- the create mask ------------------------------------------------------------------------


def test_create_mask_creates_a_company_with_addresses_and_the_next_debtor_number(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    # given
    ranges = app.execute(NUMBER_RANGES, None, key=muster.key)["numberRanges"]
    next_debtor = next(r["nextNumber"] for r in ranges if r["kind"] == "DATEV_DEBTOR")
    log_in(page, app, ANNA)
    page.get_by_role("link", name="Neu", exact=True).click()
    # when
    page.get_by_role("radio", name="Unternehmen").check()
    page.get_by_label("Firmenname").fill("Beispiel Bau GmbH")
    page.get_by_label("E-Mail-Adresse", exact=True).fill("kontakt@beispiel-bau.example")
    recipient = page.get_by_role("group", name="Empfängeradresse")
    recipient.get_by_label("Straße").fill("Lindenallee")
    recipient.get_by_label("Hausnummer").fill("12a")
    recipient.get_by_label("PLZ").fill("50667")
    recipient.get_by_label("Ort").fill("Köln")
    recipient.get_by_label("Land").fill("DE")
    billing = page.get_by_role("group", name="Abweichende Rechnungsdaten")
    billing.get_by_label("Rechnungs-E-Mail-Adresse").fill("rechnung@beispiel-bau.example")
    invoice_address = billing.get_by_role("group", name="Rechnungsadresse")
    invoice_address.get_by_label("Straße").fill("Postfach")
    invoice_address.get_by_label("Hausnummer").fill("100")
    invoice_address.get_by_label("PLZ").fill("50668")
    invoice_address.get_by_label("Ort").fill("Köln")
    invoice_address.get_by_label("Land").fill("DE")
    expect(page.get_by_label("DATEV-Debitorennummer")).to_have_value("")
    # No focus ring or caret in the picture: the same page gives the same file every run.
    page.evaluate("document.activeElement.blur()")
    page.screenshot(path=str(DOCS / "webapp-create.png"), full_page=True)
    page.get_by_role("button", name="Kunde erstellen").click()
    # then
    expect(page.get_by_text("Kunde wurde erfolgreich angelegt")).to_be_visible()
    customer = stored(app, muster, customer_id_of(page))
    expect(page.get_by_role("heading", name="Beispiel Bau GmbH")).to_be_visible()
    expect(page.get_by_text(customer["customerNumber"], exact=True)).to_be_visible()
    assert customer["type"] == "COMPANY"
    assert customer["companyName"] == "Beispiel Bau GmbH"
    assert customer["email"] == "kontakt@beispiel-bau.example"
    assert customer["invoiceEmail"] == "rechnung@beispiel-bau.example"
    assert customer["datev"] == {"debtorNumber": next_debtor}
    address_fields = ("street", "houseNumber", "zip", "city", "countryCode")
    assert [customer["defaultAddress"][f] for f in address_fields] == [
        "Lindenallee", "12a", "50667", "Köln", "DE",
    ]  # fmt: skip
    assert [customer["differingInvoiceAddress"][f] for f in address_fields] == [
        "Postfach", "100", "50668", "Köln", "DE",
    ]  # fmt: skip


def test_create_mask_creates_a_person_with_a_typed_debtor_number_and_an_empty_address(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    # given
    log_in(page, app, ANNA)
    page.get_by_role("link", name="Neu", exact=True).click()
    # when
    page.get_by_role("radio", name="Privatperson").check()
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Mustermann")
    page.get_by_label("DATEV-Debitorennummer").fill("12345")
    page.get_by_role("button", name="Kunde erstellen").click()
    # then
    expect(page.get_by_text("Kunde wurde erfolgreich angelegt")).to_be_visible()
    customer = stored(app, muster, customer_id_of(page))
    assert (customer["type"], customer["firstName"], customer["lastName"]) == (
        "PERSON", "Erika", "Mustermann",
    )  # fmt: skip
    assert customer["datev"] == {"debtorNumber": "12345"}
    assert customer["differingInvoiceAddress"] is None
    assert len(customer["addresses"]) == 1
    empty = {"street": None, "houseNumber": None, "zip": None, "city": None, "countryCode": None}
    assert {k: customer["defaultAddress"][k] for k in empty} == empty


def test_create_mask_shows_each_user_error_at_its_field_and_keeps_the_input(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    # given: what the server says about this input
    typed = {
        "type": "PERSON",
        "lastName": "Fehlerfrau",
        "email": "kein-at-zeichen",
        "address": {"zip": "12", "city": "Berlin", "countryCode": "DE"},
    }
    answer = app.execute(CREATE, {"input": typed}, key=muster.key)["customerCreate"]
    messages = {tuple(error["field"]): error["message"] for error in answer["userErrors"]}
    assert set(messages) == {
        ("input", "firstName"),
        ("input", "email"),
        ("input", "address", "zip"),
    }
    log_in(page, app, ANNA)
    page.get_by_role("link", name="Neu", exact=True).click()
    # when
    page.get_by_label("Nachname").fill("Fehlerfrau")
    page.get_by_label("E-Mail-Adresse", exact=True).fill("kein-at-zeichen")
    recipient = page.get_by_role("group", name="Empfängeradresse")
    recipient.get_by_label("PLZ").fill("12")
    recipient.get_by_label("Ort").fill("Berlin")
    recipient.get_by_label("Land").fill("DE")
    page.get_by_role("button", name="Kunde erstellen").click()
    # then: each message at its field, tied to it, marked invalid; nothing typed is lost
    email = page.get_by_label("E-Mail-Adresse", exact=True)
    zip_code = recipient.get_by_label("PLZ")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(messages[("input", "email")])
    expect(zip_code).to_have_attribute("aria-invalid", "true")
    expect(zip_code).to_have_accessible_description(messages[("input", "address", "zip")])
    first_name = page.get_by_label("Vorname")
    expect(first_name).to_have_attribute("aria-invalid", "true")
    expect(first_name).to_have_accessible_description(messages[("input", "firstName")])
    expect(page.get_by_label("Nachname")).not_to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("kein-at-zeichen")
    expect(zip_code).to_have_value("12")
    expect(recipient.get_by_label("Ort")).to_have_value("Berlin")
    expect(page.get_by_label("Nachname")).to_have_value("Fehlerfrau")
    expect(page.get_by_role("heading", name="Kunde erstellen", level=1)).to_be_visible()
    found = app.execute(CUSTOMERS, {"filter": {"search": "Fehlerfrau"}}, key=muster.key)
    assert found["customers"]["totalCount"] == 0


# --- the detail page ------------------------------------------------------------------------


def test_detail_page_edits_the_customer_and_an_address_in_place(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    # given
    created = create_customer(
        app,
        muster,
        type="COMPANY",
        companyName="Detail AG",
        email="alt@detail.example",
        address={"street": "Ringstraße", "houseNumber": "1", "zip": "80331", "city": "München"},
        invoiceAddress={
            "street": "Rechnungsweg",
            "houseNumber": "2",
            "zip": "80333",
            "city": "München",
        },
    )
    before = stored(app, muster, created["id"])
    log_in(page, app, ANNA)
    open_customer(page, app, created["id"])
    expect(page.get_by_role("heading", name="Detail AG")).to_be_visible()
    expect(page.get_by_text("alt@detail.example").first).to_be_visible()
    # when: Bearbeiten, Speichern
    page.get_by_role("button", name="Bearbeiten", exact=True).click()
    form = page.get_by_role("form", name="Kunde bearbeiten")
    form.get_by_label("E-Mail-Adresse", exact=True).fill("neu@detail.example")
    form.get_by_label("Telefon").fill("+49 89 123456")
    form.get_by_role("button", name="Speichern").click()
    # then
    expect(page.get_by_text("Änderungen wurden gespeichert")).to_be_visible()
    expect(page.get_by_text("neu@detail.example").first).to_be_visible()
    after = stored(app, muster, created["id"])
    assert (after["email"], after["phone"]) == ("neu@detail.example", "+49 89 123456")
    assert after["version"] == before["version"] + 1
    # when: the billing address picked in Adressen, edited with the pencil
    invoice_id = before["differingInvoiceAddress"]["id"]
    page.get_by_label("Adresse", exact=True).select_option(value=invoice_id)
    page.get_by_role("button", name="Adresse bearbeiten").click()
    address_form = page.get_by_role("form", name="Adresse bearbeiten")
    address_form.get_by_label("Ort").fill("Augsburg")
    address_form.get_by_label("PLZ").fill("86150")
    address_form.get_by_role("button", name="Adresse speichern").click()
    # then
    expect(page.get_by_text("Adresse wurde gespeichert")).to_be_visible()
    expect(page.get_by_label("Adresse", exact=True)).to_contain_text("86150 Augsburg")
    edited = stored(app, muster, created["id"])
    assert edited["differingInvoiceAddress"]["id"] == invoice_id
    billing_address = edited["differingInvoiceAddress"]
    assert (billing_address["zip"], billing_address["city"]) == ("86150", "Augsburg")
    assert edited["defaultAddress"]["city"] == "München"


def test_archive_asks_first_and_restore_brings_the_customer_back(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    # given
    created = create_customer(app, muster, type="COMPANY", companyName="Archiv Probe KG")
    log_in(page, app, ANNA)
    open_customer(page, app, created["id"])
    # when
    page.get_by_role("button", name="Archivieren").click()
    dialog = page.get_by_role("dialog", name="Kunden archivieren?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Archivieren").click()
    # then
    expect(page.get_by_text("Kunde wurde archiviert")).to_be_visible()
    expect(dialog).to_be_hidden()
    assert stored(app, muster, created["id"])["status"] == "ARCHIVED"
    # when
    page.get_by_role("button", name="Wiederherstellen").click()
    # then
    expect(page.get_by_text("Kunde wurde wiederhergestellt")).to_be_visible()
    expect(page.get_by_role("button", name="Archivieren")).to_be_visible()
    assert stored(app, muster, created["id"])["status"] == "ACTIVE"


def test_delete_shows_why_it_is_blocked_and_deletes_irrevocably_otherwise(
    app: LiveApp, muster: Organization, page: Page
) -> None:
    # given: one customer with a subscription and an invoice, one without anything
    billed = create_customer(app, muster, type="COMPANY", companyName="Gebunden GmbH")
    app.execute(SUBSCRIPTION_CREATE, {"input": {"customerId": billed["id"]}}, key=muster.key)
    app.execute(INVOICE_CREATE, {"input": {"customerId": billed["id"]}}, key=muster.key)
    free = create_customer(app, muster, type="COMPANY", companyName="Frei GmbH")
    log_in(page, app, ANNA)
    open_customer(page, app, billed["id"])
    # when
    page.get_by_role("button", name="Löschen").click()
    # then: the reasons, and no way to delete
    blocked = page.get_by_role("dialog", name="Kunde kann nicht gelöscht werden")
    expect(blocked.get_by_role("listitem")).to_have_text(["1 aktives Abonnement", "1 Rechnung"])
    expect(blocked.get_by_role("button", name="Schließen")).to_be_focused()
    expect(blocked.get_by_role("button", name="Unwiderruflich löschen")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(blocked).to_be_hidden()
    # focus goes back to what opened the dialog
    expect(page.get_by_role("button", name="Löschen", exact=True)).to_be_focused()
    assert stored(app, muster, billed["id"])["status"] == "ACTIVE"
    # when
    open_customer(page, app, free["id"])
    page.get_by_role("button", name="Löschen").click()
    page.get_by_role("dialog", name="Kunden unwiderruflich löschen?").get_by_role(
        "button", name="Unwiderruflich löschen"
    ).click()
    # then
    expect(page.get_by_text("Kunde wurde gelöscht")).to_be_visible()
    expect(page.get_by_role("heading", name="Kunden", exact=True, level=1)).to_be_visible()
    assert stored(app, muster, free["id"]) is None


# --- Exportieren, Importieren ---------------------------------------------------------------


def test_export_follows_the_job_and_downloads_the_workbook(
    app: LiveApp, muster: Organization, page: Page, tmp_path: Path
) -> None:
    # given
    create_customer(app, muster, type="COMPANY", companyName="Export Eins GmbH")
    everyone = app.execute(CUSTOMERS, {"filter": {"status": "ALL"}}, key=muster.key)
    log_in(page, app, ANNA)
    # when
    page.get_by_role("button", name="Exportieren").click()
    link = page.get_by_role("link", name="Herunterladen")
    with page.expect_download() as download:
        link.click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    # then: the workbook holds every customer of the organization
    assert target.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(target, read_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = list(rows[0])
    numbers = {row[header.index("Kundennummer")] for row in rows[1:]}
    assert numbers == {edge["node"]["customerNumber"] for edge in everyone["customers"]["edges"]}
    assert "Export Eins GmbH" in {row[header.index("Firmenname")] for row in rows[1:]}


def csv_file(directory: Path, name: str, rows: list[list[str]]) -> Path:
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    path = directory / name
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def test_import_runs_a_dry_run_first_lists_row_errors_then_imports(
    app: LiveApp, muster: Organization, page: Page, tmp_path: Path
) -> None:
    # given
    header = ["Kundentyp", "Vorname", "Nachname", "Kunden-E-Mail-Adresse"]
    broken = csv_file(
        tmp_path,
        "kaputt.csv",
        [header, ["Privatperson", "Ida", "Import", "ida@import.example"],
         ["Privatperson", "Kaputt", "", "kein-at-zeichen"]],
    )  # fmt: skip
    good = csv_file(
        tmp_path,
        "gut.csv",
        [header, ["Privatperson", "Ida", "Import", "ida@import.example"],
         ["Privatperson", "Jan", "Import", "jan@import.example"]],
    )  # fmt: skip
    log_in(page, app, ANNA)
    panel = page.get_by_role("region", name="Importieren")
    # when: a file with errors
    panel.get_by_label("Datei").set_input_files(broken)
    panel.get_by_role("button", name="Probelauf").click()
    # then: its errors per row, and no way to import it
    errors = panel.get_by_role("table", name="Fehler in der Datei")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors.locator("tbody tr").first.get_by_role("cell").first).to_have_text("3")
    expect(errors).to_contain_text("Nachname")
    expect(errors).to_contain_text("Kunden-E-Mail-Adresse")
    expect(panel.get_by_role("button", name="Importieren")).to_have_count(0)
    # when: a file without errors, dry run, then the import
    panel.get_by_label("Datei").set_input_files(good)
    panel.get_by_role("button", name="Probelauf").click()
    expect(panel.get_by_text("Probelauf ohne Fehler")).to_be_visible()
    assert (
        app.execute(CUSTOMERS, {"filter": {"search": "Import"}}, key=muster.key)["customers"][
            "totalCount"
        ]
        == 0
    )
    panel.get_by_role("button", name="Importieren").click()
    # then
    expect(panel.get_by_text("Import abgeschlossen: 2 Kunden angelegt")).to_be_visible()
    found = app.execute(CUSTOMERS, {"filter": {"search": "import.example"}}, key=muster.key)
    assert sorted(edge["node"]["email"] for edge in found["customers"]["edges"]) == [
        "ida@import.example",
        "jan@import.example",
    ]
    expect(page.get_by_role("table", name="Kunden")).to_contain_text("jan@import.example")


# --- Schreibgeschützte Kunden ---------------------------------------------------------------


def test_read_only_customers_offer_web_users_no_writing_actions(app: LiveApp, page: Page) -> None:
    # given
    organization = app.organization("Nur Lesen AG")
    app.user(organization, "lena@lesen.example")
    created = create_customer(
        app, organization, type="COMPANY", companyName="Gelesen GmbH", address={"city": "Bonn"}
    )
    setting = app.execute(
        SETTINGS_UPDATE, {"input": {"customersReadOnly": True}}, key=organization.key
    )
    assert setting["organizationSettingsUpdate"]["organization"] == {"customersReadOnly": True}
    # when
    log_in(page, app, "lena@lesen.example")
    # then: the overview without create and import, export still there
    expect(page.get_by_role("table", name="Kunden")).to_contain_text("Gelesen GmbH")
    expect(page.get_by_role("button", name="Exportieren")).to_be_visible()
    expect(page.get_by_role("button", name="Erstellen")).to_have_count(0)
    expect(page.get_by_role("link", name="Neu", exact=True)).to_have_count(0)
    expect(page.get_by_role("region", name="Importieren")).to_have_count(0)
    # when: the shortcut
    page.keyboard.press("c")
    page.keyboard.press("n")
    # then
    expect(page.get_by_role("heading", name="Kunden", exact=True, level=1)).to_be_visible()
    # when: the detail page
    page.get_by_role("link", name="Gelesen GmbH").click()
    # then
    expect(page.get_by_role("heading", name="Gelesen GmbH")).to_be_visible()
    expect(page.get_by_text("Bonn", exact=True)).to_be_visible()
    for action in ("Bearbeiten", "Archivieren", "Löschen", "Adresse bearbeiten"):
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)
    customer = stored(app, organization, created["id"])
    assert (customer["status"], customer["version"]) == ("ACTIVE", 1)
