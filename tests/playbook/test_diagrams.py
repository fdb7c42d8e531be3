"""The drawing module (pictures/diagrams.py): one set of primitives → SVG and PNG, and
what can be checked of the drawing (colours at route ends, the sideline, labels, mirrors)."""

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image, ImageChops, ImageOps

from pictures import diagrams
from playbook import services
from playbook.validation import Rules
from tests.support import builders as b

pytestmark = pytest.mark.django_db


def test_play_picture_renders_to_svg_and_png(team):
    play = b.play(team)
    picture = diagrams.play_picture(play)
    svg = diagrams.to_svg(picture)
    ET.fromstring(svg)  # well-formed
    for label in ("QB", "WR1", "WR2"):
        assert label in svg
    image = Image.open(io.BytesIO(diagrams.to_png(picture)))
    assert image.size[0] > 100 and image.size[1] > 100


def test_mirror_and_changes_change_the_digest(team):
    play = b.play(team)
    mirrored = services.play_mirror(play)
    assert diagrams.play_picture(play).digest != diagrams.play_picture(mirrored).digest
    assert diagrams.play_picture(play).digest == diagrams.play_picture(play).digest


def test_scenario_over_a_play_and_alone(team):
    play, scenario = b.play(team), b.scenario(team)
    ET.fromstring(diagrams.to_svg(diagrams.play_picture(play, scenario)))
    svg = diagrams.to_svg(diagrams.scenario_picture(scenario))
    ET.fromstring(svg)
    assert "D1" in svg
    Image.open(io.BytesIO(diagrams.to_png(diagrams.scenario_picture(scenario, play))))


# --- drawing checks --------------------------------------------------------------------


def png(picture):
    return Image.open(io.BytesIO(diagrams.to_png(picture))).convert("RGB")


def pixel(image, picture, point):
    return image.getpixel(tuple(round(v) for v in picture.px(point)))


def test_route_endpoints_are_drawn_in_the_route_colour(team):
    play = b.play(team)
    picture = diagrams.play_picture(play)
    image = png(picture)
    rules = Rules()
    offense = diagrams.offense_of(play)
    for role in ("WR1", "WR2"):
        points, _ = diagrams.route_points(offense, role, rules)
        (ax, ay), (bx, by) = points[-2], points[-1]
        ux, uy = diagrams._unit(ax, ay, bx, by)
        inside_arrowhead = (bx - ux * 0.35, by - uy * 0.35)
        assert pixel(image, picture, inside_arrowhead) == diagrams._rgb(diagrams.route_colour(role))


def test_a_settle_route_ends_on_its_last_breakpoint_with_a_bar(team):
    hitch = b.route(team, [{"x": 5.0, "y": 0.0, "time_ms": 1000}], settle=True)
    play = b.play(team, routes={"WR3": hitch})
    picture = diagrams.play_picture(play)
    points, settle = diagrams.route_points(diagrams.offense_of(play), "WR3", Rules())
    assert settle and points[-1] == (5.0, 4.0)  # WR3 lines up at (0, 4): no run-on
    bar = next(i for i in picture.items if i["cls"] == "settle")
    assert bar["stroke"] == diagrams.route_colour("WR3")
    assert pixel(png(picture), picture, (5.0, 4.0)) == diagrams._rgb(diagrams.route_colour("WR3"))


def test_the_run_on_stops_at_the_sideline(team):
    # WR1 lines up at y=10 and the OUT route ends at y=14 running to the right: a 3-yd
    # run-on would cross the sideline (y=15); it stops on it.
    play = b.play(team)
    rules = Rules()
    points, _ = diagrams.route_points(diagrams.offense_of(play), "WR1", rules)
    assert points[-1] == (8.0, rules.half_width)
    picture = diagrams.play_picture(play)
    for item in picture.items:
        if item["cls"] in ("route", "arrowhead"):
            assert all(abs(y) <= rules.half_width + 1e-9 for _, y in item["points"])
    image = png(picture)
    red = diagrams._rgb(diagrams.route_colour("WR1"))
    outside = round(picture.px((0.0, rules.half_width))[0]) + 3  # past the sideline's chalk
    assert not any(
        image.getpixel((x, y)) == red
        for x in range(outside, image.width)
        for y in range(image.height)
    )


def test_role_labels_fit_inside_the_player_circles(team):
    play = b.play(team)
    inner_px = 2 * (diagrams.PLAYER_RADIUS_YD - 0.12) * diagrams.PX_PER_YD
    labels = [i for i in diagrams.play_picture(play).items if i["cls"] == "label"]
    assert {i["text"] for i in labels} == {"QB", "C", "WR1", "WR2", "WR3"}
    for item in labels:
        font = diagrams.font(max(6, round(item["size"] * diagrams.PX_PER_YD)), True)
        assert font.getlength(item["text"]) <= inner_px, item["text"]


def without_text(picture):
    items = [i for i in picture.items if i["kind"] != "text"]
    return diagrams.Picture(picture.x_min, picture.x_max, picture.y_min, picture.y_max, items)


def canonical(item, mirror=False):
    """A primitive as a comparable string, optionally flipped y → -y (paths either way
    round, polygon vertices and rectangle corners in any order)."""

    def pt(p):
        return (p[0], (-p[1] if mirror else p[1]) + 0.0)

    out = dict(item)
    if "points" in item:
        points = [pt(p) for p in item["points"]]
        out["points"] = sorted(points) if item["kind"] == "polygon" else min(points, points[::-1])
    if "corners" in item:
        xs, ys = zip(*(pt(p) for p in item["corners"]), strict=True)
        out["corners"] = (sorted(xs), sorted(ys))
    for key in ("center", "at"):
        if key in item:
            out[key] = pt(item[key])
    return repr(sorted(out.items()))


def test_a_mirrored_play_is_drawn_mirrored(team):
    play = b.play(team)
    original = diagrams.play_picture(play)
    mirrored = diagrams.play_picture(services.play_mirror(play))
    # Exact, on the primitives: the same shapes and labels with y → -y (the yard numbers
    # stay on the left in both).
    kept = [i for i in original.items if i["cls"] != "yardnumber"]
    assert sorted(canonical(i, mirror=True) for i in kept) == sorted(
        canonical(i) for i in mirrored.items if i["cls"] != "yardnumber"
    )
    # On the pixels, text left out (letters are not mirrored): the mirrored play's PNG is
    # the left-right mirror of the original's up to the odd pixel at a shape's edge.
    left = ImageOps.mirror(png(without_text(original)))
    right = png(without_text(mirrored))
    assert left.size == right.size
    diff = ImageChops.difference(left, right).convert("L")
    changed = sum(diff.histogram()[1:])
    assert changed / (left.width * left.height) < 0.01, changed


def test_names_are_escaped_in_the_svg(team):
    play = b.play(team, name="<script>alert(1)</script>")
    svg = diagrams.to_svg(diagrams.play_picture(play))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)


def test_text_anchors_reach_the_svg_and_do_not_change_plain_text_items():
    pic = diagrams.Picture(0.0, 1.0, 0.0, 1.0)
    pic.text("a", (0.5, 0.5), "x", 0.5, "#000000")
    pic.text("b", (0.5, 0.5), "y", 0.5, "#000000", anchor="end")
    assert "anchor" not in pic.items[0] and pic.items[1]["anchor"] == "end"
    svg = diagrams.to_svg(pic)
    assert 'text-anchor="middle"' in svg and 'text-anchor="end"' in svg


def test_players_wear_their_jersey_numbers_and_names(team):
    """labels=numbers puts the jersey number in the circle; names adds the surname under
    it (offense and defense); a player without a number keeps the role."""
    from playbook.models import Player

    Player.objects.create(
        team=team, side="OFFENSE", role="WR1", name="Tyrell Davis", jersey_number=1
    )
    Player.objects.create(team=team, side="OFFENSE", role="QB", name="Marcus Riley")
    Player.objects.create(
        team=team, side="DEFENSE", role="D1", name="Isaiah Brown", jersey_number=21
    )
    roster = {p.role: p for p in Player.objects.filter(team=team)}
    play, scenario = b.play(team), b.scenario(team)

    def texts(labels):
        picture = diagrams.play_picture(play, scenario, roster, labels)
        ET.fromstring(diagrams.to_svg(picture))
        return [(i["cls"], i["text"]) for i in picture.items if i["kind"] == "text"]

    plain = texts("roles")
    assert ("label", "WR1") in plain and not any(c == "name" for c, _ in plain)
    numbers = texts("numbers")
    assert ("label", "1") in numbers and ("label", "QB") in numbers
    assert ("defender-label", "D1 #21") in numbers and not any(c == "name" for c, _ in numbers)
    names = texts("names")
    assert {("name", "Davis"), ("name", "Riley"), ("name", "Brown")} <= set(names)
    assert diagrams.play_picture(play, scenario, roster, "names").digest != (
        diagrams.play_picture(play, scenario).digest
    )
    with pytest.raises(ValueError, match="roles, numbers, names"):
        diagrams.play_picture(play, None, roster, "faces")
