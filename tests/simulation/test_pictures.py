"""Animated pictures (pictures/animations.py): trace replays and play previews."""

import io
import itertools

import pytest
from PIL import Image, ImageSequence

from pictures import animations, diagrams
from playbook.constants import NFL_FLAG_5V5
from playbook.models import Ruleset
from simulation import services
from tests.support import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(team):
    return services.simulation_run_start(
        team=team,
        user=None,
        plays=[b.play(team)],
        scenarios=[b.scenario(team)],
        episodes=300,
        seed=11,
        situation={"down": 1, "distance": 10.0, "yardline": 35.0},
        traces=4,
    )


def frames_of(gif):
    image = Image.open(io.BytesIO(gif))
    return image, [
        (frame.convert("RGB"), frame.info["duration"]) for frame in ImageSequence.Iterator(image)
    ]


def test_a_replay_has_one_frame_per_trace_frame(run):
    assert run.traces.count() == 4
    for trace in run.traces.all():
        rules = animations.trace_rules(trace)
        gif, frames = frames_of(animations.replay_gif(trace.data, rules, "Replay"))
        recorded = trace.data["frames"]
        assert gif.format == "GIF" and len(frames) == len(recorded)
        # the documented size: the field plus 1 yd each side at 16 px/yd
        assert gif.size == animations.replay_size(trace.data, rules)
        assert gif.size[0] == (30 + 2) * diagrams.PX_PER_YD
        gaps = [b["t_ms"] - a["t_ms"] for a, b in itertools.pairwise(recorded)]
        assert [d for _, d in frames] == [*gaps, animations.REPLAY_HOLD_MS]
        assert frames[0][0].tobytes() != frames[-1][0].tobytes()


def test_the_ball_starts_in_the_qbs_hands_and_the_outcome_is_written_last(run):
    trace = run.traces.first()
    data = trace.data
    rules = animations.trace_rules(trace)
    _, frames = frames_of(animations.replay_gif(data, rules))
    view = animations._replay_view(data, rules)
    qb = data["frames"][0]["offense"][data["offense_roles"].index("QB")]
    assert data["frames"][0]["ball"] == qb
    ball = animations._ball_spot(data["frames"][0])
    assert frames[0][0].getpixel(tuple(map(round, view.px(ball)))) == diagrams._rgb(
        animations.BALL_COLOUR
    )
    # the banner (outcome) only on the last frame, low on the picture
    spot = tuple(map(round, view.px((view.x_min + 2.2 + 0.9, view.y_min + 2.0))))
    banner = diagrams._rgb(animations.BANNER_COLOUR)
    assert frames[-1][0].getpixel(spot) == banner
    assert all(f.getpixel(spot) != banner for f, _ in frames[:-1])


def test_the_throw_is_drawn_from_the_release(run):
    thrown = [t for t in run.traces.all() if (t.data["outcome"]["air_yards"] or 0) > 5]
    assert thrown
    data = thrown[0].data
    rules = animations.trace_rules(thrown[0])
    view = animations._replay_view(data, rules)
    _, frames = frames_of(animations.replay_gif(data, rules))
    release = animations._frame_at(data["frames"], data["events"]["release"])
    end = data["events"]["arrival"] or data["events"]["whistle"]
    (x0, y0) = data["frames"][release]["ball"]
    (x1, y1) = data["frames"][animations._frame_at(data["frames"], end)]["ball"]
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    # the middle of each dash (0.6 yd drawn, 0.4 yd gap), clear of the QB's circle and of
    # any player the line passes under at the release (players are drawn over it)
    stops = [d + 0.3 for d in range(1, int(length - 1.5))]
    points = [(x0 + (x1 - x0) * d / length, y0 + (y1 - y0) * d / length) for d in stops]
    players = [*data["frames"][release]["offense"], *data["frames"][release]["defense"]]
    clear = diagrams.PLAYER_RADIUS_YD + 0.3
    points = [
        p
        for p in points
        if all(((p[0] - a) ** 2 + (p[1] - b) ** 2) ** 0.5 > clear for a, b in players)
    ]
    assert len(points) >= 4
    spots = [tuple(map(round, view.px(p))) for p in points]
    colour = diagrams._rgb(animations.THROW_COLOUR)

    def share(image):
        """Share of the spots with the throw's colour within a pixel."""
        return sum(
            any(image.getpixel((x + i, y + j)) == colour for i in (-1, 0, 1) for j in (-1, 0, 1))
            for x, y in spots
        ) / len(spots)

    assert share(frames[release][0]) > 0.8
    assert share(frames[release - 1][0]) == 0


def test_a_replay_is_drawn_on_the_field_the_trace_was_played_on(team):
    wide = Ruleset.objects.create(
        team=team, **{**NFL_FLAG_5V5, "external_id": "wide", "name": "Wide", "field_width": 40.0}
    )
    run = services.simulation_run_start(
        team=team,
        user=None,
        plays=[b.play(team)],
        scenarios=[b.scenario(team, ruleset=wide)],
        episodes=50,
        seed=1,
        situation={"down": 1, "distance": 10.0, "yardline": 35.0},
        traces=1,
    )
    trace = run.traces.get()
    assert animations.trace_rules(trace).field_width == 40.0  # the run has none: the scenario's
    gif = Image.open(io.BytesIO(animations.replay_gif(trace.data, animations.trace_rules(trace))))
    assert gif.size[0] == (40 + 2) * diagrams.PX_PER_YD


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        ({"result": "COMPLETE", "target": "WR2", "yards": 12.44}, "COMPLETE to WR2, +12.4 yd"),
        (
            {"result": "COMPLETE", "target": "WR2", "yards": 12.44, "converted": True},
            "COMPLETE to WR2, +12.4 yd, first down",
        ),
        (
            {"result": "COMPLETE", "target": "WR1", "yards": 35.0, "touchdown": True},
            "TOUCHDOWN to WR1, +35.0 yd",
        ),
        ({"result": "SACK", "target": None, "yards": -3.2}, "SACK, -3.2 yd"),
        (
            {"result": "INTERCEPTION", "target": "WR3", "yards": 0.0},
            "INTERCEPTED, intended for WR3",
        ),
        ({"result": "INCOMPLETE", "target": None, "yards": 0.0}, "INCOMPLETE (thrown away)"),
        # a run's replay said "INCOMPLETE, intended for WR3" over a 5-yard jet sweep
        ({"result": "RUN", "target": "WR3", "yards": 5.34}, "RUN by WR3, +5.3 yd"),
        (
            {"result": "RUN", "target": "WR3", "yards": 21.0, "touchdown": True},
            "TOUCHDOWN, run by WR3, +21.0 yd",
        ),
    ],
)
def test_outcome_text(outcome, text):
    assert animations.outcome_text(outcome) == text


# --- preview ---------------------------------------------------------------------------


def test_preview_frames_follow_the_route_timing(team):
    # WR1 (OUT, from y=10): breakpoints at 1400 and 2000 ms, last leg 4 yd in 600 ms; its
    # run-on stops at the sideline after 1 yd: 150 ms more. WR2 (SLANT) ends at
    # 1400 ms + 3 yd at 6.7 yd/s ≈ 1847 ms. Frames at 0, 100, …, 2200 ms: 23.
    play = b.play(team)
    assert animations.preview_frame_count(play) == 23
    gif, frames = frames_of(animations.preview_gif(play))
    assert len(frames) == 23
    assert [d for _, d in frames] == [100] * 22 + [animations.PREVIEW_HOLD_MS]
    assert gif.size == (diagrams.play_picture(play).width_px, diagrams.play_picture(play).height_px)
    # WR1 ends on the sideline at (8, 15): his (white) circle is there (inside the chalk)
    # on the last frame, not on the first
    picture = diagrams.play_picture(play)
    spot = tuple(map(round, picture.px((8.0 - 0.65, 15.0 - 0.5))))
    white = diagrams._rgb(diagrams.OFFENSE_FILL)
    assert frames[-1][0].getpixel(spot) == white
    assert frames[0][0].getpixel(spot) != white


def test_a_settle_route_stops_at_its_last_breakpoint(team):
    hitch = b.route(team, [{"x": 5.0, "y": 0.0, "time_ms": 1000}], settle=True)
    play = b.play(team, routes={"WR3": hitch})
    assert animations.preview_frame_count(play) == 11  # 0 … 1000 ms
    assert len(frames_of(animations.preview_gif(play))[1]) == 11


def test_a_preview_against_a_scenario_draws_the_defenders(team):
    play, scenario = b.play(team), b.scenario(team)
    _, frames = frames_of(animations.preview_gif(play, scenario))
    assert len(frames) == animations.preview_frame_count(play, scenario)
    picture = diagrams.play_picture(play, scenario)
    d3 = next(d for d in scenario.defenders.all() if d.slot == "D3")  # the rusher at (7, 0)
    spot = tuple(map(round, picture.px((d3.x + 0.2, d3.y))))
    yellow = diagrams._rgb(diagrams.DEFENSE_FILL)
    assert frames[0][0].getpixel(spot) == yellow
    assert frames_of(animations.preview_gif(play))[1][0][0].getpixel(spot) != yellow


def test_preview_stops_at_the_pass_clock_whatever_the_route_timing(team):
    """A crawling last leg (1 cm in 59 s) must not make a huge GIF (found by a probe)."""
    from pictures.animations import preview_frame_count

    creep = b.route(
        team,
        breakpoints=[
            {"x": 1.0, "y": 0.0, "time_ms": 1000},
            {"x": 1.01, "y": 0.0, "time_ms": 60000},
        ],
    )
    play = b.play(team, routes={"WR1": creep})
    assert preview_frame_count(play) == 7000 // 100 + 1  # NFL FLAG pass clock: 7 s
