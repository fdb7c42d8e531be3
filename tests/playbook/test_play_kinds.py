"""Run and trick plays in the playbook: the kind, the handoff behind the line, QB keepers
only where the ruleset lets the QB run, motion kinds and a running start, the no-run
zones (API 400, admin form error), and the FieldOS round trip of these plays."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from football import plays as kinds
from playbook import services, validation
from playbook.interchange import (
    fieldos_export,
    fieldos_import,
    sources_from_data,
    sources_from_paths,
)
from playbook.models import Play, PlaybookEntry, Ruleset
from tests.playbook import builders as b
from tests.playbook.admin_factories import admin_url, inline_post
from tests.support.admin import PLAY_FIELDS, errors, staff
from tests.support.api import errors as api_errors
from tests.support.probe import url

pytestmark = pytest.mark.django_db
DEMO_DIR = settings.BASE_DIR / "fixtures" / "fieldos-demo"
RUNS = settings.BASE_DIR / "fixtures" / "demo-runs.json"
SECOND = settings.BASE_DIR / "tests" / "playbook" / "data" / "motion-and-trick-plays.json"
WHERE = {s["role"]: (s["x"], s["y"]) for s in b.TRIPS}


def sweep(**changes):
    return {
        "kind": kinds.RUN,
        "carrier": "WR3",
        "from": "QB",
        "x": -3.0,
        "y": -0.5,
        "time_ms": 400,
        "path": kinds.SWEEP,
        "trick": "",
        "progression": [],
        **changes,
    }


NFL = validation.Rules()


def check(handoff, rules=NFL, routed=("WR1", "WR2")):
    return validation._check_handoff(handoff, WHERE, set(routed), rules)


class TestValidation:
    def test_a_plain_handoff_is_valid(self):
        assert check(sweep()).ok

    @pytest.mark.parametrize(
        ("changes", "path", "text"),
        [
            ({"x": 1.0}, "mesh_x", "behind the line of scrimmage"),
            ({"x": -3.0, "y": 12.0}, "mesh_x", "a handoff or pitch is at most 8.0 yd"),
            ({"time_ms": 50}, "mesh_ms", "must be 100 to 3000 ms"),
            ({"time_ms": None}, "mesh_x", "Give the mesh point"),
            ({"carrier": "WR9"}, "ball_carrier", "not in the formation"),
            ({"carrier": ""}, "ball_carrier", "needs a ball carrier"),
            ({"path": "ZIGZAG"}, "run_path", "is not DIVE, SWEEP, REVERSE"),
        ],
    )
    def test_bad_handoffs_name_the_field(self, changes, path, text):
        report = check(sweep(**changes))
        assert any(text in m for m in report.errors[path]), report.errors

    def test_the_carrier_must_reach_the_mesh(self):
        report = check(sweep(time_ms=150, x=-4.5, y=-2.0))  # 7.5 yd in 0.15 s
        assert "give it more time" in report.errors["mesh_ms"][0]

    def test_qb_keeper_only_where_the_qb_may_run(self):
        keeper = sweep(carrier="QB", x=None, y=None, time_ms=None)
        refused = check(keeper)
        assert "does not let the QB run (qb_can_run is off)" in refused.errors["ball_carrier"][0]
        assert check(keeper, validation.Rules(qb_can_run=True)).ok

    def test_a_trick_play_needs_reads_with_routes(self):
        trick = sweep(kind=kinds.TRICK, trick=kinds.REVERSE_PASS, progression=[])
        assert "List the reads" in check(trick).errors["trick_progression"][0]
        trick["progression"] = ["WR3", "CENTER", "WR1"]
        errors = check(trick).errors
        assert "WR3 is the one throwing" in errors["trick_progression[0]"][0]
        assert "has no route" in errors["trick_progression[1]"][0]
        assert "trick_progression[2]" not in errors

    def test_moving_at_the_snap_follows_the_ruleset(self):
        motion = {"role": "WR3", "x": -1.0, "y": 2.0, "duration_ms": 800, "at_snap": True}
        assert validation._check_motion(motion, WHERE, validation.Rules()).ok
        set_rules = validation.Rules(motion_at_snap=False)
        report = validation._check_motion(motion, WHERE, set_rules)
        assert "set at the snap" in report.errors["motion_at_snap"][0]
        bad_kind = validation._check_motion({**motion, "kind": "WHIRL"}, WHERE, validation.Rules())
        assert "JET, ORBIT, TRADE" in bad_kind.errors["motion_kind"][0]


def run_play(team, **data):
    return b.play(
        team,
        kind=kinds.RUN,
        ball_carrier="WR3",
        mesh_x=-3.0,
        mesh_y=-0.5,
        mesh_ms=400,
        run_path=kinds.SWEEP,
        **data,
    )


class TestModelAndAPI:
    def test_the_writer_stores_a_run(self, team):
        play = run_play(
            team, motion_role="WR3", motion_x=-1.0, motion_y=3.0, motion_duration_ms=600
        )
        play.refresh_from_db()
        assert play.kind == "RUN" and play.handoff["carrier"] == "WR3"
        assert play.handoff["from"] == "QB"  # empty: the QB gives it

    def test_the_writer_refuses_a_keeper_under_nfl_flag(self, team):
        with pytest.raises(ValidationError) as exc:
            b.play(team, kind=kinds.RUN, ball_carrier="QB")
        assert "qb_can_run is off" in exc.value.message_dict["ball_carrier"][0]
        ruleset = Ruleset.objects.get(team=team, is_default=True)
        ruleset.qb_can_run = True
        ruleset.save()
        assert b.play(team, kind=kinds.RUN, ball_carrier="QB").kind == "RUN"

    def test_api_round_trip_of_a_trick_play(self, api, team, coach):
        api.force_authenticate(coach)
        form = b.formation(team)
        out, slant = b.route(team), b.route(team, b.SLANT)
        body = {
            "name": "Reverse Pass",
            "kind": "TRICK",
            "formation": form.pk,
            "assignments": [
                {"role": "QB", "route": None},
                {"role": "WR1", "route": out.pk},
                {"role": "WR2", "route": slant.pk},
            ],
            "handoff": {
                "carrier": "WR3",
                "from": "QB",
                "x": -4.0,
                "y": 1.0,
                "time_ms": 900,
                "trick": "REVERSE_PASS",
                "progression": ["WR1", "WR2"],
            },
            "motion": {"role": "WR3", "x": -1.0, "y": 3.0, "duration_ms": 600, "kind": "JET"},
        }
        response = api.post(url(team, "play"), body, format="json")
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["kind"] == "TRICK"
        assert data["handoff"] == {
            "carrier": "WR3",
            "from": "QB",
            "x": -4.0,
            "y": 1.0,
            "time_ms": 900,
            "path": "",
            "trick": "REVERSE_PASS",
            "progression": ["WR1", "WR2"],
        }
        assert data["motion"]["kind"] == "JET" and data["motion"]["at_snap"] is False

    def test_api_refuses_a_handoff_past_the_line(self, api, team, coach):
        api.force_authenticate(coach)
        play = run_play(team)
        response = api.patch(
            url(team, "play", play.pk),
            {"handoff": {"carrier": "WR3", "x": 2.0, "y": 0.0, "time_ms": 400}},
            format="json",
        )
        # keyed by where the body said it (handoff.x), not by the stored field (mesh_x)
        errors = api_errors(response)
        assert "behind the line of scrimmage" in errors["handoff.x"][0], errors
        assert "mesh_x" not in errors


class TestNoRunZones:
    def test_the_zones_of_nfl_flag(self):
        rules = Ruleset(**services.NFL_FLAG_5V5)
        assert kinds.no_run_zone(rules, 5) and kinds.no_run_zone(rules, 3)
        assert kinds.no_run_zone(rules, 6) is None
        # midfield is 25 yd from the goal: the 5 yd before it (26–30 to go) are a zone
        assert kinds.no_run_zone(rules, 28) and kinds.no_run_zone(rules, 30)
        assert kinds.no_run_zone(rules, 25) is None and kinds.no_run_zone(rules, 31) is None
        rules.no_run_zone_depth = 0
        assert kinds.no_run_zone(rules, 2) is None

    def test_a_run_in_a_no_run_zone_is_400(self, api, team, coach):
        from django.urls import reverse

        api.force_authenticate(coach)
        run, scenario = run_play(team), b.scenario(team)
        body = {
            "plays": [run.pk],
            "scenarios": [scenario.pk],
            "episodes": 200,
            "seed": 1,
            "situation": {"down": 1, "distance": 3, "yardline": 3},
        }
        runs = reverse("simulation-list", kwargs={"team_id": team.pk})
        response = api.post(runs, body, format="json")
        assert response.status_code == 400
        message = response.json()["errors"]["plays"][0]
        assert f"'{run.name}' is a run" in message and "no-run zone 5 yd before the goal" in message
        body["situation"] = {"down": 1, "distance": 10, "yardline": 20}
        assert api.post(runs, body, format="json").status_code == 201

    def test_a_run_meant_for_the_goal_line_is_refused(self, team):
        run = run_play(team)
        with pytest.raises(ValidationError) as exc:
            services.playbook_write(
                team=team,
                data={"name": "Book"},
                entries=[{"play": run, "call_number": "30", "situations": ["GOALLINE"]}],
            )
        text = exc.value.message_dict["entries[0].situations[0]"][0]
        assert "call 30 is a run" in text and "no runs there" in text

    def test_admin_shows_the_refusal_on_the_entry(self, client, team):
        client.force_login(staff(team))
        run = run_play(team)
        data = {
            "team": team.pk,
            "name": "Goal line book",
            "external_id": "",
            "description": "",
            **inline_post(
                "entries", [{"play": run.pk, "call_number": "30", "situations": "GOALLINE"}]
            ),
        }
        from playbook.models import Playbook

        response = client.post(admin_url(Playbook, "add"), data)
        assert response.status_code == 200
        assert "no runs there" in str(errors(response))
        assert not PlaybookEntry.objects.filter(play=run).exists()


class TestAdmin:
    def test_a_coach_builds_a_run_and_is_told_about_a_keeper(self, client, team):
        client.force_login(staff(team))
        form = b.formation(team)
        route = b.route(team)
        rows = [{"role": r, "route": route.pk if r == "WR1" else ""} for r in WHERE]
        data = {
            **PLAY_FIELDS,
            "team": team.pk,
            "name": "Admin Sweep",
            "formation": form.pk,
            "kind": "RUN",
            "ball_carrier": "WR3",
            "mesh_x": "-3",
            "mesh_y": "-0.5",
            "mesh_ms": "400",
            "run_path": "SWEEP",
            **inline_post("assignments", rows),
        }
        response = client.post(admin_url(Play, "add"), data)
        assert response.status_code == 302, errors(response)
        assert Play.objects.get(team=team, name="Admin Sweep").kind == "RUN"
        response = client.post(
            admin_url(Play, "add"), {**data, "name": "Admin Keeper", "ball_carrier": "QB"}
        )
        assert response.status_code == 200
        assert "qb_can_run is off" in str(response.context["adminform"].form.errors["ball_carrier"])


class TestInterchange:
    def test_demo_runs_round_trip_into_a_team_holding_the_demo(self, team):
        fieldos_import(team=team, sources=sources_from_paths([DEMO_DIR]))
        fieldos_import(team=team, sources=sources_from_paths([SECOND]))
        fieldos_import(team=team, sources=sources_from_paths([RUNS]))
        exported = {p["id"]: p for p in fieldos_export(team)["plays"]}
        source = {p["id"]: p for p in json.loads(RUNS.read_text())}
        for play_id, original in source.items():
            got = exported[play_id]
            for key in ("kind", "handoff", "run_path", "trick", "motion", "tags", "notes"):
                want = original.get(key)
                if key == "handoff":
                    want = {**want, "from": want["from"]}  # written as given
                assert got.get(key) == want, (play_id, key)
        # the motion and trick plays of the second engine file are still there as imported
        assert {"play_jet_flat", "play_center_wheel", "play_bunch_sluggo"} <= set(exported)
        # and importing the export again changes nothing
        again = fieldos_import(team=team, sources=sources_from_data("export", fieldos_export(team)))
        assert again.kinds["plays"]["created"] == again.kinds["plays"]["updated"] == 0

    def test_import_errors_point_at_the_json(self, team):
        fieldos_import(team=team, sources=sources_from_paths([DEMO_DIR]))
        play = json.loads(RUNS.read_text())[0]
        play["id"], play["name"] = "play_bad_run", "Bad Run"
        play["handoff"]["at"] = {"x": 3.0, "y": 0.0}
        play["run_path"] = "zigzag"
        from playbook.interchange import FieldOSImportError

        with pytest.raises(FieldOSImportError) as exc:
            fieldos_import(team=team, sources=sources_from_data("", {"plays": [play]}))
        text = "\n".join(exc.value.lines())
        assert "run_path: 'zigzag' is not one of dive, sweep, reverse" in text


class TestDiagram:
    def test_a_run_is_drawn_with_its_path_and_handoff_mark(self, team):
        from pictures import diagrams

        play = run_play(team)
        picture = diagrams.play_picture(play)
        items = {i["cls"]: i for i in picture.items}
        path = [tuple(p) for p in items["run-path"]["points"]]
        assert path[0] == (0.0, 4.0)  # WR3 at the snap
        assert path[1] == (-3.0, -0.5)  # through the mesh
        assert path[-1][1] < -5  # a sweep to the mesh's side
        assert "mesh" in items and items["mesh-label"]["text"] == "H"
        assert "progression-badge" not in items  # nobody reads on a run
        assert diagrams.play_picture(play).digest != diagrams.play_picture(b.play(team)).digest
