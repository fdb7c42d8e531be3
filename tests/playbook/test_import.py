"""The FieldOS JSON importer: the demo files, the defense-call mapping, idempotence,
dry runs, conflicts, all-or-nothing, every bad input of issue 5, the command and the
API endpoint."""

import copy
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from football.duties import defenders_from_call
from playbook.interchange import (
    MAX_FILE_BYTES,
    FieldOSImportError,
    fieldos_export,
    fieldos_import,
    sources_from_bytes,
    sources_from_data,
    sources_from_paths,
)
from playbook.models import (
    Formation,
    Lineup,
    Play,
    Player,
    Route,
    Ruleset,
    Scenario,
)
from teams.models import Role
from tests.support import builders as b
from tests.support.clients import client_for
from tests.support.factories import MembershipFactory, TeamFactory

DEMO_DIR = settings.BASE_DIR / "fixtures" / "fieldos-demo"
FILES = ("rules", "players", "formations", "routes", "scenarios", "plays")


def demo():
    """The demo files as {kind: [objects]}, fresh copies each time."""
    return {kind: json.loads((DEMO_DIR / f"{kind}.json").read_text()) for kind in FILES}


def run(team, data, **kwargs):
    """Import one file per kind, labelled like the files (plays.json[3] …)."""
    sources = [
        s for kind, items in data.items() for s in sources_from_data(f"{kind}.json", items, kind)
    ]
    return fieldos_import(team=team, sources=sources, **kwargs)


def refused(team, data, **kwargs):
    """The import fails, names its errors, and the team is exactly as before."""
    before = fieldos_export(team)
    with pytest.raises(FieldOSImportError) as exc:
        run(team, data, **kwargs)
    assert fieldos_export(team) == before
    return "\n".join(exc.value.lines())


def counts(summary, kind):
    c = summary.kinds[kind]
    return c["created"], c["updated"], c["unchanged"]


def all_warnings(summary):
    return [w for c in summary.kinds.values() for w in c["warnings"]] + summary.warnings


def ids_used_by_plays(kind):
    data = demo()
    if kind == "formations":
        ids = {f["id"] for f in data["formations"]} | {p["formation"]["id"] for p in data["plays"]}
    else:
        ids = {r["id"] for r in data["routes"]} | {
            r["id"] for p in data["plays"] for r in p["assignments"].values() if r
        }
    return ids


@pytest.fixture
def imported(team):
    summary = fieldos_import(team=team, sources=sources_from_paths([DEMO_DIR]))
    return team, summary


# --- the demo files ---------------------------------------------------------------------


@pytest.mark.django_db
class TestDemoImport:
    def test_counts(self, imported):
        team, summary = imported
        assert counts(summary, "players") == (10, 0, 0)
        assert counts(summary, "rules") == (2, 0, 0)
        assert counts(summary, "scenarios") == (8, 0, 0)
        assert counts(summary, "plays") == (8, 0, 0)
        assert counts(summary, "formations") == (len(ids_used_by_plays("formations")), 0, 0)
        assert counts(summary, "routes") == (len(ids_used_by_plays("routes")), 0, 0)
        assert Player.objects.filter(team=team).count() == 10
        rulesets = set(Ruleset.objects.filter(team=team).values_list("external_id", flat=True))
        assert rulesets == {"nfl_flag_5v5", "rules_standard", "rules_compressed"}
        assert Scenario.objects.filter(team=team).count() == 8
        assert Play.objects.filter(team=team).count() == 8

    def test_every_formation_and_route_the_plays_use_including_embedded_only(self, imported):
        team, _ = imported
        formations = set(Formation.objects.filter(team=team).values_list("external_id", flat=True))
        routes = set(Route.objects.filter(team=team).values_list("external_id", flat=True))
        assert formations == ids_used_by_plays("formations") and len(formations) == 9
        assert routes == ids_used_by_plays("routes") and len(routes) == 34
        assert "form_bunch_tight" in formations  # exists only inside plays
        assert {"route_wheel", "route_center_drag"} <= routes

    def test_embedded_objects_become_shared_objects(self, imported):
        team, _ = imported
        go = Route.objects.get(team=team, external_id="route_go")
        users = set(go.assignments.values_list("play__external_id", "role"))
        assert users == {
            ("play_twins_smash", "WR3"),
            ("play_spread_vertical", "WR1"),
            ("play_spread_vertical", "WR3"),
        }
        bunch = Formation.objects.get(team=team, external_id="form_bunch_tight")
        assert bunch.plays.count() == 5

    def test_expected_warnings(self, imported):
        team, summary = imported
        formation = summary.kinds["formations"]["warnings"]
        assert any(
            w.startswith("plays.json[1] (play_bunch_slants): formation.slots[4].x: 0.5")
            and "WR3 is past the line of scrimmage" in w
            for w in formation
        )
        assert any(w.startswith("formations.json[4] (form_bunch): slots[4].x") for w in formation)
        fast = [w for w in summary.kinds["routes"]["warnings"] if "faster than anyone runs" in w]
        assert any(w.startswith("routes.json[7] (route_out_8): breakpoints[1]") for w in fast)
        assert any("(play_bunch_wheel): assignments.WR3.breakpoints[1]" in w for w in fast)
        bunch = Formation.objects.get(team=team, external_id="form_bunch_tight")
        assert any("WR3 is past the line of scrimmage" in w for w in bunch.warnings)
        assert Route.objects.get(team=team, external_id="route_out_8").warnings

    def test_play_mapping(self, imported):
        team, _ = imported
        play = Play.objects.get(team=team, external_id="play_trips_flood")
        assert play.name == "Trips Flood"
        assert play.formation.external_id == "form_trips_right"
        assert play.progression == ["WR2", "WR3", "WR1", "CENTER"]
        assert play.max_time_to_throw_ms == 3000 and play.scramble_allowed is False
        routes = {a.role: a.route and a.route.external_id for a in play.assignments.all()}
        assert routes == {
            "QB": None,
            "CENTER": "route_center_drag",
            "WR1": "route_corner_14",
            "WR2": "route_out_8",
            "WR3": "route_stop_5",
        }
        slant = Route.objects.get(team=team, external_id="route_slant_8")
        assert slant.breakpoint_data() == [
            {"x": 2.0, "y": 0.0, "time_ms": 400},
            {"x": 8.0, "y": 3.0, "time_ms": 1400},
        ]

    def test_ruleset_mapping(self, imported):
        team, _ = imported
        standard = Ruleset.objects.get(team=team, external_id="rules_standard")
        assert (standard.name, standard.field_width, standard.field_length) == (
            "Standard 5v5",
            40.0,
            80.0,
        )
        assert (standard.endzone_depth, standard.no_run_zone_depth) == (10.0, 5.0)
        assert (standard.downs_to_convert, standard.line_to_gain, standard.rush_distance) == (
            3,
            25.0,
            7.0,
        )
        assert (standard.rush_delay_ms, standard.max_rushers, standard.qb_can_run) == (0, 1, False)
        assert (standard.allow_motion, standard.motion_lateral_only) == (True, True)
        assert (standard.td_points, standard.pat1_points, standard.pat2_points) == (6, 1, 2)
        compressed = Ruleset.objects.get(team=team, external_id="rules_compressed")
        assert (compressed.field_width, compressed.field_length, compressed.endzone_depth) == (
            30.0,
            60.0,
            8.0,
        )
        assert Ruleset.objects.get(team=team, is_default=True).external_id == "nfl_flag_5v5"
        scenario = Scenario.objects.get(team=team, external_id="scenario_cover2_no_rush")
        assert scenario.ruleset == standard

    def test_players_and_default_lineup(self, imported):
        team, summary = imported
        qb = Player.objects.get(team=team, external_id="player_qb1")
        assert (qb.side, qb.role, qb.throw_power, qb.release_time_ms) == (
            "OFFENSE",
            "QB",
            85.0,
            350.0,
        )
        center = Player.objects.get(team=team, external_id="player_center1")
        assert center.change_of_direction == 70.0  # not in the file: the visible default
        lineup = Lineup.objects.get(team=team, is_default=True)
        assert lineup.spots.count() == 10
        assert counts(summary, "lineups") == (1, 0, 0)


# --- defense_call → defender assignments (docs/domain.md, Defense calls) -----------------


def duties(team, scenario_id):
    scenario = Scenario.objects.get(team=team, external_id=scenario_id)
    return {d.slot: d for d in scenario.defenders.all()}


@pytest.mark.django_db
class TestDefenseCall:
    def test_man_with_rush(self, imported):
        team, _ = imported
        d = duties(team, "scenario_man_with_rush")
        assert (d["D3"].duty, d["D3"].x, d["D3"].y) == ("RUSH", 7.0, 0.0)
        for slot in ("D1", "D2", "D5"):
            assert (d[slot].duty, d[slot].man_target, d[slot].x) == ("MAN", "auto", 2.0)
        # Cover 1: the safety lines up at (12, 0) and drops to the deep middle at the snap;
        # the lone deep defender's zone reaches 1 yd from each sideline (40-yd field)
        assert (d["D4"].duty, d["D4"].x, d["D4"].zone_x, d["D4"].zone_y) == ("ZONE", 12, 14, 0)
        assert d["D4"].zone_radius == 19.0
        scenario = Scenario.objects.get(team=team, external_id="scenario_man_with_rush")
        assert (scenario.coverage, scenario.shell, scenario.rushers_count) == ("MAN", "COVER1", 1)
        assert scenario.notes.startswith("3 man on WRs")

    def test_zone_without_rush(self, imported):
        team, _ = imported
        d = duties(team, "scenario_cover2_no_rush")
        assert {x.duty for x in d.values()} == {"ZONE"}
        # Cover 2 on the demo's 40-yd field: the corner at (5, -10) plays the flat at 0.67 of
        # the half width, the safety at (12, -8) the deep half at 0.47 of it
        assert (d["D1"].zone_x, d["D1"].zone_y, d["D1"].zone_radius) == (5.0, -13.4, 5.0)
        assert (d["D2"].zone_x, d["D2"].zone_y, d["D2"].zone_radius) == (13.0, -9.4, 8.0)

    def test_rusher_is_over_the_ball_and_at_least_rush_distance_deep(self, imported):
        team, _ = imported
        d = duties(team, "scenario_3_1_with_rush")  # D2 (5,0) too shallow, D4 (14,0) deeper
        assert [s for s, x in d.items() if x.duty == "RUSH"] == ["D3"]
        assert (d["D2"].duty, d["D2"].zone_radius) == ("ZONE", 5.0)
        d = duties(team, "scenario_cover1_mlb_rush")  # rusher_position: CENTER
        assert [s for s, x in d.items() if x.duty == "RUSH"] == ["D3"]

    def test_man_defenders_deeper_than_5_yards_play_zone(self, imported):
        team, _ = imported
        d = duties(team, "scenario_man_zone_lb_no_rush")
        assert [s for s, x in d.items() if x.duty == "MAN"] == ["D1", "D4", "D5"]
        assert (d["D2"].duty, d["D2"].zone_radius) == ("ZONE", 5.0)  # x 6: underneath
        assert (d["D3"].duty, d["D3"].zone_radius) == ("ZONE", 19.0)  # x 12: the lone deep one
        d = duties(team, "scenario_redzone_tight_man")
        # Cover 1: the safety at 8 yd is the one deep defender: the deep middle, sideline to
        # sideline
        assert d["D3"].duty == "RUSH" and (d["D4"].duty, d["D4"].zone_radius) == ("ZONE", 19.0)
        scenario = Scenario.objects.get(team=team, external_id="scenario_redzone_tight_man")
        assert (scenario.position_jitter_yards, scenario.reaction_jitter_ms) == (0.3, 40.0)

    def test_the_mapping_as_a_function(self):
        positions = {"D1": (2.0, 10.0), "D2": (7.0, 3.0), "D3": (9.0, 0.0), "D4": (12.0, 0.0)}
        rows, missing = defenders_from_call(positions, "MAN", 1, 7.0)
        assert missing == 0
        assert {r["slot"]: r["duty"] for r in rows} == {
            "D1": "MAN",
            "D2": "ZONE",
            "D3": "RUSH",
            "D4": "ZONE",
        }
        _, missing = defenders_from_call({"D1": (2.0, 0.0)}, "ZONE", 1, 7.0)
        assert missing == 1

    def test_a_rusher_nobody_can_be_is_an_error(self, team):
        data = demo()
        scenario = data["scenarios"][3]
        for point in scenario["defender_start_positions"].values():
            point["x"] = min(point["x"], 5.0)
        message = refused(team, {"scenarios": [scenario]})
        assert "scenarios.json[0] (scenario_man_with_rush): defense_call.rushers_count" in message
        assert "at least 7.0 yd deep" in message


# --- idempotent, dry run, updates, conflicts, all or nothing ------------------------------


@pytest.mark.django_db
class TestRuns:
    def test_second_run_changes_nothing(self, imported):
        team, _ = imported
        again = fieldos_import(team=team, sources=sources_from_paths([DEMO_DIR]))
        assert not again.changed
        for kind, c in again.kinds.items():
            assert (c["created"], c["updated"]) == (0, 0), kind
        assert counts(again, "plays") == (0, 0, 8)
        assert counts(again, "routes") == (0, 0, 34)
        assert any("WR3 is past the line" in w for w in again.kinds["formations"]["warnings"])

    def test_dry_run_writes_nothing(self, team):
        summary = fieldos_import(team=team, sources=sources_from_paths([DEMO_DIR]), dry_run=True)
        assert summary.dry_run and summary.as_dict()["written"] is False
        assert counts(summary, "plays") == (8, 0, 0)
        assert counts(summary, "routes") == (34, 0, 0)
        assert not Play.objects.filter(team=team).exists()
        assert not Route.objects.filter(team=team).exists()
        assert not Lineup.objects.filter(team=team).exists()
        assert Ruleset.objects.filter(team=team).count() == 1

    def test_dry_run_reports_updates(self, imported):
        team, _ = imported
        data = demo()
        data["plays"][0]["qb_plan"]["max_time_to_throw_ms"] = 2600
        summary = run(team, data, dry_run=True)
        assert counts(summary, "plays") == (0, 1, 7)
        assert Play.objects.get(team=team, external_id="play_trips_flood").max_time_to_throw_ms == (
            3000
        )

    def test_update_by_external_id(self, imported):
        team, _ = imported
        play = Play.objects.get(team=team, external_id="play_trips_flood")
        data = demo()
        data["plays"][0]["name"] = "Trips Flood Deep"
        data["plays"][0]["qb_plan"]["max_time_to_throw_ms"] = 2600
        summary = run(team, data)
        assert counts(summary, "plays") == (0, 1, 7)
        play.refresh_from_db()
        assert (play.name, play.max_time_to_throw_ms) == ("Trips Flood Deep", 2600)
        assert Play.objects.filter(team=team).count() == 8

    def test_same_id_twice_with_different_content_is_a_conflict(self, team):
        data = demo()
        go = next(r for r in data["routes"] if r["id"] == "route_go")
        go["breakpoints"][1]["time_ms"] = 3900
        message = refused(team, data)
        assert "plays.json[6] (play_twins_smash): assignments.WR3.id" in message
        assert "route 'route_go' is already defined differently at routes.json[6] (route_go)" in (
            message
        )
        assert "breakpoints differ" in message

    def test_same_id_twice_with_the_same_content_is_one_object(self, team):
        data = demo()
        data["plays"].append(copy.deepcopy(data["plays"][0]))
        summary = run(team, data)
        assert counts(summary, "plays") == (8, 0, 0)

    def test_a_late_error_rolls_back_everything(self, team):
        data = demo()
        data["plays"][7]["qb_plan"]["max_time_to_throw_ms"] = 9000
        message = refused(team, data)
        assert (
            "plays.json[7] (play_spread_vertical): qb_plan.max_time_to_throw_ms: 9000 — must be "
            "between 500 and the pass clock" in message
        )
        assert not Player.objects.filter(team=team).exists()
        assert not Route.objects.filter(team=team).exists()
        assert Ruleset.objects.filter(team=team).count() == 1

    def test_another_teams_objects_are_never_touched_or_referenced(self, team, other_team):
        fieldos_import(team=other_team, sources=sources_from_paths([DEMO_DIR]))
        theirs = fieldos_export(other_team)
        data = demo()
        play = data["plays"][0]
        play["assignments"]["WR1"] = "route_go"  # exists in the other team only
        message = refused(team, {"plays": [play]})
        assert "assignments.WR1: unknown route 'route_go'" in message
        run(team, demo())
        assert fieldos_export(other_team) == theirs

    def test_references_to_the_teams_own_objects_by_id(self, imported):
        team, _ = imported
        play = {
            "id": "play_new",
            "name": "New Play",
            "formation": "form_spread",
            "assignments": {"QB": None, "CENTER": None, "WR1": "route_go", "WR2": "route_slant_8"},
            "qb_plan": {"progression_roles": ["WR2", "WR1"]},
        }
        summary = run(team, {"plays": [play]})
        assert counts(summary, "plays") == (1, 0, 0)
        assert Play.objects.get(team=team, external_id="play_new").formation.name == "Spread"

    def test_name_taken_by_another_id_is_an_error_when_conflicts_fail(self, imported):
        team, _ = imported
        route = {"id": "route_other", "name": "Go (Vertical)", "breakpoints": []}
        route["breakpoints"] = [{"x_yards": 5.0, "y_yards": 0.0, "time_ms": 900}]
        message = refused(team, {"routes": [route]}, on_conflict="fail")
        assert "routes.json[0] (route_other): name: 'Go (Vertical)' is already the name of " in (
            message
        )

    def test_an_object_made_in_the_editor_is_adopted_by_name(self, team):
        made = b.route(team, name="8-Yard Slant")
        summary = run(team, {"routes": demo()["routes"][:1]})
        assert counts(summary, "routes") == (0, 1, 0)
        made.refresh_from_db()
        assert made.external_id == "route_slant_8"

    def test_unknown_fields_are_warnings_naming_them(self, team):
        data = demo()
        data["plays"][0]["personnel"] = "11"
        data["plays"][0]["formation"]["slots"][0]["stance"] = "shotgun"
        data["players"][0]["attributes"]["vision"] = 80
        data["scenarios"][0]["defense_call"]["blitz"] = False
        summary = run(team, data)
        warnings = all_warnings(summary)
        assert "plays.json[0] (play_trips_flood): personnel: not a FieldOS field; ignored" in (
            warnings
        )
        assert (
            "plays.json[0] (play_trips_flood): formation.slots[0].stance: not a FieldOS field; "
            "ignored"
        ) in summary.kinds["formations"]["warnings"]
        assert (
            "players.json[0] (player_qb1): attributes.vision: not a FieldOS rating; ignored"
            in summary.kinds["players"]["warnings"]
        )
        assert any("defense_call.blitz" in w for w in summary.kinds["scenarios"]["warnings"])

    def test_motion(self, team):
        data = demo()
        play = data["plays"][0]
        play["motion"] = {"role": "WR3", "to": {"x": -1, "y": -2}, "duration_ms": 800}
        run(team, data)
        stored = Play.objects.get(team=team, external_id="play_trips_flood")
        assert stored.motion == {
            "role": "WR3",
            "x": -1.0,
            "y": -2.0,
            "duration_ms": 800,
            "kind": "",
            "at_snap": False,
        }
        exported = next(p for p in fieldos_export(team)["plays"] if p["id"] == "play_trips_flood")
        assert exported["motion"] == {
            "role": "WR3",
            "to": {"x": -1.0, "y": -2.0},
            "duration_ms": 800,
        }

    def test_motion_past_the_line_is_an_error(self, team):
        play = demo()["plays"][0]
        play["motion"] = {"role": "WR3", "to": {"x": 2, "y": -2}, "duration_ms": 800}
        message = refused(team, {"plays": [play]})
        assert "plays.json[0] (play_trips_flood): motion.to.x: 2.0 — the motion must end" in message

    def test_unicode_names(self, team):
        data = demo()
        data["plays"][0]["name"] = "Flood — Señor Ñandú 🏈"
        data["formations"][1]["name"] = "Trips Ωmega"  # form_trips_left: not in any play
        data["players"][0]["name"] = "Zoë Łukasiewicz"
        run(team, data)
        assert Play.objects.get(team=team, external_id="play_trips_flood").name == (
            "Flood — Señor Ñandú 🏈"
        )
        assert Player.objects.filter(team=team, name="Zoë Łukasiewicz").exists()
        assert Formation.objects.filter(team=team, name="Trips Ωmega").exists()


# --- bad inputs: a clear error each, nothing changed --------------------------------------


@pytest.mark.django_db
class TestBadInput:
    def test_truncated_json(self, tmp_path, team):
        text = (DEMO_DIR / "plays.json").read_text()
        (tmp_path / "plays.json").write_text(text[: len(text) // 2])
        with pytest.raises(FieldOSImportError) as exc:
            sources_from_paths([tmp_path])
        assert exc.value.lines()[0].startswith(
            "plays.json: not valid JSON (truncated or malformed) at line"
        )

    @pytest.mark.parametrize(
        "content",
        [b'{"id": "play_x", "name": "X"}', b'"plays"', b"42", b"null"],
    )
    def test_top_level_must_be_a_list(self, content):
        with pytest.raises(FieldOSImportError) as exc:
            sources_from_bytes("plays.json", content)
        assert "plays.json: the top level must be a list of plays" in exc.value.lines()[0]

    def test_not_utf8_and_nan(self):
        with pytest.raises(FieldOSImportError, match="not UTF-8"):
            sources_from_bytes("plays.json", b"[\xff\xfe]")
        with pytest.raises(FieldOSImportError, match="NaN is not a number JSON allows"):
            sources_from_bytes("routes.json", b'[{"id": "r", "x": NaN}]')

    def test_wrong_types(self, team):
        data = demo()
        data["plays"][0]["formation"]["slots"][2]["position"]["x"] = "ten"
        data["plays"][1]["qb_plan"]["progression_roles"] = "WR1"
        data["players"][0]["attributes"]["speed"] = True
        data["routes"][0]["breakpoints"] = {"x_yards": 1}
        message = refused(team, data)
        assert (
            "plays.json[0] (play_trips_flood): formation.slots[2].position.x: expected a number, "
            "got the text 'ten'" in message
        )
        assert "plays.json[1] (play_bunch_slants): qb_plan.progression_roles: expected a list" in (
            message
        )
        assert "players.json[0] (player_qb1): attributes.speed: expected a number" in message
        assert "routes.json[0] (route_slant_8): breakpoints: expected a list of breakpoints" in (
            message
        )

    def test_missing_ids(self, team):
        data = demo()
        del data["plays"][2]["id"]
        del data["plays"][0]["assignments"]["WR1"]["id"]
        message = refused(team, data)
        assert "plays.json[2]: id: missing" in message
        assert "plays.json[0] (play_trips_flood): assignments.WR1.id: missing" in message

    def test_unknown_roles(self, team):
        data = demo()
        data["formations"][1]["slots"][2]["role"] = "WR4"
        data["players"][5]["role"] = "LB"
        data["plays"][0]["assignments"]["TE"] = None
        message = refused(team, data)
        assert "formations.json[1] (form_trips_left): slots[2].role: 'WR4' is not a role" in (
            message
        )
        assert "players.json[5] (player_d1): role: 'LB' is not a defense role" in message
        assert "plays.json[0] (play_trips_flood): assignments.TE: 'TE' is not in the formation" in (
            message
        )

    def test_positions_off_the_field(self, team):
        data = demo()
        data["formations"][1]["slots"][2]["position"]["y"] = 40.0
        data["scenarios"][0]["defender_start_positions"]["D1"]["y"] = -30.0
        message = refused(team, data)
        assert "formations.json[1] (form_trips_left): slots[2].y: 40.0 — off the field" in message
        assert (
            "scenarios.json[0] (scenario_cover2_no_rush): defender_start_positions.D1.y: -30.0 — "
            "off the field" in message
        )

    def test_a_route_too_fast_to_run(self, team):
        route = {
            "id": "route_teleport",
            "name": "Teleport",
            "breakpoints": [{"x_yards": 30.0, "y_yards": 0.0, "time_ms": 1000}],
        }
        message = refused(team, {"routes": [route]})
        assert "routes.json[0] (route_teleport): breakpoints[0]: leg 1 needs 30.0 yd/s" in message
        assert "no one runs faster than 25.0 yd/s" in message

    def test_a_play_referencing_an_unknown_route_id(self, team):
        data = demo()
        data["plays"][3]["assignments"]["WR2"] = "route_nope"
        message = refused(team, data)
        assert (
            "plays.json[3] (play_bunch_stick): assignments.WR2: unknown route 'route_nope': not "
            "in this import and not in the team" in message
        )

    def test_a_20_mb_file(self, tmp_path, team):
        big = tmp_path / "plays.json"
        with big.open("w") as f:
            f.write("[" + " " * (20 * 1024 * 1024) + "]")
        with pytest.raises(FieldOSImportError) as exc:
            sources_from_paths([big])
        assert exc.value.lines() == [
            "plays.json: 20.0 MB; files over 10.0 MB are refused. Split it (one file per kind, "
            "or fewer plays per file)."
        ]
        assert MAX_FILE_BYTES == 10 * 1024 * 1024

    def test_a_file_of_another_kind_in_the_wrong_slot(self, team):
        message = refused(team, {"plays": demo()["routes"]})
        assert message == (
            "plays.json: holds routes (objects with breakpoints), not plays; is the file in the "
            "wrong slot?"
        )

    def test_kind_from_content_when_the_name_says_nothing(self, tmp_path, team):
        (tmp_path / "export-2025.json").write_text(json.dumps(demo()["routes"]))
        summary = fieldos_import(team=team, sources=sources_from_paths([tmp_path]))
        assert counts(summary, "routes") == (11, 0, 0)

    def test_one_object_of_another_kind_in_a_list(self, team):
        data = demo()
        data["plays"].append(data["routes"][0])
        assert "plays.json[8]: this is a route, not a play" in refused(team, data)

    def test_an_unknown_kind_in_a_document(self):
        with pytest.raises(FieldOSImportError, match="unknown kind 'drills'"):
            sources_from_data("", {"plays": [], "drills": []})


# --- the command --------------------------------------------------------------------------


@pytest.mark.django_db
class TestCommand:
    def test_imports_a_directory_and_prints_the_summary(self, team, capsys):
        call_command("import_fieldos", "--team", team.slug, str(DEMO_DIR))
        out = capsys.readouterr().out
        assert "plays      created    8" in out
        assert "WR3 is past the line of scrimmage" in out
        assert Play.objects.filter(team=team).count() == 8

    def test_files_and_dry_run(self, team, capsys):
        files = [str(DEMO_DIR / f"{kind}.json") for kind in ("routes", "players")]
        call_command("import_fieldos", "--team", team.slug, *files, "--dry-run")
        assert "Dry run: nothing was written" in capsys.readouterr().out
        assert not Route.objects.filter(team=team).exists()
        call_command("import_fieldos", "--team", team.slug, *files)
        assert Route.objects.filter(team=team).count() == 11

    def test_bad_team_slug(self, team):
        with pytest.raises(CommandError, match="No team with slug 'nope'"):
            call_command("import_fieldos", "--team", "nope", str(DEMO_DIR))

    def test_bad_files(self, team, tmp_path):
        (tmp_path / "plays.json").write_text('[{"id": ')
        with pytest.raises(CommandError) as exc:
            call_command("import_fieldos", "--team", team.slug, str(tmp_path))
        assert "Import refused, nothing was written" in str(exc.value)
        assert "plays.json: not valid JSON" in str(exc.value)
        with pytest.raises(CommandError, match="no such file or directory"):
            call_command("import_fieldos", "--team", team.slug, str(tmp_path / "missing.json"))


# --- the API endpoint ---------------------------------------------------------------------


def import_url(team, dry_run=False):
    url = reverse("team-import", kwargs={"team_id": team.pk})
    return f"{url}?dry_run=true" if dry_run else url


@pytest.mark.django_db
class TestImportAPI:
    def test_coach_imports_a_json_body(self, team, coach):
        client = client_for(coach)
        response = client.post(import_url(team), demo(), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["written"] is True
        assert body["kinds"]["plays"]["created"] == 8
        assert body["kinds"]["players"]["created"] == 10
        again = client.post(import_url(team), demo(), format="json")
        assert again.status_code == 200
        assert again.json()["kinds"]["plays"] == {
            "created": 0,
            "updated": 0,
            "unchanged": 8,
            "warnings": again.json()["kinds"]["plays"]["warnings"],
        }

    def test_dry_run(self, team, owner):
        response = client_for(owner).post(import_url(team, dry_run=True), demo(), format="json")
        assert response.status_code == 200
        assert response.json()["dry_run"] is True
        assert response.json()["kinds"]["plays"]["created"] == 8
        assert not Play.objects.filter(team=team).exists()

    def test_multipart_upload_of_files(self, team, coach):
        files = {kind: (DEMO_DIR / f"{kind}.json").open("rb") for kind in FILES}
        try:
            body = {"files": list(files.values())}
            response = client_for(coach).post(import_url(team), body, format="multipart")
        finally:
            for f in files.values():
                f.close()
        assert response.status_code == 201, response.json()
        assert response.json()["kinds"]["scenarios"]["created"] == 8

    def test_bad_input_is_a_400_in_the_error_shape(self, team, coach):
        data = demo()
        data["plays"][3]["assignments"]["WR2"] = "route_nope"
        response = client_for(coach).post(import_url(team), data, format="json")
        assert response.status_code == 400
        body = response.json()
        assert (body["status"], body["code"]) == (400, "invalid")
        assert body["detail"].startswith("Import refused, nothing was written: 1 error(s).")
        assert body["errors"] == {
            "plays[3] (play_bunch_stick): assignments.WR2": [
                "unknown route 'route_nope': not in this import and not in the team"
            ]
        }
        assert not Player.objects.filter(team=team).exists()

    @pytest.mark.parametrize(
        "body",
        [{"plays": {"id": "x"}}, {"plays": []} | {"drills": []}, {"plays": demo()["routes"]}],
    )
    def test_bad_documents(self, team, coach, body):
        response = client_for(coach).post(import_url(team), body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"]

    def test_files_over_the_limit_are_refused(self, team, coach, tmp_path):
        big = tmp_path / "plays.json"
        big.write_text("[" + " " * (20 * 1024 * 1024) + "]")
        client = client_for(coach)
        with big.open("rb") as f:
            response = client.post(import_url(team), {"files": [f]}, format="multipart")
        assert response.status_code == 400
        assert "20.0 MB; files over 10.0 MB are refused" in response.json()["detail"]
        body = "[" + " " * (20 * 1024 * 1024) + "]"
        response = client.post(import_url(team), body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"]["body"][0].startswith("20.0 MB; files over 10.0 MB")

    def test_roles_and_isolation(self, team, other_team, member, outsider, api):
        url = import_url(team)
        assert api.post(url, demo(), format="json").status_code == 401
        assert client_for(member).post(url, demo(), format="json").status_code == 403
        assert client_for(outsider).post(url, demo(), format="json").status_code == 404
        assert not Play.objects.filter(team=team).exists()
        # the outsider's own team is untouched by an import into `team`
        theirs = TeamFactory()
        MembershipFactory(team=theirs, role=Role.COACH)
        fieldos_import(team=theirs, sources=sources_from_paths([DEMO_DIR]))
        before = fieldos_export(theirs)
        coach = MembershipFactory(team=team, role=Role.COACH).user
        assert client_for(coach).post(url, demo(), format="json").status_code == 201
        assert fieldos_export(theirs) == before
        assert Play.objects.filter(team=team).count() == 8


# --- the rest of the format -----------------------------------------------------------


@pytest.mark.django_db
class TestMoreShapes:
    def test_ruleset_units_and_no_run_zone(self, team):
        rules = demo()["rules"][0]
        rules["rush"]["rush_delay_seconds"] = 0.5
        rules["no_run_zone"]["enabled"] = False
        rules["pass_clock_ms"] = 6000
        run(team, {"rules": [rules]})
        stored = Ruleset.objects.get(team=team, external_id="rules_standard")
        assert (stored.rush_delay_ms, stored.no_run_zone_depth, stored.pass_clock_ms) == (
            500,
            0.0,
            6000,
        )

    def test_ruleset_errors(self, team):
        first, second = demo()["rules"]
        first["players_per_side"] = 12
        message = refused(team, {"rules": [first]})
        assert "rules.json[0] (rules_standard): players_per_side: Ensure this value" in message
        first, second = demo()["rules"]
        first["default"] = second["default"] = True
        assert "only one default ruleset per team" in refused(team, {"rules": [first, second]})
        first, _ = demo()["rules"]
        first["no_run_zone"]["depth_from_goal_yards"] = 7.0
        message = refused(team, {"rules": [first]})
        assert "no_run_zone.depth_from_goal_yards: 7.0 differs from field" in message

    def test_a_default_flag_makes_the_ruleset_the_default(self, team):
        rules = demo()["rules"][0]
        rules["default"] = True
        summary = run(team, {"rules": [rules]})
        assert Ruleset.objects.get(team=team, is_default=True).external_id == "rules_standard"
        assert counts(summary, "rules") == (1, 0, 0)

    def test_scenario_field_must_match_its_ruleset(self, team):
        scenario = demo()["scenarios"][0]
        scenario["field"]["width_yards"] = 35.0
        message = refused(team, {"scenarios": [scenario]})
        assert "field.width_yards: 35.0 differs from its ruleset 'rules_standard' (40.0)" in message

    def test_scenario_without_ruleset(self, team):
        scenario = demo()["scenarios"][0]
        del scenario["rules"]
        summary = run(team, {"scenarios": [scenario]})
        assert any("field: ignored" in w for w in summary.kinds["scenarios"]["warnings"])
        assert Scenario.objects.get(team=team).ruleset is None

    def test_defense_call_values(self, team):
        scenario = demo()["scenarios"][0]
        scenario["defense_call"]["shell"] = "TAMPA2"
        summary = run(team, {"scenarios": [scenario]})
        assert any("TAMPA2" in w for w in summary.kinds["scenarios"]["warnings"])
        assert Scenario.objects.get(team=team).shell == "OTHER"
        scenario["defense_call"]["type"] = "BLITZ"
        scenario["defense_call"]["rusher_position"] = "EDGE"
        message = refused(team, {"scenarios": [scenario]})
        assert "defense_call.type: the text 'BLITZ' is not MAN or ZONE" in message
        assert "defense_call.rusher_position" in message

    def test_explicit_defender_assignments(self, team):
        run(team, {"players": demo()["players"]})
        scenario = demo()["scenarios"][3]
        scenario["defender_assignments"] = {
            "D1": {"duty": "MAN", "man_target": "WR1"},
            "D2": {"duty": "MAN"},
            "D3": {"duty": "RUSH"},
            "D4": {"duty": "ZONE", "zone": {"x": 14.0, "y": 0.0, "radius": 10.0}},
            "D5": {"duty": "ZONE", "zone": {"x": 4.0, "y": 6.0, "radius": 4.0}},
        }
        scenario["defender_players"] = {"D1": "player_d1"}
        run(team, {"scenarios": [scenario]})
        d = duties(team, "scenario_man_with_rush")
        assert (d["D1"].man_target, d["D1"].player.external_id) == ("WR1", "player_d1")
        assert (d["D2"].man_target, d["D4"].zone_radius, d["D5"].zone_x) == ("auto", 10.0, 4.0)
        scenario["defense_call"]["rushers_count"] = 0
        scenario["defender_assignments"]["D5"] = {"duty": "BLOCK"}
        message = refused(team, {"scenarios": [scenario]})
        assert "defender_assignments.D5.duty: the text 'BLOCK' is not MAN, ZONE or RUSH" in message
        scenario["defender_assignments"]["D5"] = {"duty": "RUSH"}
        del scenario["defender_assignments"]["D4"]
        message = refused(team, {"scenarios": [scenario]})
        assert "defender_assignments.D4: missing" in message

    def test_lineups_and_playbooks(self, team):
        run(team, demo())
        lineup = {"id": "lineup_b", "name": "B team", "spots": {"QB": "player_qb1"}}
        book = {
            "id": "playbook_w1",
            "name": "Week 1",
            "entries": [{"play": "play_bunch_mesh", "call_number": 22, "situations": ["REDZONE"]}],
        }
        summary = run(team, {"lineups": [lineup], "playbooks": [book]})
        assert counts(summary, "lineups") == (1, 0, 0)
        assert counts(summary, "playbooks") == (1, 0, 0)
        assert Lineup.objects.get(team=team, external_id="lineup_b").spots.get().role == "QB"
        book["entries"][0]["situations"] = ["4TH_AND_LONG"]
        lineup["spots"] = {"QB": "player_d1"}
        message = refused(team, {"lineups": [lineup], "playbooks": [book]})
        assert "playbooks.json[0] (playbook_w1): entries[0].situations[0]: '4TH_AND_LONG'" in (
            message
        )
        assert "lineups.json[0] (lineup_b): spots.QB: Isaiah Brown plays defense" in message
