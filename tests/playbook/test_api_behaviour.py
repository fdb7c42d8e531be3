import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from playbook import services
from playbook.models import Formation, Lineup, Play, PlaybookEntry, Route, Ruleset
from teams.models import Role
from tests.support import builders as b
from tests.support.api import errors
from tests.support.builders import player
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory
from tests.support.probe import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(team):
    return client_for(MembershipFactory(team=team, role=Role.COACH).user)


class TestFormations:
    def test_demo_bunch_warns_but_saves(self, api, team):
        slots = [dict(s) for s in b.TRIPS]
        slots[4] = {"role": "WR3", "x": 0.5, "y": 4.0}
        response = api.post(
            url(team, "formation"), {"name": "Bunch", "slots": slots}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["warnings"] == [
            "slots[4].x: 0.5 — WR3 is past the line of scrimmage (offside in NFL FLAG)"
        ]

    @pytest.mark.parametrize(
        ("change", "path", "text"),
        [
            ({0: {"role": "QB", "x": 1.0, "y": 0.0}}, "slots[0].x", "behind the line"),
            ({0: {"role": "QB", "x": -5.0, "y": 6.0}}, "slots[0].y", "within 5.0 yd"),
            ({1: {"role": "CENTER", "x": 0.0, "y": 1.0}}, "slots[1].y", "(0, 0)"),
            ({2: {"role": "WR4", "x": 0.0, "y": 10.0}}, "slots[2].role", "not a role"),
            ({2: {"role": "WR2", "x": 0.0, "y": 10.0}}, "slots[3].role", "appears twice"),
            ({2: {"role": "WR1", "x": 0.0, "y": 16.0}}, "slots[2].y", "off the field"),
            ({2: {"role": "WR1", "x": 0.0, "y": 7.2}}, "slots[3]", "at least 0.5 yd"),
        ],
    )
    def test_each_rule_names_field_and_value(self, api, team, change, path, text):
        slots = [dict(s) for s in b.TRIPS]
        for index, slot in change.items():
            slots[index] = slot
        response = api.post(url(team, "formation"), {"name": "Bad", "slots": slots}, format="json")
        found = errors(response)
        assert path in found, found
        assert text in found[path][0]
        assert not Formation.objects.filter(team=team, name="Bad").exists()

    def test_wrong_count_and_types(self, api, team):
        found = errors(
            api.post(url(team, "formation"), {"name": "X", "slots": b.TRIPS[:4]}, format="json")
        )
        assert "exactly 5" in found["slots"][0]
        bad = [dict(s) for s in b.TRIPS]
        bad[2]["x"] = "ten"
        found = errors(api.post(url(team, "formation"), {"name": "X", "slots": bad}, format="json"))
        assert "slots[2].x" in found
        found = errors(
            api.post(url(team, "formation"), {"name": "X", "slots": "nope"}, format="json")
        )
        assert "slots" in found

    def test_duplicate_name_and_external_id(self, api, team):
        b.formation(team, name="Trips", external_id="form_trips")
        found = errors(
            api.post(url(team, "formation"), {"name": "Trips", "slots": b.TRIPS}, format="json")
        )
        assert "already exists" in found["name"][0]
        body = {"name": "Other", "external_id": "form_trips", "slots": b.TRIPS}
        assert (
            "already exists"
            in errors(api.post(url(team, "formation"), body, format="json"))["external_id"][0]
        )

    def test_same_name_in_another_team_is_fine(self, api, team, other_team):
        b.formation(other_team, name="Trips")
        response = api.post(
            url(team, "formation"), {"name": "Trips", "slots": b.TRIPS}, format="json"
        )
        assert response.status_code == 201

    def test_positions_checked_against_ruleset(self, api, team):
        wide = Ruleset.objects.create(team=team, name="Wide", field_width=40)
        slots = [dict(s) for s in b.TRIPS]
        slots[2]["y"] = 18.0
        body = {"name": "Wide trips", "slots": slots}
        assert api.post(url(team, "formation"), body, format="json").status_code == 400
        body["ruleset"] = wide.pk
        assert api.post(url(team, "formation"), body, format="json").status_code == 201

    def test_patch_without_slots_keeps_them(self, api, team):
        form = b.formation(team)
        response = api.patch(url(team, "formation", form.pk), {"name": "Renamed"}, format="json")
        assert response.status_code == 200
        assert len(response.json()["slots"]) == 5

    def test_mirror_reuses_existing_mirror(self, api, team):
        form = b.formation(team, name="Trips Right")
        first = api.post(url(team, "formation", form.pk, "mirror"))
        assert first.status_code == 201
        assert first.json()["name"] == "Trips Right (mirror)"
        assert {s["role"]: s["y"] for s in first.json()["slots"]}["WR1"] == -10.0
        again = api.post(url(team, "formation", form.pk, "mirror"))
        assert again.json()["id"] == first.json()["id"]
        back = api.post(url(team, "formation", first.json()["id"], "mirror"))
        assert back.json()["id"] == form.pk


class TestRoutes:
    @pytest.mark.parametrize(
        ("points", "path", "text"),
        [
            ([], "breakpoints", "at least one"),
            (
                [{"x": 1, "y": 0, "time_ms": 100 * (i + 1)} for i in range(11)],
                "breakpoints",
                "at most 10",
            ),
            (
                [{"x": 6, "y": 0, "time_ms": 1400}, {"x": 6, "y": 3, "time_ms": 1300}],
                "breakpoints[1].time_ms",
                "1300 must be later than 1400",
            ),
            ([{"x": 6, "y": 0, "time_ms": 0}], "breakpoints[0].time_ms", "later than 0"),
            ([{"x": 20, "y": 0, "time_ms": 500}], "breakpoints[0]", "no one runs faster"),
        ],
    )
    def test_rules(self, api, team, points, path, text):
        found = errors(
            api.post(url(team, "route"), {"name": "R", "breakpoints": points}, format="json")
        )
        assert text in found[path][0], found

    def test_fast_leg_is_a_warning_with_speeds(self, api, team):
        body = {
            "name": "8 Out",
            "breakpoints": [{"x": 8, "y": 0, "time_ms": 1400}, {"x": 8, "y": 6, "time_ms": 1800}],
        }
        data = api.post(url(team, "route"), body, format="json").json()
        assert data["leg_speeds"] == [5.71, 15.0]
        assert data["warnings"] == [
            "breakpoints[1]: leg 2 needs 15.0 yd/s; faster than anyone runs, it will be run late"
        ]

    def test_editing_a_route_refreshes_play_warnings(self, api, team):
        route = b.route(team)
        play = b.play(team, routes={"WR1": route})
        assert play.warnings == []
        wide = [{"x": 8, "y": 0, "time_ms": 1400}, {"x": 8, "y": 8, "time_ms": 2400}]
        api.patch(url(team, "route", route.pk), {"breakpoints": wide}, format="json")
        play.refresh_from_db()
        assert "out of bounds" in play.warnings[0]

    def test_in_use_route_delete_is_409_then_force(self, api, team):
        route = b.route(team)
        play = b.play(team, routes={"WR1": route}, name="Flood")
        response = api.delete(url(team, "route", route.pk))
        assert response.status_code == 409
        assert "play 'Flood'" in response.json()["detail"]
        assert response.json()["used_by"] == [{"kind": "play", "id": play.pk, "name": "Flood"}]
        assert Route.objects.filter(pk=route.pk).exists()
        forced = api.delete(url(team, "route", route.pk) + "?force=true")
        assert forced.status_code == 200
        assert "play 'Flood'" in forced.json()["deleted"]
        assert not Play.objects.filter(pk=play.pk).exists()

    def test_force_delete_through_playbook_entries(self, api, team):
        play = b.play(team, name="Flood")
        book = services.playbook_write(
            team=team, data={"name": "Book"}, entries=[{"play": play, "call_number": "1"}]
        )
        assert api.delete(url(team, "formation", play.formation_id)).status_code == 409
        response = api.delete(url(team, "formation", play.formation_id) + "?force=1")
        assert response.status_code == 200
        assert not PlaybookEntry.objects.filter(playbook=book).exists()
        assert book.pk  # the playbook itself stays


class TestPlays:
    def test_create_embeds_names(self, api, team):
        form, route = b.formation(team, name="Trips"), b.route(team, name="Out")
        body = {
            "name": "Flood",
            "formation": form.pk,
            "assignments": [{"role": "WR1", "route": route.pk}, {"role": "QB", "route": None}],
            "qb_plan": {
                "progression": ["WR1"],
                "max_time_to_throw_ms": 2500,
                "scramble_allowed": True,
            },
            "motion": {"role": "WR3", "x": -1.0, "y": -2.0, "duration_ms": 800},
            "tags": [" flood ", "trips", "flood"],
            "notes": "Beats Cover 2 — hi/lo the flat defender",
        }
        data = api.post(url(team, "play"), body, format="json").json()
        assert data["formation_name"] == "Trips"
        assert data["assignments"][0] == {"role": "WR1", "route": route.pk, "route_name": "Out"}
        assert data["qb_plan"] == body["qb_plan"]
        # a plain shift, set at the snap, unless the coach says otherwise
        assert data["motion"] == {**body["motion"], "kind": "", "at_snap": False}
        assert data["kind"] == "PASS" and data["handoff"] is None
        assert data["tags"] == ["flood", "trips"]

    @pytest.mark.parametrize(
        ("change", "path", "text"),
        [
            (
                {"assignments": [{"role": "WR9", "route": None}]},
                "assignments[0].role",
                "not in the formation",
            ),
            ({"qb_plan": {"progression": ["WR3"]}}, "qb_plan.progression[0]", "no route"),
            ({"qb_plan": {"progression": ["WR1", "WR1"]}}, "qb_plan.progression[1]", "read twice"),
            (
                {"qb_plan": {"max_time_to_throw_ms": 400}},
                "qb_plan.max_time_to_throw_ms",
                "between 500",
            ),
            (
                {"qb_plan": {"max_time_to_throw_ms": 8000}},
                "qb_plan.max_time_to_throw_ms",
                "pass clock",
            ),
            (
                {"motion": {"role": "CENTER", "x": 0, "y": 2, "duration_ms": 500}},
                "motion.role",
                "cannot go",
            ),
            (
                {"motion": {"role": "WR3", "x": 2, "y": 2, "duration_ms": 500}},
                "motion.x",
                "behind the line",
            ),
            (
                {"motion": {"role": "WR3", "x": -1, "y": 2, "duration_ms": 50}},
                "motion.duration_ms",
                "100 to 5000",
            ),
        ],
    )
    def test_rules(self, api, team, change, path, text):
        """Keyed by the body's path, as DRF keys its own nested errors: a rule on
        `qb_plan.progression` answered under `progression[0]`, a path the body lacks."""
        form, route = b.formation(team), b.route(team)
        body = {
            "name": "Bad",
            "formation": form.pk,
            "assignments": [{"role": "WR1", "route": route.pk}],
            "qb_plan": {"progression": ["WR1"]},
            **change,
        }
        found = errors(api.post(url(team, "play"), body, format="json"))
        assert text in found[path][0], found

    def test_unknown_route_id_is_400(self, api, team):
        body = {
            "name": "X",
            "formation": b.formation(team).pk,
            "assignments": [{"role": "WR1", "route": 999999}],
        }
        assert "assignments[0].route" in errors(api.post(url(team, "play"), body, format="json"))

    def test_assignments_required_on_create(self, api, team):
        body = {"name": "X", "formation": b.formation(team).pk}
        assert "assignments" in errors(api.post(url(team, "play"), body, format="json"))

    def test_patch_keeps_assignments_and_clears_motion(self, api, team):
        play = b.play(team, motion_role="WR3", motion_x=-1.0, motion_y=0.0, motion_duration_ms=500)
        response = api.patch(
            url(team, "play", play.pk), {"notes": "x", "motion": None}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert len(response.json()["assignments"]) == 5
        assert response.json()["motion"] is None

    def test_mirror_and_duplicate(self, api, team):
        play = b.play(
            team,
            name="Flood",
            motion_role="WR3",
            motion_x=-1.0,
            motion_y=2.0,
            motion_duration_ms=500,
        )
        mirror = api.post(url(team, "play", play.pk, "mirror")).json()
        assert mirror["name"] == "Flood (mirror)"
        assert mirror["formation_name"].endswith("(mirror)")
        assert mirror["motion"]["y"] == -2.0
        routes = {a["role"]: a["route_name"] for a in mirror["assignments"] if a["route"]}
        assert all(name.endswith("(mirror)") for name in routes.values())
        again = api.post(url(team, "play", play.pk, "mirror")).json()
        assert again["name"] == "Flood (mirror 2)"
        assert again["formation"] == mirror["formation"]  # reused, not copied again
        copy = api.post(url(team, "play", play.pk, "duplicate")).json()
        assert copy["name"] == "Flood (copy)"
        assert copy["formation"] == play.formation_id

    def test_duplicate_takes_the_name_in_the_body(self, api, team):
        """`{"name": …}` was ignored: the copy was always "<name> (copy)"."""
        play = b.play(team, name="Flood")
        link = url(team, "play", play.pk, "duplicate")
        copy = api.post(link, {"name": "Flood Right"}, format="json")
        assert copy.status_code == 201 and copy.json()["name"] == "Flood Right"
        assert (
            copy.json()["assignments"] == api.get(url(team, "play", play.pk)).json()["assignments"]
        )
        before = Play.objects.count()
        taken = errors(api.post(link, {"name": "Flood Right"}, format="json"))
        assert taken["name"] == ["A play called 'Flood Right' already exists in this team."]
        assert (
            "120 characters"
            in errors(api.post(link, {"name": "x" * 500}, format="json"))["name"][0]
        )
        assert Play.objects.count() == before
        assert api.post(link, {"name": ""}, format="json").json()["name"] == "Flood (copy)"

    def test_search_tag_and_filters(self, api, team):
        b.play(team, name="Trips Flood", tags=["flood"], notes="hi-lo the corner")
        b.play(team, name="Mesh", tags=["floods"], notes="crossers")
        b.play(team, name="Smash", notes="Corner over hitch")
        names = lambda r: sorted(p["name"] for p in r.json()["results"])  # noqa: E731
        # "floods" matches too: a contains match on SQLite, English stemming on PostgreSQL.
        assert names(api.get(url(team, "play") + "?q=flood")) == ["Mesh", "Trips Flood"]
        assert names(api.get(url(team, "play") + "?q=corner")) == ["Smash", "Trips Flood"]
        assert names(api.get(url(team, "play") + "?q=crossers")) == ["Mesh"]
        assert names(api.get(url(team, "play") + "?tag=flood")) == ["Trips Flood"]
        assert names(api.get(url(team, "play") + "?search=mesh")) == ["Mesh"]
        assert api.get(url(team, "play") + "?situation=4TH_AND_LONG").status_code == 400
        assert api.get(url(team, "play") + "?formation=abc").status_code == 400

    def test_situation_filter_uses_playbooks(self, api, team):
        flood, mesh = b.play(team, name="Flood"), b.play(team, name="Mesh")
        services.playbook_write(
            team=team,
            data={"name": "Book"},
            entries=[
                {"play": flood, "call_number": "1", "situations": ["3RD_SHORT"]},
                {"play": mesh, "call_number": "2", "situations": ["1ST_ANY"]},
            ],
        )
        response = api.get(url(team, "play") + "?situation=3RD_SHORT")
        assert [p["name"] for p in response.json()["results"]] == ["Flood"]

    def test_list_queries_do_not_grow(self, api, team):
        b.play(team)
        with CaptureQueriesContext(connection) as one:
            api.get(url(team, "play"))
        for _ in range(10):
            b.play(team)
        with CaptureQueriesContext(connection) as eleven:
            assert api.get(url(team, "play")).json()["count"] == 11
        assert len(eleven) == len(one) <= 8


class TestMessages:
    """What a frontend shows its user when DRF's own checks refuse a field."""

    def test_a_bad_choice_lists_the_valid_values(self, api, team):
        found = errors(
            api.post(
                url(team, "scenario"),
                {"name": "S", "shell": "COVER_2", "defenders": b.COVER2},
                format="json",
            )
        )
        assert found["shell"] == [
            '"COVER_2" is not a valid choice; use one of: COVER0, COVER1, COVER2, COVER3, '
            "COVER4, OTHER."
        ]
        found = errors(api.patch(url(team, "play", b.play(team).pk), {"kind": "PUNT"}))
        assert "use one of: PASS, RUN, TRICK." in found["kind"][0]

    def test_an_unknown_id_names_the_kind_and_the_team(self, api, team, other_team):
        form = b.formation(team)
        theirs = b.route(other_team)
        body = {"name": "P", "formation": form.pk, "assignments": [{"role": "WR1", "route": 0}]}
        body["assignments"][0]["route"] = theirs.pk
        found = errors(api.post(url(team, "play"), body, format="json"))
        assert found["assignments[0].route"] == [f"No route {theirs.pk} in this team."]


class TestScenarios:
    @pytest.mark.parametrize(
        ("index", "change", "path", "text"),
        [
            (4, {"duty": "RUSH", "x": 8.0}, "defenders", "at most 1"),
            (2, {"x": 5.0}, "defenders[2].x", "at least 7.0 yd"),
            (0, {"x": 0.0}, "defenders[0].x", "past the line"),
            (0, {"y": 30.0}, "defenders[0].y", "off the field"),
            (4, {"man_target": "QBX"}, "defenders[4].man_target", "not an offensive role"),
            (0, {"zone_radius": None}, "defenders[0].zone_x", "landmark"),
            (0, {"duty": "ZON"}, "defenders[0].duty", "not MAN, ZONE or RUSH"),
            (1, {"slot": "D1"}, "defenders[1].slot", "appears twice"),
        ],
    )
    def test_rules(self, api, team, index, change, path, text):
        defenders = [dict(d) for d in b.COVER2]
        defenders[index].update(change)
        found = errors(
            api.post(url(team, "scenario"), {"name": "S", "defenders": defenders}, format="json")
        )
        assert text in found[path][0], found

    def test_man_defaults_to_auto_and_rushers_count(self, api, team):
        defenders = [dict(d) for d in b.COVER2]
        defenders[4].pop("man_target")
        data = api.post(
            url(team, "scenario"), {"name": "S", "defenders": defenders}, format="json"
        ).json()
        assert data["defenders"][4]["man_target"] == "auto"
        assert data["rushers_count"] == 1

    def test_not_applicable_is_null_for_every_duty(self, api, team):
        """A zone defender's man_target read "" while a man defender's zone fields read
        null: one way to say "not applicable" (null), and null is accepted back."""
        data = api.post(
            url(team, "scenario"), {"name": "S", "defenders": b.COVER2}, format="json"
        ).json()
        by_duty = {d["duty"]: d for d in data["defenders"]}
        assert by_duty["ZONE"]["man_target"] is None and by_duty["RUSH"]["man_target"] is None
        assert by_duty["MAN"]["zone_x"] is None and by_duty["MAN"]["man_target"] == "auto"
        again = api.put(
            url(team, "scenario", data["id"]),
            {"name": "S", "defenders": data["defenders"]},
            format="json",
        )
        assert again.status_code == 200, again.json()
        assert again.json()["defenders"] == data["defenders"]


class TestPlayersLineupsRulesets:
    def test_player_defaults_visible_and_ranges(self, api, team):
        data = api.post(
            url(team, "player"), {"name": "Ana", "side": "DEFENSE", "role": "D1"}, format="json"
        ).json()
        assert data["man_coverage"] == 70.0 and data["reaction_time_ms"] == 250.0
        found = errors(
            api.post(
                url(team, "player"),
                {
                    "name": "Bo",
                    "side": "OFFENSE",
                    "role": "WR1",
                    "speed": 101,
                    "release_time_ms": 900,
                },
                format="json",
            )
        )
        assert set(found) >= {"speed", "release_time_ms"}
        found = errors(
            api.post(
                url(team, "player"), {"name": "Cy", "side": "OFFENSE", "role": "D1"}, format="json"
            )
        )
        assert "not a offense role" in found["role"][0] or "offense role" in found["role"][0]

    def test_player_rating_filters(self, api, team):
        player(team, name="Fast", speed=95)
        player(team, name="Slow", speed=60)
        response = api.get(url(team, "player") + "?speed__gte=90")
        assert [p["name"] for p in response.json()["results"]] == ["Fast"]
        assert api.get(url(team, "player") + "?side=GOALIE").status_code == 400

    def test_lineup_side_must_match(self, api, team):
        d = player(team, side="DEFENSE", role="D1", name="Def")
        found = errors(
            api.post(
                url(team, "lineup"),
                {"name": "L", "spots": [{"role": "QB", "player": d.pk}]},
                format="json",
            )
        )
        assert "offense player" in found["spots[0].player"][0]

    def test_build_default_lineup(self, api, team):
        player(team, role="QB", name="Q")
        player(team, role="WR1", name="W")
        player(team, side="DEFENSE", role="D1", name="D")
        data = api.post(url(team, "lineup") + "build-default/").json()
        assert data["is_default"] is True
        assert {s["role"] for s in data["spots"]} == {"QB", "WR1", "D1"}
        api.post(url(team, "lineup") + "build-default/")
        assert Lineup.objects.filter(team=team, is_default=True).count() == 1

    def test_default_ruleset(self, api, team):
        default = Ruleset.objects.get(team=team, is_default=True)
        assert default.name == "NFL FLAG 5v5" and default.field_width == 30
        assert "default" in errors(api.delete(url(team, "ruleset", default.pk)))["is_default"][0]
        wide = Ruleset.objects.create(team=team, name="Standard 5v5", field_width=40)
        assert api.post(url(team, "ruleset", wide.pk, "make-default")).json()["is_default"] is True
        default.refresh_from_db()
        assert not default.is_default
        assert api.delete(url(team, "ruleset", default.pk)).status_code == 204

    def test_ruleset_change_refreshes_warnings(self, api, team):
        rules = Ruleset.objects.create(team=team, name="Wide", field_width=40)
        form = b.formation(team, ruleset=rules)
        wide_slots = [{**s, "y": s["y"] * 1.6} for s in b.TRIPS]
        services.formation_write(team=team, data={}, slots=wide_slots, instance=form)
        play = b.play(team, form=form, ruleset=rules)
        assert play.warnings == []
        api.patch(url(team, "ruleset", rules.pk), {"field_width": 34}, format="json")
        play.refresh_from_db()
        assert any("out of bounds" in w for w in play.warnings)


class TestPlaybooks:
    def test_entries_add_remove_reorder_and_call_sheet(self, api, team):
        flood, mesh, smash = (b.play(team, name=n) for n in ("Flood", "Mesh", "Smash"))
        book = api.post(url(team, "playbook"), {"name": "Game 1"}, format="json").json()
        add = lambda play, call, **kw: api.post(  # noqa: E731
            url(team, "playbook", book["id"], "add-entry"),
            {"play": play.pk, "call_number": call, **kw},
            format="json",
        )
        assert add(flood, "21", situations=["3RD_SHORT"]).status_code == 201
        assert add(mesh, "22", situations=["1ST_ANY", "3RD_SHORT"]).status_code == 201
        data = add(smash, "10", position=0).json()
        assert [e["play_name"] for e in data["entries"]] == ["Smash", "Flood", "Mesh"]
        assert "already used" in errors(add(b.play(team), "21"))["entries[3].call_number"][0]
        assert "already in the playbook" in errors(add(flood, "99"))["entries[3].play"][0]
        assert "situations[0]" in str(errors(add(b.play(team), "98", situations=["4TH"])))
        ids = [e["id"] for e in data["entries"]]
        reordered = api.post(
            url(team, "playbook", book["id"], "reorder"), {"entries": ids[::-1]}, format="json"
        ).json()
        assert [e["play_name"] for e in reordered["entries"]] == ["Mesh", "Flood", "Smash"]
        assert (
            api.post(
                url(team, "playbook", book["id"], "reorder"), {"entries": ids[:1]}, format="json"
            ).status_code
            == 400
        )
        sheet = api.get(url(team, "playbook", book["id"], "call-sheet")).json()
        assert [g["situation"] for g in sheet] == ["1ST_ANY", "3RD_SHORT", None]
        assert [e["play_name"] for e in sheet[1]["entries"]] == ["Mesh", "Flood"]
        removed = api.delete(
            reverse(
                "playbook-remove-entry",
                kwargs={"team_id": team.pk, "pk": book["id"], "entry_id": ids[0]},
            )
        )
        assert removed.status_code == 200
        assert [e["play_name"] for e in removed.json()["entries"]] == ["Mesh", "Flood"]
        assert Play.objects.filter(pk=smash.pk).exists()


class TestRulesetChangesKeepObjectsValid:
    def test_api_refuses_a_pass_clock_below_a_plays_time_to_throw(self, api, team):
        default = Ruleset.objects.get(team=team, is_default=True)
        play = b.play(team, name="Deep Shot", max_time_to_throw_ms=5000)
        response = api.patch(
            url(team, "ruleset", default.pk), {"pass_clock_ms": 4000}, format="json"
        )
        assert response.status_code == 400
        text = " ".join(response.json()["errors"]["non_field_errors"])
        assert "play 'Deep Shot': max_time_to_throw_ms" in text
        default.refresh_from_db()
        assert default.pass_clock_ms == 7000
        assert Play.objects.get(pk=play.pk).max_time_to_throw_ms == 5000

    def test_admin_refuses_it_too(self, client, team):
        from tests.support.factories import UserFactory

        staff = UserFactory(is_staff=True)
        MembershipFactory(team=team, user=staff, role=Role.OWNER)
        default = Ruleset.objects.get(team=team, is_default=True)
        b.play(team, name="Deep Shot", max_time_to_throw_ms=5000)
        client.force_login(staff)
        data = {
            f.name: getattr(default, f.name)
            for f in Ruleset._meta.concrete_fields
            if f.name not in ("id", "team", "created_at", "updated_at", "is_default")
        }
        data["pass_clock_ms"] = 4000
        response = client.post(reverse("admin:playbook_ruleset_change", args=[default.pk]), data)
        assert response.status_code == 200
        assert "Deep Shot" in response.content.decode()
        default.refresh_from_db()
        assert default.pass_clock_ms == 7000
