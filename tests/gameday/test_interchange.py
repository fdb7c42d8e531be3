"""Games with their snaps in the FieldOS JSON: exported with the team, imported into
another team (round trip), scoped to the importing team, `on_conflict` honoured."""

import copy
import datetime

import pytest

from gameday.models import Game, Snap
from gameday.services import snap_record
from playbook.interchange import (
    KINDS,
    FieldOSImportError,
    fieldos_export,
    fieldos_import,
    sources_from_data,
)
from tests.gameday.conftest import sideline_for
from tests.support.factories import TeamFactory

pytestmark = pytest.mark.django_db

CHARTED = [
    ("complete", 32, {"defense": 0}),  # past midfield: a new series, goal to go
    ("run", 4, {"defense_shell": "COVER3", "defense_coverage": "ZONE", "defense_rushers": 1}),
    ("incomplete", 0, {"defense": 1}),
    ("complete", 40, {"defense": 0}),  # a touchdown: the next snap is the try
    ("complete", 5, {}),  # the 1-point try, good; the next snap starts drive 2
    ("sack", 3, {}),
]


def charted(side):
    for i, (result, yards, defense) in enumerate(CHARTED):
        if "defense" in defense:
            defense = {"defense": side.scenarios[defense["defense"]]}
        snap_record(
            game=side.game,
            data={"play": side.plays[i % 3], "result": result, "yards": yards, **defense},
            key=f"k{i}",
        )
    side.game.our_score, side.game.their_score, side.game.notes = 6, 0, "windy"
    side.game.save()
    return side


def load(team, document, **kwargs):
    return fieldos_import(team=team, sources=sources_from_data("", document), **kwargs)


def test_games_are_a_kind_of_the_format_after_the_kinds_they_refer_to(team):
    assert KINDS[-1] == "games" and KINDS.index("games") > KINDS.index("playbooks")
    assert list(fieldos_export(team)) == list(KINDS)


def test_a_game_with_its_snaps_round_trips_into_another_team(team):
    side = charted(sideline_for(team))
    document = fieldos_export(team)
    [game] = document["games"]
    assert game["opponent"] == "Eagles" and game["date"] == "2026-09-12"
    assert game["playbook"] == document["playbooks"][0]["id"]
    assert [s["key"] for s in game["snaps"]] == [f"k{i}" for i in range(6)]
    assert game["snaps"][3]["touchdown"] and game["snaps"][4]["try_points"] == 1
    assert game["snaps"][5]["drive"] == 2 and game["snaps"][5]["try_points"] is None
    assert game["snaps"][1]["defense"] is None and game["snaps"][1]["defense_shell"] == "COVER3"
    assert all(
        not isinstance(v, int) or k.endswith(("score", "drive", "down", "rushers"))
        for s in game["snaps"]
        for k, v in s.items()
        if k in ("play", "defense")
    )

    other = TeamFactory()
    summary = load(other, document)
    assert summary.kinds["games"]["created"] == 1
    copied = Game.objects.get(team=other)
    assert copied.playbook.team_id == other.pk and copied.notes == "windy"
    snaps = list(copied.snaps.order_by("sequence"))
    assert [s.sequence for s in snaps] == [1, 2, 3, 4, 5, 6]
    assert all(s.team_id == other.pk for s in snaps)
    assert {s.play.team_id for s in snaps} == {other.pk}
    assert [s.play.name for s in snaps] == [s.play.name for s in side.game.snaps.all()]
    assert [(s.down, s.distance, s.yards_to_goal, s.result, s.yards) for s in snaps] == [
        (s.down, s.distance, s.yards_to_goal, s.result, s.yards)
        for s in side.game.snaps.order_by("sequence")
    ]
    assert fieldos_export(other)["games"] == document["games"]

    again = load(other, document)
    assert again.kinds["games"] == {**again.kinds["games"], "created": 0, "updated": 0}
    assert again.kinds["games"]["unchanged"] == 1
    assert Snap.objects.filter(team=other).count() == 6
    assert Snap.objects.filter(team=team).count() == 6  # the source team is untouched


def test_a_changed_file_updates_the_game_by_id_and_its_snaps_by_key(team):
    charted(sideline_for(team))
    document = fieldos_export(team)
    other = TeamFactory()
    load(other, document)
    before = {s.idempotency_key: s.pk for s in Snap.objects.filter(team=other)}
    changed = copy.deepcopy(document)
    game = changed["games"][0]
    game["our_score"] = 12
    game["snaps"][0]["yards"] = 9.0
    del game["snaps"][2]
    summary = load(other, changed)
    assert summary.kinds["games"]["updated"] == 1
    stored = Game.objects.get(team=other)
    assert stored.our_score == 12 and stored.version == 2
    snaps = list(stored.snaps.order_by("sequence"))
    assert [s.idempotency_key for s in snaps] == ["k0", "k1", "k3", "k4", "k5"]
    assert [s.sequence for s in snaps] == [1, 2, 3, 4, 5]
    assert snaps[0].yards == 9.0 and snaps[0].version == 2 and snaps[1].version == 1
    assert {s.idempotency_key: s.pk for s in snaps} == {
        k: pk for k, pk in before.items() if k != "k2"
    }


def test_references_resolve_inside_the_importing_team_only(team):
    side = charted(sideline_for(team))
    document = {"games": fieldos_export(team)["games"]}  # the plays are not in the file
    other = TeamFactory()
    with pytest.raises(FieldOSImportError) as refused:
        load(other, document)
    text = "\n".join(refused.value.lines())
    assert text.startswith("games[0] (game_2026_09_12_vs_eagles): playbook: unknown playbook")
    document["games"][0]["playbook"] = None
    with pytest.raises(FieldOSImportError) as refused:
        load(other, document)
    assert "snaps[0].play: unknown play" in "\n".join(refused.value.lines())
    assert not Game.objects.filter(team=other).exists()
    # the whole export, back into its own team: the game is the same game
    assert load(team, fieldos_export(team)).kinds["games"]["unchanged"] == 1
    assert Game.objects.filter(team=team).count() == 1 and side.game.snaps.count() == 6


def test_bad_snaps_name_the_game_the_snap_and_the_field_and_write_nothing(team):
    charted(sideline_for(team))
    document = fieldos_export(team)
    game = document["games"][0]
    game["snaps"][1]["result"] = "fumble"
    game["snaps"][2]["down"] = 5
    game["snaps"][3]["yards"] = "far"
    game["date"] = "12/09/2026"
    other = TeamFactory()
    with pytest.raises(FieldOSImportError) as refused:
        load(other, document)
    lines = refused.value.lines()
    head = f"games[0] ({game['id']}): "
    assert any(line.startswith(head + "snaps[1].result: the text 'fumble'") for line in lines)
    assert any(line.startswith(head + "snaps[3].yards: expected a number") for line in lines)
    assert any(line.startswith(head + "date: expected a date") for line in lines)
    game["snaps"][1]["result"], game["snaps"][3]["yards"], game["date"] = "run", 3, "2026-09-12"
    with pytest.raises(FieldOSImportError) as refused:
        load(other, document)
    assert any("snaps[2].down" in line and "3 downs" in line for line in refused.value.lines())
    assert not Game.objects.filter(team=other).exists()
    assert not Snap.objects.filter(team=other).exists()


@pytest.mark.parametrize("on_conflict", ["rename", "skip", "fail"])
def test_another_game_on_the_same_day_against_the_same_opponent(team, on_conflict):
    charted(sideline_for(team))
    document = fieldos_export(team)
    other = TeamFactory()
    load(other, {k: v for k, v in document.items() if k != "games"})
    charted_there = Game.objects.create(
        team=other, opponent="eagles", date=datetime.date(2026, 9, 12), notes="ours"
    )
    if on_conflict == "fail":
        with pytest.raises(FieldOSImportError) as refused:
            load(other, document, on_conflict="fail")
        assert any("date: the team already has a game" in line for line in refused.value.lines())
        assert list(Game.objects.filter(team=other)) == [charted_there]
        return
    summary = load(other, document, on_conflict=on_conflict)
    games = Game.objects.filter(team=other)
    [warning] = summary.kinds["games"]["warnings"]
    if on_conflict == "skip":
        assert list(games) == [charted_there] and "skipped" in warning
        assert summary.kinds["games"]["unchanged"] == 1
    else:
        assert games.count() == 2 and "imported as a second game that day" in warning
        assert summary.kinds["games"]["created"] == 1
    assert (
        charted_there.snaps.count() == 0 and Game.objects.get(pk=charted_there.pk).notes == "ours"
    )


def test_the_same_game_already_charted_is_reused(team):
    charted(sideline_for(team))
    document = fieldos_export(team)
    other = TeamFactory()
    load(other, document)
    Game.objects.filter(team=other).update(external_id="")  # as if charted there
    summary = load(other, document)
    assert (
        summary.kinds["games"]["unchanged"] == 1
        and "reused" in summary.kinds["games"]["warnings"][0]
    )
    assert Game.objects.filter(team=other).count() == 1


def test_a_dry_run_writes_no_game(team):
    charted(sideline_for(team))
    other = TeamFactory()
    summary = fieldos_import(
        team=other, sources=sources_from_data("", fieldos_export(team)), dry_run=True
    )
    assert summary.kinds["games"]["created"] == 1
    assert not Game.objects.filter(team=other).exists()
