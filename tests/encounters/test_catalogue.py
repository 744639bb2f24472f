"""The catalogue pages: service types (data admins), a team's sites and quick buttons
(data admins, and supervisors for their own teams). Every change is audited by field name."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from accounts.models import Team, User
from audit.models import AuditEvent
from clients.models import Client
from encounters.models import Encounter, ServiceType, Site, TeamService
from tests.factories import ServiceProvidedFactory, ServiceTypeFactory, SiteFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("encounters:catalogue")
NEW_TYPE = reverse("encounters:service_type_new")


def page(response: Any) -> str:
    return response.content.decode()


def catalogue_events() -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.CATALOGUE_CHANGED)
        .order_by("at", "pk")
        .values_list("details", flat=True)
    )


def signed_in(user: User) -> HttpClient:
    """A client of its own (the role fixtures share pytest-django's `client`)."""
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def data_admin_client(data_admin: User) -> HttpClient:
    return signed_in(data_admin)


def input_tag(html: str, field: str) -> str:
    start = html.rindex("<input", 0, html.index(f'id="id_{field}"'))
    return html[start : html.index(">", start)]


def ticked(html: str, slug: str) -> bool:
    return "checked" in input_tag(html, f"button_{slug}")


def position(html: str, slug: str) -> str:
    tag = input_tag(html, f"position_{slug}")
    return tag[tag.index('value="') + 7 :].split('"')[0]


def type_data(**changes: str) -> dict[str, str]:
    return {"name": "Sharps bin", "category": "disposal", "unit": "bins", "order": "200", **changes}


def edit(service_type: ServiceType, **changes: str) -> dict[str, str]:
    data = {
        "name": service_type.name,
        "category": service_type.category,
        "unit": service_type.unit,
        "order": str(service_type.order),
        **changes,
    }
    if service_type.counts_quantity:
        data.setdefault("counts_quantity", "on")
    return data


class TestTheCatalogueList:
    def test_a_data_admin_sees_every_category_and_no_people(
        self, data_admin_client: HttpClient, person: Client, team: Team, site: Site
    ) -> None:
        html = page(data_admin_client.get(CATALOGUE))
        for label in ["Supplies", "Health", "Support", "Basic needs", "Referral", "Disposal"]:
            assert f">{label}</h3>" in html
        assert "Sterile syringes" in html
        assert "Counted in syringes" in html
        assert "Used equipment returned" in html
        assert team.name in html
        assert person.preferred_name not in html
        assert site.name not in html  # sites are on the team's own page

    def test_it_lists_types_out_of_use_with_a_way_back(self, data_admin_client: HttpClient) -> None:
        ServiceType.objects.filter(slug="hiv-test").update(is_active=False)
        html = page(data_admin_client.get(CATALOGUE))
        hiv = html[html.index("HIV test") :]
        assert hiv.index("Out of use") < hiv.index("Put back in use") < hiv.index("</li>")

    def test_a_supervisor_sees_only_the_teams_they_supervise_and_no_service_types(
        self, supervisor_client: HttpClient, team: Team, other_team: Team
    ) -> None:
        html = page(supervisor_client.get(CATALOGUE))
        assert reverse("encounters:team_catalogue", args=[team.pk]) in html
        assert other_team.name not in html
        assert "Sterile syringes" not in html
        assert NEW_TYPE not in html
        assert "Data admins keep the list of service types." in html

    def test_workers_are_refused(self, worker_client: HttpClient) -> None:
        assert worker_client.get(CATALOGUE).status_code == 403

    def test_the_home_page_and_the_menu_lead_a_data_admin_here(self, data_admin_client: HttpClient) -> None:
        html = page(data_admin_client.get(reverse("core:home")))
        assert html.count(f'href="{CATALOGUE}"') == 2  # the menu and the big button

    def test_the_home_page_leads_a_supervisor_here_but_not_a_worker(
        self, supervisor_client: HttpClient, client: HttpClient, worker: User
    ) -> None:
        assert f'href="{CATALOGUE}"' in page(supervisor_client.get(reverse("core:home")))
        client.force_login(worker)
        assert f'href="{CATALOGUE}"' not in page(client.get(reverse("core:home")))


class TestAddAServiceType:
    def test_it_is_stored_with_a_slug_made_from_the_name_and_audited_without_values(
        self, data_admin_client: HttpClient
    ) -> None:
        response = data_admin_client.post(NEW_TYPE, type_data(counts_quantity="on"))
        stored = ServiceType.objects.get(name="Sharps bin")
        assert response["Location"] == f"{CATALOGUE}#category-disposal"
        assert (stored.slug, stored.category, stored.unit, stored.counts_quantity, stored.order, stored.is_active) == (
            "sharps-bin",
            "disposal",
            "bins",
            True,
            200,
            True,
        )
        [details] = catalogue_events()
        assert details == {
            "model": "servicetype",
            "change": "created",
            "fields": ["category", "counts_quantity", "name", "order", "slug", "unit"],
        }
        event = AuditEvent.objects.get(action=AuditEvent.Action.CATALOGUE_CHANGED)
        assert event.object_id == str(stored.pk)
        assert "Sharps" not in str(event.details)

    def test_the_slug_stays_unique_when_the_name_makes_one_already_taken(self, data_admin_client: HttpClient) -> None:
        ServiceTypeFactory.create(slug="sharps-bin", name="Bin for sharps")
        data_admin_client.post(NEW_TYPE, type_data())
        assert ServiceType.objects.get(name="Sharps bin").slug == "sharps-bin-2"

    def test_the_form_suggests_an_order_after_the_last_type(self, data_admin_client: HttpClient) -> None:
        last = max(ServiceType.objects.values_list("order", flat=True))
        assert f'value="{last + 10}"' in page(data_admin_client.get(NEW_TYPE))

    @pytest.mark.parametrize("name", ["Condoms", "  condoms ", "CONDOMS"])
    def test_a_name_already_in_the_catalogue_is_refused_and_what_was_typed_is_kept(
        self, data_admin_client: HttpClient, name: str
    ) -> None:
        before = ServiceType.objects.count()
        response = data_admin_client.post(NEW_TYPE, type_data(name=name, unit="boxes of ten"))
        assert response.status_code == 200
        assert "There is already a service type with this name." in page(response)
        assert 'value="boxes of ten"' in page(response)
        assert ServiceType.objects.count() == before
        assert catalogue_events() == []

    def test_a_name_shown_translated_counts_as_taken(self, data_admin_client: HttpClient) -> None:
        data_admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        response = data_admin_client.post(NEW_TYPE, type_data(name="Jeringas estériles"))
        assert response.status_code == 200
        assert not ServiceType.objects.filter(name="Jeringas estériles").exists()

    def test_a_name_out_of_use_points_to_putting_it_back(self, data_admin_client: HttpClient) -> None:
        ServiceType.objects.filter(slug="hiv-test").update(is_active=False)
        response = data_admin_client.post(NEW_TYPE, type_data(name="HIV test"))
        assert "out of use: put it back in use instead" in page(response)
        assert ServiceType.objects.filter(name="HIV test").count() == 1

    def test_an_empty_name_is_refused(self, data_admin_client: HttpClient) -> None:
        before = ServiceType.objects.count()
        response = data_admin_client.post(NEW_TYPE, type_data(name="   "))
        assert "Give it a name." in page(response)
        assert 'value="bins"' in page(response)
        assert ServiceType.objects.count() == before

    @pytest.mark.parametrize("order", ["0", "10000", "-5", "first", ""])
    def test_an_order_out_of_range_is_refused(self, data_admin_client: HttpClient, order: str) -> None:
        response = data_admin_client.post(NEW_TYPE, type_data(order=order))
        assert response.status_code == 200
        assert "Give an order number from 1 to 9999." in page(response)
        assert 'value="Sharps bin"' in page(response)
        assert not ServiceType.objects.filter(name="Sharps bin").exists()

    def test_supervisors_cannot_add_types(self, supervisor_client: HttpClient) -> None:
        assert supervisor_client.post(NEW_TYPE, type_data()).status_code == 403
        assert not ServiceType.objects.filter(name="Sharps bin").exists()


class TestEditAServiceType:
    def test_a_changed_name_keeps_the_slug_and_the_audit_names_the_fields_only(
        self, data_admin_client: HttpClient
    ) -> None:
        kits = ServiceType.objects.get(slug="safer-smoking-kit")
        url = reverse("encounters:service_type_edit", args=[kits.pk])
        response = data_admin_client.post(url, edit(kits, name="Smoking kit", order="55"))
        kits.refresh_from_db()
        assert response["Location"] == f"{CATALOGUE}#category-supplies"
        assert (kits.slug, kits.name, kits.order) == ("safer-smoking-kit", "Smoking kit", 55)
        assert catalogue_events() == [{"model": "servicetype", "change": "changed", "fields": ["name", "order"]}]

    def test_saving_without_changes_writes_no_audit_event(self, data_admin_client: HttpClient) -> None:
        kits = ServiceType.objects.get(slug="naloxone-kit")
        response = data_admin_client.post(
            reverse("encounters:service_type_edit", args=[kits.pk]), edit(kits), follow=True
        )
        assert "Nothing was changed." in page(response)
        assert catalogue_events() == []

    def test_a_built_in_name_left_as_shown_stays_translated(self, data_admin_client: HttpClient) -> None:
        """In Spanish the form shows "Jeringas estériles"; saving it unchanged keeps the msgid."""
        syringes = ServiceType.objects.get(slug="sterile-syringes")
        url = reverse("encounters:service_type_edit", args=[syringes.pk])
        data_admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        html = page(data_admin_client.get(url))
        assert 'value="Jeringas estériles"' in html
        assert 'value="jeringas"' in html
        data = edit(syringes, name="Jeringas estériles", unit="jeringas", order="15")
        data_admin_client.post(url, data)
        syringes.refresh_from_db()
        assert (syringes.name, syringes.unit, syringes.order) == ("Sterile syringes", "syringes", 15)
        assert catalogue_events()[0]["fields"] == ["order"]

    def test_an_edited_built_in_name_shows_as_typed_in_every_language(self, data_admin_client: HttpClient) -> None:
        syringes = ServiceType.objects.get(slug="sterile-syringes")
        url = reverse("encounters:service_type_edit", args=[syringes.pk])
        assert "A built-in name" in page(data_admin_client.get(url))
        data_admin_client.post(url, edit(syringes, name="Syringes (1 ml)"))
        data_admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        html = page(data_admin_client.get(CATALOGUE))
        assert "Syringes (1 ml)" in html
        assert "Jeringas estériles" not in html

    def test_a_name_another_type_has_is_refused(self, data_admin_client: HttpClient) -> None:
        needles = ServiceType.objects.get(slug="needles")
        url = reverse("encounters:service_type_edit", args=[needles.pk])
        response = data_admin_client.post(url, edit(needles, name="condoms", order="21"))
        assert "There is already a service type with this name." in page(response)
        assert 'value="21"' in page(response)
        needles.refresh_from_db()
        assert (needles.name, needles.order) == ("Needles", 20)

    def test_an_unknown_type_is_404(self, data_admin_client: HttpClient) -> None:
        url = reverse("encounters:service_type_edit", args=["00000000-0000-0000-0000-000000000000"])
        assert data_admin_client.get(url).status_code == 404


class TestServiceTypeInAndOutOfUse:
    def test_out_of_use_keeps_history_and_leaves_log_a_contact(
        self, data_admin_client: HttpClient, worker_client: HttpClient, encounter: Encounter
    ) -> None:
        bin_type = ServiceTypeFactory.create(name="Sharps bin", slug="sharps-bin", category="disposal")
        ServiceProvidedFactory.create(encounter=encounter, service_type=bin_type, quantity=2)
        url = reverse("encounters:service_type_active", args=[bin_type.pk])
        response = data_admin_client.post(url, {"active": "0"}, follow=True)
        assert "Out of use. Past contacts still show it." in page(response)
        bin_type.refresh_from_db()
        assert not bin_type.is_active
        assert encounter.services.filter(service_type=bin_type).exists()
        assert catalogue_events() == [{"model": "servicetype", "change": "deactivated", "fields": ["is_active"]}]

        assert "Sharps bin" in page(worker_client.get(reverse("encounters:detail", args=[encounter.pk])))
        assert "Sharps bin" not in page(worker_client.get(reverse("encounters:log")))

    def test_back_in_use(self, data_admin_client: HttpClient) -> None:
        hiv = ServiceType.objects.get(slug="hiv-test")
        ServiceType.objects.filter(pk=hiv.pk).update(is_active=False)
        data_admin_client.post(reverse("encounters:service_type_active", args=[hiv.pk]), {"active": "1"})
        hiv.refresh_from_db()
        assert hiv.is_active
        assert catalogue_events()[0]["change"] == "reactivated"

    def test_nothing_is_ever_deleted(self, data_admin_client: HttpClient) -> None:
        before = ServiceType.objects.count()
        for slug in ["hiv-test", "condoms"]:
            pk = ServiceType.objects.get(slug=slug).pk
            data_admin_client.post(reverse("encounters:service_type_active", args=[pk]), {"active": "0"})
        assert ServiceType.objects.count() == before


class TestReorderServiceTypes:
    def health(self) -> list[str]:
        return list(
            ServiceType.objects.filter(category="health").order_by("order", "name").values_list("slug", flat=True)
        )

    def test_up_and_down_move_within_the_category_only(self, data_admin_client: HttpClient) -> None:
        others = dict(ServiceType.objects.exclude(category="health").values_list("slug", "order"))
        assert self.health() == ["wound-care", "hiv-test", "hepatitis-c-test"]
        hepatitis = ServiceType.objects.get(slug="hepatitis-c-test")
        response = data_admin_client.post(
            reverse("encounters:service_type_move", args=[hepatitis.pk]), {"direction": "up"}
        )
        assert response["Location"] == f"{CATALOGUE}#category-health"
        assert self.health() == ["wound-care", "hepatitis-c-test", "hiv-test"]
        wound = ServiceType.objects.get(slug="wound-care")
        data_admin_client.post(reverse("encounters:service_type_move", args=[wound.pk]), {"direction": "down"})
        assert self.health() == ["hepatitis-c-test", "wound-care", "hiv-test"]
        # The category keeps its own order numbers, so it stays where it was among the others.
        assert sorted(ServiceType.objects.filter(category="health").values_list("order", flat=True)) == [90, 100, 110]
        assert dict(ServiceType.objects.exclude(category="health").values_list("slug", "order")) == others
        assert [event["change"] for event in catalogue_events()] == ["reordered", "reordered"]

    def test_ties_are_pulled_apart(self, data_admin_client: HttpClient) -> None:
        ServiceType.objects.filter(category="health").update(order=90)
        hiv = ServiceType.objects.get(slug="hiv-test")
        data_admin_client.post(reverse("encounters:service_type_move", args=[hiv.pk]), {"direction": "up"})
        assert self.health()[0] == "hiv-test"

    def test_the_first_cannot_go_higher(self, data_admin_client: HttpClient) -> None:
        wound = ServiceType.objects.get(slug="wound-care")
        data_admin_client.post(reverse("encounters:service_type_move", args=[wound.pk]), {"direction": "up"})
        assert self.health() == ["wound-care", "hiv-test", "hepatitis-c-test"]
        assert catalogue_events() == []


class TestSites:
    def test_a_supervisor_adds_a_site_to_their_team(self, supervisor_client: HttpClient, team: Team) -> None:
        response = supervisor_client.post(
            reverse("encounters:site_new", args=[team.pk]), {"name": "Harbour steps", "area": "Docks", "kind": "van"}
        )
        assert response["Location"] == reverse("encounters:team_catalogue", args=[team.pk])
        site = Site.objects.get(name="Harbour steps")
        assert (site.team_id, site.area, site.kind, site.is_active) == (team.pk, "Docks", "van", True)
        assert catalogue_events() == [
            {"model": "site", "change": "created", "fields": ["area", "kind", "name", "team"]}
        ]

    def test_the_team_page_lists_its_sites_in_use_first(
        self, supervisor_client: HttpClient, team: Team, other_team: Team
    ) -> None:
        SiteFactory.create(team=team, name="Aardvark lane", is_active=False)
        SiteFactory.create(team=team, name="Zebra crossing", area="South", kind=Site.Kind.DROP_IN)
        SiteFactory.create(team=other_team, name="Elsewhere")
        html = page(supervisor_client.get(reverse("encounters:team_catalogue", args=[team.pk])))
        assert html.index("Zebra crossing") < html.index("Aardvark lane")
        assert "Drop-in" in html
        assert "Elsewhere" not in html

    @pytest.mark.parametrize("name", ["Bus station", "bus STATION "])
    def test_a_name_the_team_already_has_is_refused(
        self, supervisor_client: HttpClient, site: Site, team: Team, name: str
    ) -> None:
        response = supervisor_client.post(
            reverse("encounters:site_new", args=[team.pk]), {"name": name, "area": "Typed area", "kind": "street"}
        )
        assert response.status_code == 200
        assert "This team already has a site with this name." in page(response)
        assert 'value="Typed area"' in page(response)
        assert Site.objects.filter(team=team).count() == 1
        assert catalogue_events() == []

    def test_another_team_may_use_the_same_name(
        self, data_admin_client: HttpClient, site: Site, other_team: Team
    ) -> None:
        data_admin_client.post(
            reverse("encounters:site_new", args=[other_team.pk]), {"name": site.name, "kind": "street"}
        )
        assert Site.objects.filter(name=site.name).count() == 2

    def test_an_empty_name_is_refused(self, supervisor_client: HttpClient, team: Team) -> None:
        response = supervisor_client.post(reverse("encounters:site_new", args=[team.pk]), {"name": "", "kind": "van"})
        assert "Give it a name." in page(response)
        assert not Site.objects.exists()

    def test_editing_a_site_audits_the_fields_changed(self, supervisor_client: HttpClient, site: Site) -> None:
        url = reverse("encounters:site_edit", args=[site.pk])
        assert 'value="Bus station"' in page(supervisor_client.get(url))
        supervisor_client.post(url, {"name": "Bus station", "area": "North end", "kind": "street"})
        site.refresh_from_db()
        assert site.area == "North end"
        assert catalogue_events() == [{"model": "site", "change": "changed", "fields": ["area"]}]

    def test_renaming_to_another_site_of_the_team_is_refused(
        self, supervisor_client: HttpClient, site: Site, team: Team
    ) -> None:
        SiteFactory.create(team=team, name="Park")
        response = supervisor_client.post(
            reverse("encounters:site_edit", args=[site.pk]), {"name": "park", "kind": "street"}
        )
        assert "This team already has a site with this name." in page(response)
        site.refresh_from_db()
        assert site.name == "Bus station"

    def test_out_of_use_keeps_the_contacts_and_leaves_log_a_contact(
        self, supervisor: User, worker_client: HttpClient, encounter: Encounter, site: Site
    ) -> None:
        supervisor_client = signed_in(supervisor)
        response = supervisor_client.post(reverse("encounters:site_active", args=[site.pk]), {"active": "0"})
        assert response["Location"] == reverse("encounters:team_catalogue", args=[site.team_id])
        site.refresh_from_db()
        assert not site.is_active
        assert Encounter.objects.get(pk=encounter.pk).site_id == site.pk
        assert "Bus station" in page(worker_client.get(reverse("encounters:detail", args=[encounter.pk])))
        assert "Bus station" not in page(worker_client.get(reverse("encounters:log")))
        supervisor_client.post(reverse("encounters:site_active", args=[site.pk]), {"active": "1"})
        site.refresh_from_db()
        assert site.is_active
        assert [event["change"] for event in catalogue_events()] == ["deactivated", "reactivated"]

    def test_another_teams_supervisor_gets_404_and_changes_nothing(
        self, client: HttpClient, other_supervisor: User, site: Site, team: Team
    ) -> None:
        client.force_login(other_supervisor)
        assert client.get(reverse("encounters:team_catalogue", args=[team.pk])).status_code == 404
        response = client.post(reverse("encounters:site_edit", args=[site.pk]), {"name": "Renamed", "kind": "van"})
        assert response.status_code == 404
        assert client.post(reverse("encounters:site_active", args=[site.pk]), {"active": "0"}).status_code == 404
        site.refresh_from_db()
        assert (site.name, site.is_active) == ("Bus station", True)
        assert (
            client.post(reverse("encounters:site_new", args=[team.pk]), {"name": "X", "kind": "van"}).status_code == 404
        )
        assert Site.objects.count() == 1

    def test_a_worker_is_refused(self, worker_client: HttpClient, site: Site, team: Team) -> None:
        response = worker_client.post(reverse("encounters:site_new", args=[team.pk]), {"name": "X", "kind": "van"})
        assert response.status_code == 403
        assert Site.objects.count() == 1

    def test_a_data_admin_edits_any_teams_site(self, data_admin_client: HttpClient, site: Site) -> None:
        data_admin_client.post(reverse("encounters:site_edit", args=[site.pk]), {"name": "Depot", "kind": "phone"})
        site.refresh_from_db()
        assert (site.name, site.kind) == ("Depot", "phone")


def pk(slug: str) -> Any:
    return ServiceType.objects.get(slug=slug).pk


def buttons(team: Team) -> list[str]:
    return list(TeamService.objects.filter(team=team).order_by("order").values_list("service_type__slug", flat=True))


class TestQuickButtons:
    def test_ticked_types_become_the_teams_buttons_by_position(self, data_admin_client: HttpClient, team: Team) -> None:
        data = {
            "button_condoms": "on",
            "position_condoms": "2",
            "button_naloxone-kit": "on",
            "position_naloxone-kit": "1",
            "button_needles": "on",  # no position: after the numbered ones
            "position_hiv-test": "3",  # a position without a tick adds nothing
        }
        response = data_admin_client.post(reverse("encounters:quick_buttons", args=[team.pk]), data)
        assert response["Location"] == reverse("encounters:team_catalogue", args=[team.pk])
        assert buttons(team) == ["naloxone-kit", "condoms", "needles"]
        assert catalogue_events() == [
            {"model": "teamservice", "change": "changed", "fields": ["order", "service_type"]}
        ]
        event = AuditEvent.objects.get(action=AuditEvent.Action.CATALOGUE_CHANGED)
        assert event.object_id == str(team.pk)

    def test_the_page_shows_the_buttons_first_ticked_with_their_positions(
        self, supervisor_client: HttpClient, team: Team
    ) -> None:
        TeamService.objects.create(team=team, service_type_id=pk("condoms"), order=5)
        TeamService.objects.create(team=team, service_type_id=pk("hiv-test"), order=9)
        html = page(supervisor_client.get(reverse("encounters:quick_buttons", args=[team.pk])))
        assert html.index("Condoms") < html.index("HIV test") < html.index("Sterile syringes")
        assert ticked(html, "condoms")
        assert ticked(html, "hiv-test")
        assert not ticked(html, "sterile-syringes")
        assert (position(html, "condoms"), position(html, "hiv-test"), position(html, "needles")) == ("1", "2", "")

    def test_unticking_removes_and_reordering_moves(self, supervisor_client: HttpClient, team: Team) -> None:
        for order, slug in enumerate(["condoms", "needles", "hiv-test"]):
            TeamService.objects.create(team=team, service_type_id=pk(slug), order=order)
        data = {"button_hiv-test": "on", "position_hiv-test": "1", "button_needles": "on", "position_needles": "2"}
        supervisor_client.post(reverse("encounters:quick_buttons", args=[team.pk]), data)
        assert buttons(team) == ["hiv-test", "needles"]

    def test_a_type_out_of_use_keeps_its_button_for_when_it_comes_back(
        self, data_admin_client: HttpClient, team: Team
    ) -> None:
        TeamService.objects.create(team=team, service_type_id=pk("hiv-test"), order=10)
        ServiceType.objects.filter(slug="hiv-test").update(is_active=False)
        html = page(data_admin_client.get(reverse("encounters:quick_buttons", args=[team.pk])))
        assert "HIV test" not in html
        data_admin_client.post(reverse("encounters:quick_buttons", args=[team.pk]), {"button_condoms": "on"})
        assert set(buttons(team)) == {"hiv-test", "condoms"}

    @pytest.mark.parametrize("value", ["0", "100", "first"])
    def test_a_position_out_of_range_is_refused_and_the_ticks_are_kept(
        self, data_admin_client: HttpClient, team: Team, value: str
    ) -> None:
        data = {"button_condoms": "on", "position_condoms": value, "button_needles": "on"}
        response = data_admin_client.post(reverse("encounters:quick_buttons", args=[team.pk]), data)
        html = page(response)
        assert response.status_code == 200
        assert "Give a position from 1 to 99, or leave it empty." in html
        assert "Nothing was saved." in html
        assert ticked(html, "needles")
        assert not ticked(html, "hiv-test")
        assert position(html, "condoms") == value
        assert buttons(team) == []
        assert catalogue_events() == []

    def test_saving_the_same_buttons_writes_no_audit_event(self, data_admin_client: HttpClient, team: Team) -> None:
        TeamService.objects.create(team=team, service_type_id=pk("condoms"), order=10)
        data_admin_client.post(reverse("encounters:quick_buttons", args=[team.pk]), {"button_condoms": "on"})
        assert buttons(team) == ["condoms"]
        assert catalogue_events() == []

    def test_the_team_page_lists_the_buttons_in_order(self, supervisor_client: HttpClient, team: Team) -> None:
        TeamService.objects.create(team=team, service_type_id=pk("condoms"), order=20)
        TeamService.objects.create(team=team, service_type_id=pk("needles"), order=10)
        html = page(supervisor_client.get(reverse("encounters:team_catalogue", args=[team.pk])))
        assert html.index("Needles") < html.index("Condoms")

    def test_another_teams_supervisor_gets_404_and_changes_nothing(
        self, client: HttpClient, other_supervisor: User, team: Team
    ) -> None:
        client.force_login(other_supervisor)
        response = client.post(reverse("encounters:quick_buttons", args=[team.pk]), {"button_condoms": "on"})
        assert response.status_code == 404
        assert buttons(team) == []

    def test_a_worker_is_refused(self, worker_client: HttpClient, team: Team) -> None:
        response = worker_client.post(reverse("encounters:quick_buttons", args=[team.pk]), {"button_condoms": "on"})
        assert response.status_code == 403
        assert buttons(team) == []
