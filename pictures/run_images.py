"""A simulation run's pictures as `pictures.serving.Image`s: trace replays and the plays ×
defenses heat map. Traces never change once recorded and a run's metrics only change
until it finishes, so their content keys are hashes of that stored data."""

from dataclasses import asdict

from pictures.serving import Image, content_key, safe_filename
from playbook.models import Scenario

HEATMAP_VALUES = ("mean_reward", "success_rate")


def replay(trace) -> Image:
    """The recorded episode as an animated GIF, one frame per trace frame."""
    from pictures.animations import replay_gif, trace_rules

    run = trace.run
    rules = trace_rules(trace)  # the field the episode was played on
    title = _trace_title(trace)
    key = content_key("replay", trace.data, asdict(rules), title)
    name = safe_filename(f"run-{run.pk}-trace-{trace.index}", "gif")
    return Image(key, "gif", lambda: replay_gif(trace.data, rules, title), name)


def _trace_title(trace):
    from playbook.models import Play

    play = Play.objects.filter(pk=trace.play_id_ref).values_list("name", flat=True).first()
    scenario = (
        Scenario.objects.filter(pk=trace.scenario_id_ref).values_list("name", flat=True).first()
    )
    return f"{play or 'deleted play'} vs {scenario or 'deleted scenario'}"


def heatmap(run, ext, value="mean_reward") -> Image:
    """Plays × defenses, coloured by `value`, the number in each cell."""
    from pictures import diagrams
    from pictures.charts import heatmap_picture

    if value not in HEATMAP_VALUES:
        raise ValueError(f"Unknown value '{value}': use one of {', '.join(HEATMAP_VALUES)}.")
    picture = heatmap_picture(run, value)
    render = diagrams.to_svg if ext == "svg" else diagrams.to_png
    name = safe_filename(f"run-{run.pk}-heatmap", ext)
    return Image(picture.digest, ext, lambda: render(picture), name)
