"""iCalendar feeds, read the way a calendar client reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from icalendar import Calendar

from .factories import Api, area, org_api, organisation, partnership, person


def events(body: bytes) -> dict[str, Any]:
    """The VEVENTs of a feed by UID."""
    calendar = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def at(days: int, hour: int = 10) -> str:
    when = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return (when + timedelta(days=days)).isoformat()


async def board_with_members(opcc: Api) -> dict[str, Any]:
    """A partnership with a chair, a member with a deputy, and another member."""
    council = await organisation(opcc, name="Sefton Council")
    board = await partnership(
        opcc,
        type="vru",
        themes=["serious_violence", "youth_justice"],
        secretariat_organisation_id=opcc.org["id"] if opcc.org else None,
    )
    chair = await person(opcc, name="Chair Calendar", email="chair@example.org")
    member = await person(opcc, name="Member Calendar", organisation_id=council["id"])
    deputy = await person(opcc, name="Deputy Calendar", organisation_id=council["id"])
    other = await person(opcc, name='Other "Member", Esq')
    url = f"/v1/partnerships/{board['id']}/memberships"
    await opcc.created(url, {"person_id": chair["id"], "role": "chair"})
    await opcc.created(url, {"person_id": member["id"], "deputy_ids": [deputy["id"]]})
    await opcc.created(url, {"person_id": other["id"]})
    return {
        "board": board,
        "council": council,
        "chair": chair,
        "member": member,
        "deputy": deputy,
        "other": other,
    }


async def meeting(api: Api, board: dict[str, Any], days: int, **extra: Any) -> dict[str, Any]:
    body = {"start": at(days), "end": at(days, 12), "title": "Board"} | extra
    return await api.created(f"/v1/partnerships/{board['id']}/meetings", body)


async def subscribe(api: Api, subject: str, subject_id: str) -> dict[str, Any]:
    return await api.created(
        "/v1/calendar-subscriptions", {"subject": subject, "subject_id": subject_id}
    )


def path_of(url: str) -> str:
    """The path and query of a subscription URL (the test client has the host)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


class TestACalendarClientSubscribes:
    async def test_a_moved_meeting_keeps_its_uid_with_a_higher_sequence(
        self, admin: Api, client: httpx.AsyncClient
    ):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        setup = await board_with_members(opcc)
        first = await meeting(opcc, setup["board"], 10, location="Police HQ")
        subscription = await subscribe(opcc, "partnership", setup["board"]["id"])
        feed_url = path_of(subscription["url"])
        assert subscription["webcal_url"].startswith("webcal://")

        response = await client.get(feed_url)  # no Authorization header, as Outlook does
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/calendar")
        before = events(response.content)[f"{first['id']}@convenor"]
        etag = response.headers["etag"]
        assert (await client.get(feed_url, headers={"If-None-Match": etag})).status_code == 304

        moved = await opcc.patch(
            f"/v1/meetings/{first['id']}", json={"start": at(11), "end": at(11, 12)}
        )
        assert moved.status_code == 200, moved.text
        response = await client.get(feed_url, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response.headers["etag"] != etag
        after = events(response.content)[f"{first['id']}@convenor"]
        assert after["sequence"] > before["sequence"]
        assert after.decoded("dtstart") == datetime.fromisoformat(at(11))

    async def test_a_cancelled_meeting_says_so(self, admin: Api, client: httpx.AsyncClient):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        setup = await board_with_members(opcc)
        cancelled = await meeting(opcc, setup["board"], 20)
        patched = await opcc.patch(f"/v1/meetings/{cancelled['id']}", json={"status": "cancelled"})
        assert patched.status_code == 200
        subscription = await subscribe(opcc, "partnership", setup["board"]["id"])
        response = await client.get(path_of(subscription["url"]))
        event = events(response.content)[f"{cancelled['id']}@convenor"]
        assert event["status"] == "CANCELLED"
        assert event["sequence"] == 1

    async def test_a_revoked_subscription_stops_working(
        self, admin: Api, client: httpx.AsyncClient
    ):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        board = await partnership(opcc)
        subscription = await subscribe(opcc, "partnership", board["id"])
        listed = (await opcc.get("/v1/calendar-subscriptions")).json()
        assert [s["id"] for s in listed] == [subscription["id"]]
        assert "token" not in listed[0]
        revoke = await opcc.delete(f"/v1/calendar-subscriptions/{subscription['id']}")
        assert revoke.status_code == 204
        response = await client.get(path_of(subscription["url"]))
        assert response.status_code == 401
        assert response.json()["type"] == "/problems/calendar-subscription-invalid"

    async def test_a_token_opens_only_its_own_feed(self, admin: Api, client: httpx.AsyncClient):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        mine, other = await partnership(opcc), await partnership(opcc)
        subscription = await subscribe(opcc, "partnership", mine["id"])
        url = f"/v1/partnerships/{other['id']}/meetings.ics"
        response = await client.get(url, params={"token": subscription["token"]})
        assert response.status_code == 401
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, params={"token": "cvcal_guess"})).status_code == 401

    async def test_a_subscription_dies_with_the_client_that_made_it(
        self, admin: Api, client: httpx.AsyncClient
    ):
        opcc = await org_api(admin, ["registry:read"])
        board = await partnership(admin)
        subscription = await subscribe(opcc, "partnership", board["id"])
        assert (await client.get(path_of(subscription["url"]))).status_code == 200
        assert opcc.org is not None
        clients = (await admin.get(f"/v1/organisations/{opcc.org['id']}/clients")).json()
        await admin.delete(f"/v1/organisations/{opcc.org['id']}/clients/{clients[0]['client_id']}")
        assert (await client.get(path_of(subscription["url"]))).status_code == 401


class TestAFeedDescribesEachMeeting:
    async def test_every_property_a_client_shows_is_there(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        setup = await board_with_members(opcc)
        held = await meeting(opcc, setup["board"], -3, location="Town Hall", mode="hybrid")
        upcoming = await meeting(opcc, setup["board"], 30)
        await opcc.created(
            f"/v1/meetings/{held['id']}/agenda-items", {"title": "Knife crime", "themes": ["vawg"]}
        )
        register = {
            "records": [
                {"person_id": setup["chair"]["id"], "status": "present"},
                {
                    "person_id": setup["deputy"]["id"],
                    "status": "deputy",
                    "deputy_for_id": setup["member"]["id"],
                },
                {"person_id": setup["other"]["id"], "status": "apologies"},
            ]
        }
        assert (
            await opcc.put(f"/v1/meetings/{held['id']}/attendance", json=register)
        ).status_code == 200
        reader = await org_api(admin, ["registry:read"])
        response = await reader.get(f"/v1/partnerships/{setup['board']['id']}/meetings.ics")
        assert response.status_code == 200
        calendar = Calendar.from_ical(response.content)
        assert str(calendar["x-wr-calname"]) == f"Convenor: {setup['board']['name']}"
        found = events(response.content)
        assert set(found) == {f"{held['id']}@convenor", f"{upcoming['id']}@convenor"}
        event = found[f"{held['id']}@convenor"]
        link = f"http://testserver/v1/meetings/{held['id']}"
        assert str(event["url"]) == link and link in str(event["description"])
        assert str(event["location"]) == "Town Hall"
        assert set(event.categories) == {"serious_violence", "youth_justice", "vawg"}
        assert event["last-modified"].dt >= event["created"].dt
        assert str(event["organizer"]) == f"urn:uuid:{opcc.org['id']}"  # type: ignore[index]
        attendees = {str(a.params["CN"]): a for a in event["attendee"]}
        assert attendees["Chair Calendar"].params["PARTSTAT"] == "ACCEPTED"
        assert attendees["Chair Calendar"].params["ROLE"] == "CHAIR"
        assert attendees['Other "Member", Esq'].params["PARTSTAT"] == "DECLINED"
        assert attendees["Deputy Calendar"].params["DELEGATED-FROM"] == (
            f"urn:uuid:{setup['member']['id']}"
        )
        assert attendees["Member Calendar"].params["PARTSTAT"] == "DELEGATED"
        assert all(str(a).startswith("urn:uuid:") for a in event["attendee"])
        invited = found[f"{upcoming['id']}@convenor"]["attendee"]
        assert {a.params["PARTSTAT"] for a in invited} == {"NEEDS-ACTION"}

    async def test_writers_see_email_addresses_and_readers_never(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        setup = await board_with_members(opcc)
        await meeting(opcc, setup["board"], 5)
        url = f"/v1/partnerships/{setup['board']['id']}/meetings.ics"
        written = (await opcc.get(url)).content
        read = (await (await org_api(admin, ["registry:read"])).get(url)).content
        assert b"mailto:chair@example.org" in written
        assert b"chair@example.org" not in read

    async def test_the_window_bounds_the_feed(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        board = await partnership(opcc)
        series = await opcc.created(
            f"/v1/partnerships/{board['id']}/meeting-series",
            {"rrule": "FREQ=MONTHLY;COUNT=6", "first_start": at(1), "duration_minutes": 90},
        )
        url = f"/v1/partnerships/{board['id']}/meetings.ics"
        assert len(events((await opcc.get(url)).content)) == 6
        day = datetime.fromisoformat(at(1)).date()
        window = {"from": day.isoformat(), "to": (day + timedelta(days=40)).isoformat()}
        within = events((await opcc.get(url, params=window)).content)
        assert set(within) == {f"{m}@convenor" for m in series["meeting_ids"][:2]}
        wide = {"from": "2020-01-01", "to": "2030-01-01"}
        assert (await opcc.get(url, params=wide)).status_code == 422


class TestFeedsOfPeopleOrganisationsAndAreas:
    async def test_a_person_sees_boards_they_sit_on_deputise_for_or_attended(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        setup = await board_with_members(opcc)
        sat = await meeting(opcc, setup["board"], 3)
        elsewhere = await partnership(opcc)
        visited = await meeting(opcc, elsewhere, 4)
        unrelated = await meeting(opcc, elsewhere, 5)
        register = {"records": [{"person_id": setup["deputy"]["id"], "status": "observer"}]}
        await opcc.put(f"/v1/meetings/{visited['id']}/attendance", json=register)
        feed = await opcc.get(f"/v1/people/{setup['deputy']['id']}/meetings.ics")
        found = set(events(feed.content))
        assert {f"{sat['id']}@convenor", f"{visited['id']}@convenor"} <= found
        assert f"{unrelated['id']}@convenor" not in found

    async def test_an_organisation_sees_boards_it_sits_on_or_steers(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        setup = await board_with_members(opcc)
        await opcc.created(
            f"/v1/partnerships/{setup['board']['id']}/memberships",
            {"organisation_id": setup["council"]["id"]},
        )
        seat = await meeting(opcc, setup["board"], 6)
        steered = await partnership(opcc, chair_organisation_id=setup["council"]["id"])
        chaired = await meeting(opcc, steered, 7)
        feed = await opcc.get(f"/v1/organisations/{setup['council']['id']}/meetings.ics")
        assert set(events(feed.content)) == {f"{seat['id']}@convenor", f"{chaired['id']}@convenor"}

    async def test_an_area_feed_covers_partnerships_within_it(self, admin: Api, client):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        wirral = await area(admin, "E08000015")
        local = await partnership(opcc, footprint_area_ids=[wirral["id"]])
        inside = await meeting(opcc, local, 8)
        subscription = await subscribe(opcc, "area", "E23000004")  # Merseyside, by GSS code
        response = await client.get(path_of(subscription["url"]))
        assert f"{inside['id']}@convenor" in events(response.content)
        by_code = await opcc.get("/v1/areas/E08000015/meetings.ics")
        assert f"{inside['id']}@convenor" in events(by_code.content)
