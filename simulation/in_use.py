"""Which unfinished trainings (and, through strategy, analyses) use an object: the
answer to playbook.services.jobs_using for jobs that read their inputs while they run.

A run keeps a snapshot of its inputs and answers from it (snapshot.runs_using). A
training or an analysis reads the live objects when its task runs, so deleting one of
them under a queued or running job would fail it or mix two versions. Such a job uses
what it was asked for: its plays (and their formations, routes and rulesets), its
defenses (and their rulesets and named defenders), its ruleset, its lineup (the team's
default when it names none, and that lineup's players) and its playbooks."""

from playbook.models import (
    Formation,
    Lineup,
    LineupSpot,
    Play,
    PlayAssignment,
    Playbook,
    Player,
    Route,
    Ruleset,
    Scenario,
    ScenarioDefender,
)
from simulation.models import FINISHED, Policy


def mix_ids(mix):
    """The scenario ids of a defense mix ([{"scenario": id, "weight": w}])."""
    return {item["scenario"] for item in mix or () if isinstance(item, dict) and "scenario" in item}


def uses(job, obj, *, plays, scenarios, playbooks):
    """Whether `job` (a Policy or an Analysis) reads `obj`; plays, scenarios and
    playbooks are the ids it was asked for."""
    pk = obj.pk
    if isinstance(obj, Play):
        return pk in plays
    if isinstance(obj, Scenario):
        return pk in scenarios
    if isinstance(obj, Playbook):
        return pk in playbooks
    if isinstance(obj, Formation):
        return Play.objects.filter(pk__in=plays, formation=pk).exists()
    if isinstance(obj, Route):
        return PlayAssignment.objects.filter(play__in=plays, route=pk).exists()
    if isinstance(obj, Ruleset):
        return (
            job.ruleset_id == pk
            or Play.objects.filter(pk__in=plays, ruleset=pk).exists()
            or Scenario.objects.filter(pk__in=scenarios, ruleset=pk).exists()
        )
    lineup_id = job.lineup_id or (
        Lineup.objects.filter(team=job.team_id, is_default=True)
        .values_list("pk", flat=True)
        .first()
    )
    if isinstance(obj, Lineup):
        return lineup_id == pk
    if isinstance(obj, Player):
        return (
            LineupSpot.objects.filter(lineup=lineup_id, player=pk).exists()
            or ScenarioDefender.objects.filter(scenario__in=scenarios, player=pk).exists()
        )
    return False


def unfinished(model, obj):
    """The queued or running jobs of `model` in obj's team, oldest first."""
    team_id = getattr(obj, "team_id", None)
    if team_id is None or obj.pk is None:
        return []
    return list(
        model.objects.filter(team=team_id)
        .exclude(status__in=FINISHED)
        .prefetch_related("plays", "scenarios")
        .order_by("id")
    )


def policies_using(obj):
    """Queued or running trainings of obj's team that read obj."""
    return [
        policy
        for policy in unfinished(Policy, obj)
        if uses(
            policy,
            obj,
            plays={*policy.play_ids, *(p.pk for p in policy.plays.all())},
            scenarios={*mix_ids(policy.mix), *(s.pk for s in policy.scenarios.all())},
            playbooks={policy.playbook_id} - {None},
        )
    ]


def on_jobs_using(sender, obj, **kwargs):
    """playbook.services.jobs_using receiver: a queued or running training blocks
    deleting what it trains on."""
    return policies_using(obj)
