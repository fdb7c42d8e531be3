"""Audit history (who, when, from where, what changed; restore) and optimistic
concurrency (version / If-Match), through the API, the admin and the importer."""

import pytest
from django.urls import reverse

from playbook import history, services
from playbook.interchange import fieldos_import, sources_from_data
from playbook.models import Formation, Play, Route
from teams.models import Role
from tests.support import builders as b
from tests.support.admin import PLAY_FIELDS, admin_url, inline_post, staff
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(obj, action=None, **extra):
    kind = obj._meta.model_name
    name = f"{kind}-{action}" if action else f"{kind}-detail"
    return reverse(name, kwargs={"team_id": obj.team_id, "pk": obj.pk, **extra})


@pytest.fixture
def coaches(team):
    users = [MembershipFactory(team=team, role=Role.COACH).user for _ in range(2)]
    return users, [client_for(u) for u in users]


def assignments(play):
    return {a.role: a.route_id for a in play.assignments.all()}


class TestApiHistory:
    def test_create_and_edits_are_recorded_with_who_source_and_changes(self, team, coaches):
        (alice, _), (api, _) = coaches[0], coaches[1]
        play = b.play(team, name="Flood")
        new_route = b.route(team, name="Go")
        body = {
            "name": "Flood Go",
            "assignments": [
                {"role": a.role, "route": new_route.pk if a.role == "WR1" else a.route_id}
                for a in play.assignments.all()
            ],
        }
        assert api.patch(url(play), body, format="json").status_code == 200
        versions = api.get(url(play, "history")).json()["results"]
        latest, first = versions[0], versions[-1]
        assert latest["user"] == alice.email and latest["source"] == "api"
        assert latest["action"] == "changed" and latest["version"] == 2
        changed = {c["field"]: c for c in latest["changes"]}
        assert changed["name"] == {"field": "name", "old": "Flood", "new": "Flood Go"}
        old_wr1 = next(r for r in changed["assignments"]["old"] if r["role"] == "WR1")
        new_wr1 = next(r for r in changed["assignments"]["new"] if r["role"] == "WR1")
        assert new_wr1["route_id"] == new_route.pk and old_wr1["route_id"] != new_route.pk
        assert first["action"] == "created" and first["source"] == "command"

    def test_restore_brings_back_fields_and_rows_as_a_new_version(self, team, coaches):
        api = coaches[1][0]
        play = b.play(team, name="Flood")
        before = assignments(play)
        original = play.history.latest().history_id
        body = {
            "name": "Changed",
            "assignments": [{"role": r, "route": None} for r in before],
            "qb_plan": {"progression": []},
        }
        assert api.patch(url(play), body, format="json").status_code == 200
        restored = api.post(url(play, "restore", history_id=original))
        assert restored.status_code == 200, restored.json()
        play.refresh_from_db()
        assert play.name == "Flood" and assignments(play) == before
        assert restored.json()["version"] == 3
        assert api.get(url(play, "history")).json()["results"][0]["source"] == "api"

    def test_restore_refuses_a_version_whose_formation_is_gone(self, team, coaches):
        api = coaches[1][0]
        play = b.play(team)
        original = play.history.latest().history_id
        other = b.formation(team)
        api.patch(url(play), {"formation": other.pk}, format="json")
        old_formation = Formation.objects.get(pk=play.history.earliest().formation_id)
        old_formation.delete()
        response = api.post(url(play, "restore", history_id=original))
        assert response.status_code == 400
        assert "no longer exists" in str(response.json())
        play.refresh_from_db()
        assert play.formation == other

    def test_unknown_version_and_other_teams_are_404(self, team, other_team, coaches):
        api = coaches[1][0]
        play, theirs = b.play(team), b.play(other_team)
        assert api.get(url(theirs, "history")).status_code == 404
        mine_theirs_version = theirs.history.latest().history_id
        assert api.post(url(play, "restore", history_id=mine_theirs_version)).status_code == 404
        assert api.post(url(theirs, "restore", history_id=1)).status_code == 404

    def test_members_read_history_but_cannot_restore(self, team, member):
        play = b.play(team)
        api = client_for(member)
        assert api.get(url(play, "history")).status_code == 200
        hid = play.history.latest().history_id
        assert api.post(url(play, "restore", history_id=hid)).status_code == 403

    def test_every_kind_has_a_history(self, team, coaches):
        api = coaches[1][0]
        for obj in (b.formation(team), b.route(team), b.scenario(team)):
            assert api.patch(url(obj), {"name": obj.name + "!"}, format="json").status_code == 200
            versions = api.get(url(obj, "history")).json()["results"]
            assert [v["action"] for v in versions] == ["changed", "created"]

    def test_a_delete_is_recorded(self, team, coaches):
        api = coaches[1][0]
        route = b.route(team)
        assert api.delete(url(route)).status_code == 204
        records = history.versions(history.history_of(type(route), route.pk, team))
        assert records[0]["action"] == "deleted" and records[0]["source"] == "api"


class TestImportAndAdminHistory:
    def test_import_is_recorded_as_import(self, team):
        data = {
            "routes": [
                {
                    "id": "route_x",
                    "name": "X",
                    "breakpoints": [
                        {"x_yards": 3.0, "y_yards": 0.0, "time_ms": 500},
                        {"x_yards": 8.0, "y_yards": 2.0, "time_ms": 1200},
                    ],
                }
            ]
        }
        sources = [s for k, v in data.items() for s in sources_from_data(f"{k}.json", v, k)]
        fieldos_import(team=team, sources=sources)
        record = team_route_record(team, "X")
        assert record.source == "import" and record.history_type == "+"
        assert len(record.rows) == 2

    def test_admin_edit_is_recorded_with_user_and_rows_and_restorable(self, client, team):
        editor = staff(team)
        client.force_login(editor)
        play = b.play(team, name="Flood")
        before = assignments(play)
        rows = [{"role": r, "route": "", "id": a} for r, a in zip(before, [None] * 5, strict=True)]
        existing = {a.role: a.pk for a in play.assignments.all()}
        rows = [{"role": r, "route": "", "id": existing[r], "play": play.pk} for r in before]
        data = {
            **PLAY_FIELDS,
            "name": "Flood (admin)",
            "formation": play.formation_id,
            "progression": "",
            "loaded_version": play.version,
            **inline_post("assignments", rows, initial=len(rows)),
        }
        response = client.post(admin_url(Play, "change", play.pk), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        record = play.history.order_by("-history_date").first()
        assert record.history_user == editor and record.source == "admin"
        assert all(row["route_id"] is None for row in record.rows)

        page = client.get(admin_url(Play, "history", play.pk)).content.decode()
        assert "Flood (admin)" in page and editor.email in page and "Restore version 1" in page
        route = Route.objects.get(pk=next(pk for pk in before.values() if pk))
        assert f"{route.name} (#{route.pk})" in page  # ids read as names
        first = play.history.earliest().history_id
        response = client.post(reverse("admin:playbook_play_restore", args=[play.pk, first]))
        assert response.status_code == 302
        play.refresh_from_db()
        assert play.name == "Flood" and assignments(play) == before

    def test_admin_refuses_a_save_over_a_newer_version(self, client, team, coaches):
        editor = staff(team)
        client.force_login(editor)
        formation = b.formation(team, name="Trips")
        loaded = formation.version
        coaches[1][0].patch(url(formation), {"name": "Trips (API)"}, format="json")
        slots = [
            {**s, "id": pk}
            for s, pk in zip(formation.slot_data(), slot_ids(formation), strict=False)
        ]
        data = {
            "name": "Trips (admin)",
            "external_id": "",
            "loaded_version": loaded,
            **inline_post("slots", slots, initial=5),
        }
        response = client.post(admin_url(Formation, "change", formation.pk), data)
        assert response.status_code == 200
        assert "saved this formation" in response.content.decode()
        assert "Your changes were not saved" in response.content.decode()
        formation.refresh_from_db()
        assert formation.name == "Trips (API)"


def slot_ids(formation):
    return list(formation.slots.values_list("pk", flat=True))


def team_route_record(team, name):
    return Route.history.filter(team_id=team.pk, name=name).latest()


class TestConcurrentEdits:
    def test_second_coach_with_a_stale_version_gets_409_naming_the_first(self, team, coaches):
        (alice, _bob), (alice_api, bob_api) = coaches
        play = b.play(team, name="Flood")
        loaded = alice_api.get(url(play)).json()["version"]
        assert bob_api.get(url(play)).json()["version"] == loaded
        first = alice_api.patch(url(play), {"notes": "A", "version": loaded}, format="json")
        assert first.status_code == 200 and first.json()["version"] == loaded + 1
        second = bob_api.patch(url(play), {"notes": "B", "version": loaded}, format="json")
        assert second.status_code == 409
        body = second.json()
        assert body["code"] == "edit_conflict" and alice.email in body["detail"]
        assert body["version"] == loaded + 1
        play.refresh_from_db()
        assert play.notes == "A"

    def test_if_match_header_gives_412(self, team, coaches):
        alice_api, bob_api = coaches[1]
        play = b.play(team)
        etag = alice_api.get(url(play))["ETag"]
        assert (
            alice_api.patch(
                url(play), {"notes": "A"}, format="json", HTTP_IF_MATCH=etag
            ).status_code
            == 200
        )
        stale = bob_api.patch(url(play), {"notes": "B"}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412 and stale.json()["code"] == "version_mismatch"
        fresh = bob_api.get(url(play))["ETag"]
        assert (
            bob_api.patch(url(play), {"notes": "B"}, format="json", HTTP_IF_MATCH=fresh).status_code
            == 200
        )

    def test_without_a_version_the_last_write_wins(self, team, coaches):
        play = b.play(team)
        for api in coaches[1]:
            assert api.patch(url(play), {"notes": "x"}, format="json").status_code == 200

    @pytest.mark.parametrize("version", ["abc", -1, 1.5, True, [1]])
    def test_a_malformed_version_is_400(self, team, coaches, version):
        play = b.play(team)
        response = coaches[1][0].patch(url(play), {"version": version}, format="json")
        assert response.status_code == 400 and "version" in response.json()["errors"]

    def test_version_goes_up_once_per_api_write(self, team, coaches):
        route = b.route(team)
        api = coaches[1][0]
        v = api.get(url(route)).json()["version"]
        body = {"breakpoints": [{"x": 5.0, "y": 0.0, "time_ms": 900}]}
        assert api.patch(url(route), body, format="json").json()["version"] == v + 1


def test_services_record_rows_with_the_version(team):
    route = b.route(team)
    services.route_write(
        team=team,
        data={},
        breakpoints=[{"x": 4.0, "y": 0.0, "time_ms": 700}],
        instance=route,
    )
    latest = route.history.latest()
    assert latest.rows == [{"x": 4.0, "y": 0.0, "time_ms": 700}]
    assert latest.version == route.version == 2


class TestEveryWriteIsGuardedAndRecorded:
    """Found by a probe: entry changes skipped versions and history; a fresh If-Match
    hid a stale body version; restore ignored If-Match; a taken name gave a 409."""

    @pytest.fixture
    def book(self, team):
        plays = [b.play(team) for _ in range(3)]
        entries = [{"play": p, "call_number": str(n)} for n, p in enumerate(plays, 1)]
        return services.playbook_write(team=team, data={"name": "Book"}, entries=entries)

    def test_entry_changes_make_versions_and_honour_if_match(self, team, coaches, book):
        api = coaches[1][0]
        ids = list(book.entries.values_list("pk", flat=True))
        stale = {"HTTP_IF_MATCH": '"0"'}
        reorder = url(book, "reorder")
        assert api.post(reorder, {"entries": ids[::-1]}, format="json", **stale).status_code == 412
        assert api.post(reorder, {"entries": ids[::-1]}, format="json").status_code == 200
        remove = reverse(
            "playbook-remove-entry",
            kwargs={"team_id": team.pk, "pk": book.pk, "entry_id": ids[0]},
        )
        assert api.delete(remove, **stale).status_code == 412
        assert api.delete(remove).status_code == 200
        book.refresh_from_db()
        assert book.version == 3
        versions = api.get(url(book, "history")).json()["results"]
        assert [v["version"] for v in versions] == [3, 2, 1]
        assert versions[1]["changes"][0]["field"] == "entries"

    def test_a_stale_body_version_counts_even_with_a_fresh_if_match(self, team, coaches):
        api = coaches[1][0]
        play = b.play(team)
        fresh = api.get(url(play))["ETag"]
        api.patch(url(play), {"notes": "x"}, format="json")
        newer = api.get(url(play))["ETag"]
        body = {"notes": "y", "version": 1}
        response = api.patch(url(play), body, format="json", HTTP_IF_MATCH=newer)
        assert response.status_code == 409
        listed = f"{fresh}, {newer}"
        assert (
            api.patch(url(play), {"notes": "z"}, format="json", HTTP_IF_MATCH=listed).status_code
            == 200
        )
        weak = api.patch(url(play), {"notes": "w"}, format="json", HTTP_IF_MATCH="W/" + newer)
        assert weak.status_code == 412  # If-Match compares strongly

    def test_restore_is_guarded_named_and_refuses_a_taken_name(self, team, coaches):
        api = coaches[1][0]
        play, other = b.play(team, name="Flood"), b.play(team, name="Other")
        first = play.history.latest().history_id
        api.patch(url(play), {"name": "Renamed"}, format="json")
        stale = api.post(url(play, "restore", history_id=first), HTTP_IF_MATCH='"1"')
        assert stale.status_code == 412
        api.patch(url(other), {"name": "Flood"}, format="json")
        taken = api.post(url(play, "restore", history_id=first))
        assert taken.status_code == 400 and "name" in taken.json()["errors"]
        api.patch(url(other), {"name": "Other"}, format="json")
        assert api.post(url(play, "restore", history_id=first)).status_code == 200
        latest = api.get(url(play, "history")).json()["results"][0]
        assert latest["reason"] == "restored version 1"


class TestEmptySaves:
    """Found by a probe: an empty PATCH made a new version, so other coaches' next save
    was refused as a conflict over nothing."""

    def test_an_edit_that_changes_nothing_makes_no_version(self, team, coaches):
        api = coaches[1][0]
        play = b.play(team, name="Flood")
        same = api.patch(url(play), {"name": "Flood"}, format="json")
        assert same.status_code == 200 and same.json()["version"] == 1
        assert api.patch(url(play), {}, format="json").json()["version"] == 1
        assert play.history.count() == 1
        changed = api.patch(url(play), {"notes": "new"}, format="json")
        assert changed.json()["version"] == 2 and play.history.count() == 2

    def test_restoring_the_current_version_does_nothing(self, team, coaches):
        api = coaches[1][0]
        route = b.route(team)
        current = route.history.latest().history_id
        response = api.post(url(route, "restore", history_id=current))
        assert response.status_code == 200 and response.json()["version"] == 1
        assert route.history.count() == 1
