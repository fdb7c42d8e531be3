"""Render the pictures (docs/pictures.md) on the demo data (8 plays × 8 scenarios) in a throwaway
SQLite database and print one JSON line per picture: median milliseconds over repeats and
the image's size. Targets: diagrams under 50 ms, a 5-second replay GIF under 1 s.

Run from the project root: .venv/bin/python benchmarks/pictures_bench.py (or `make bench`).
Set PICTURES_BENCH_OUT=<dir> to keep the rendered images there."""

import io
import json
import os
import statistics
import time
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from _setup import ROOT, django_with_scratch_db  # noqa: E402

REPEATS = 7
REPLAY_MS = 5000  # the replay measured: the trace closest to 5 s of play time


def measure(name, render, repeats=REPEATS, **extra):
    timings, output = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        output = render()
        timings.append((time.perf_counter() - start) * 1000)
    info = {"name": name, "median_ms": round(statistics.median(timings), 1)}
    info["min_ms"] = round(min(timings), 1)
    if isinstance(output, bytes) and output[:4] in (b"\x89PNG", b"GIF8"):
        from PIL import Image

        image = Image.open(io.BytesIO(output))
        info.update(size=list(image.size), frames=getattr(image, "n_frames", 1))
    info.update(bytes=len(output), **extra)
    print(json.dumps(info), flush=True)
    out = os.environ.get("PICTURES_BENCH_OUT")
    if out:
        ext = "svg" if isinstance(output, str) else ("gif" if output[:3] == b"GIF" else "png")
        data = output.encode() if isinstance(output, str) else output
        (Path(out) / f"{name}.{ext}").write_bytes(data)


def main():
    django_with_scratch_db()
    from pictures import animations, charts, diagrams
    from pictures.playbook_images import with_drawing_data
    from playbook.interchange import fieldos_import, sources_from_paths
    from playbook.models import Play, Scenario
    from playbook.services import ruleset_create_default
    from simulation import services
    from teams.models import Team

    team = Team.objects.create(name="Bench", slug="bench")
    ruleset_create_default(team)
    fieldos_import(team=team, sources=sources_from_paths([ROOT / "fixtures" / "fieldos-demo"]))
    plays = list(with_drawing_data(Play.objects.filter(team=team)).order_by("pk"))
    scenarios = list(
        Scenario.objects.filter(team=team).prefetch_related("defenders").order_by("pk")
    )
    assert len(plays) == 8 and len(scenarios) == 8, (len(plays), len(scenarios))
    play, scenario = plays[0], scenarios[0]

    measure("play_diagram_svg", lambda: diagrams.to_svg(diagrams.play_picture(play)))
    measure("play_diagram_png", lambda: diagrams.to_png(diagrams.play_picture(play)))
    measure(
        "scenario_preview_png",
        lambda: diagrams.to_png(diagrams.scenario_picture(scenario, play)),
    )
    measure(
        "preview_gif",
        lambda: animations.preview_gif(play, scenario),
        repeats=3,
        play=play.name,
    )

    run = services.simulation_run_start(
        team=team,
        user=None,
        plays=plays,
        scenarios=scenarios,
        episodes=200,
        seed=7,
        situation={"down": 1, "distance": 10.0, "yardline": 35.0},
        traces=4,
        inline=False,
    )
    # 64 pairs are more than a request computes; the benchmark runs the slices here.
    for slice_id in run.slices.values_list("id", flat=True):
        services.slice_run(slice_id)
    run.refresh_from_db()
    traces = list(run.traces.all())
    trace = min(traces, key=lambda t: abs(t.data["frames"][-1]["t_ms"] - REPLAY_MS))
    rules = animations.trace_rules(trace)
    measure(
        "replay_gif",
        lambda: animations.replay_gif(trace.data, rules, "Replay"),
        repeats=3,
        play_ms=trace.data["frames"][-1]["t_ms"],
        trace_frames=len(trace.data["frames"]),
    )
    measure("heatmap_png_8x8", lambda: diagrams.to_png(charts.heatmap_picture(run)))
    measure("heatmap_svg_8x8", lambda: diagrams.to_svg(charts.heatmap_picture(run)))
    measure("run_charts_svg", lambda: "".join(svg for _, svg in charts.run_charts(run)))


if __name__ == "__main__":
    main()
