"""The simulation app's actions on the playbook admins: Simulate (plays and scenarios)
and Train (playbooks). They live here, not in playbook.admin, so the playbook stays
below the simulation layer; `install()` adds them to the registered admins.

Each action picks what to run from the selection, calls the service, and shows its
refusal as a message (never a 500); the rules are the services'."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse

from config.admin_text import describe
from playbook.constants import Bucket
from playbook.models import Play, Playbook, Scenario, default_ruleset
from simulation import policies, services
from simulation.jobs import TeamLimitExceeded
from simulation.learning import DEFAULT_ALGORITHM
from simulation.models import JobStatus, Priority

SIMULATE_EPISODES = 2000
SIMULATE_SITUATION = {"down": 1, "distance": 10.0, "yardline": 35.0}
TRAIN_EPISODES = 20_000


def _plural(n, word):
    return f"{n} {word}{'s' * (n != 1)}"


def _editable_team(model_admin, request, queryset, what):
    """The one team of the selection the user may run jobs for, or an error message."""
    selected = list(queryset.select_related("team"))
    if not selected:
        # Ids the user cannot see (another team's) or objects deleted since the list loaded.
        return None, (
            f"None of the selected {model_admin.opts.verbose_name_plural} can be used: they "
            "were deleted or belong to a team you are not in. Reload the list."
        )
    teams = {obj.team for obj in selected}
    if len(teams) > 1:
        names = ", ".join(sorted(t.name for t in teams))
        return None, f"The selection spans several teams ({names}); {what} one team at a time."
    team = selected[0].team
    if not model_admin.editable(request, queryset).exists():
        return None, f"Only the coaches and owners of {team} can run its simulations."
    return (team, selected), None


def simulate(model_admin, request, queryset):
    """Selected plays × every scenario of their team, or every play of the team × the
    selected scenarios, as one simulation run; then that run's page."""

    def refuse(text):
        model_admin.message_user(request, text, messages.ERROR)

    found, problem = _editable_team(model_admin, request, queryset, "simulate")
    if problem:
        return refuse(problem)
    team, selected = found
    if model_admin.model is Play:
        plays, scenarios = selected, list(Scenario.objects.filter(team=team))
        missing = "scenarios" if not scenarios else None
    else:
        plays, scenarios = list(Play.objects.filter(team=team)), selected
        missing = "plays" if not plays else None
    if missing:
        return refuse(f"{team} has no {missing} to simulate against yet: add one first.")
    try:
        run = services.simulation_run_start(
            team=team,
            user=request.user,
            plays=plays,
            scenarios=scenarios,
            episodes=SIMULATE_EPISODES,
            situation=dict(SIMULATE_SITUATION),
            traces=1,
            priority=Priority.INTERACTIVE,  # the coach waits on the run's page
        )
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        situation = {k: v for k, v in fields.items() if k.startswith("situation")}
        if situation:  # the situation is this action's own choice: say which one
            details = "; ".join(m for ms in situation.values() for m in ms)
            return refuse(
                f"1st and 10 at 35 yd to the goal does not fit {default_ruleset(team)}: {details}."
            )
        return refuse(f"The simulation was refused: {describe(error)}")
    except TeamLimitExceeded as error:
        return refuse(str(error))
    what = (
        f"{_plural(len(plays), 'play')} × {_plural(len(scenarios), 'scenario')}, "
        f"{SIMULATE_EPISODES:,} episodes each"
    )
    if run.status == JobStatus.SUCCEEDED:
        model_admin.message_user(
            request, f"Simulation #{run.pk} finished: {what}.", messages.SUCCESS
        )
    elif run.status == JobStatus.FAILED:
        model_admin.message_user(
            request, f"Simulation #{run.pk} failed: {what}. {run.error}", messages.ERROR
        )
    else:
        model_admin.message_user(
            request,
            f"Simulation #{run.pk} is running in the background: {what}. "
            "This page shows its progress.",
            messages.SUCCESS,
        )
    return HttpResponseRedirect(reverse("admin:simulation_simulationrun_change", args=[run.pk]))


@admin.action(
    description=f"Train play-calling policy (Thompson sampling, {TRAIN_EPISODES:,} episodes)",
    permissions=["change"],
)
def train_policy(model_admin, request, queryset):
    """The playbook's plays against every scenario of its team (equal weights), in every
    bucket those scenarios fit, started as the API's POST …/policies/train/ starts it;
    then the new policy's page."""

    def refuse(text):
        model_admin.message_user(request, text, messages.ERROR)

    selected = list(queryset.select_related("team"))
    books = list(model_admin.editable(request, queryset).select_related("team"))
    if not books:
        if not selected:
            return refuse(
                "None of the selected playbooks can be used: they were deleted or belong to "
                "a team you are not in. Reload the list."
            )
        names = ", ".join(sorted({str(b.team) for b in selected}))
        return refuse(f"Only the coaches and owners of {names} can train its policies.")
    started = []
    for book in books:
        team = book.team
        scenarios = list(Scenario.objects.filter(team=team).prefetch_related("defenders"))
        if not scenarios:
            refuse(f"{book}: {team} has no scenarios to train against yet: add one first.")
            continue
        buckets = [
            b for b in Bucket.values if not policies.scenario_fit_errors(scenarios, [b], None, team)
        ]
        if not buckets:
            problems = policies.scenario_fit_errors(scenarios, Bucket.values, None, team)
            refuse(f"{book}: no situation bucket fits every scenario: {problems[0]}")
            continue
        try:
            policy = policies.policy_train_start(
                team=team,
                user=request.user,
                playbook=book,
                mix=[(s, 1.0) for s in scenarios],
                buckets=buckets,
                algorithm=DEFAULT_ALGORITHM,
                episodes=TRAIN_EPISODES,
                name=f"{book.name} (Thompson, {TRAIN_EPISODES:,} episodes)"[:120],
                priority=Priority.INTERACTIVE,  # recommendations the coach asked for now
            )
        except ValidationError as error:
            refuse(f"{book}: the training was refused: {describe(error)}")
            continue
        except TeamLimitExceeded as error:
            refuse(f"{book}: {error}")
            continue
        started.append(policy)
        skipped = [b for b in Bucket.values if b not in buckets]
        note = f" Left out (a defender would stand past the end line): {', '.join(skipped)}."
        model_admin.message_user(
            request,
            f"Policy #{policy.pk} is training on {book}: {len(policy.play_ids)} plays × "
            f"{len(scenarios)} scenarios, {len(buckets)} buckets, {TRAIN_EPISODES:,} episodes. "
            "Its page shows the progress." + (note if skipped else ""),
            messages.SUCCESS,
        )
    if len(started) == 1:
        return HttpResponseRedirect(reverse("admin:simulation_policy_change", args=[started[0].pk]))
    if started:
        return HttpResponseRedirect(reverse("admin:simulation_policy_changelist"))
    return None


def _with_options(field, target, what):
    """An action that opens a start form with the selection filled in (the coach then
    picks the rest: defenses, situation, episodes …)."""

    def action(model_admin, request, queryset):
        rows = list(model_admin.editable(request, queryset).values_list("pk", "team_id"))
        if not rows:
            return model_admin.message_user(
                request, f"None of the selected {what} can be used by you.", messages.ERROR
            )
        ids = ",".join(str(pk) for pk, _ in rows)
        return HttpResponseRedirect(f"{reverse(target)}?team={rows[0][1]}&{field}={ids}")

    action.__name__ = f"{field}_with_options"
    return action


def install(site=admin.site):
    """Offer Simulate on plays and scenarios, Train on playbooks (after their own actions)."""
    simulate_plays = admin.action(
        description="Simulate selected plays against every scenario of their team",
        permissions=["change"],
    )(_named(simulate, "simulate"))
    simulate_scenarios = admin.action(
        description="Simulate every play of the team against the selected scenarios",
        permissions=["change"],
    )(_named(simulate, "simulate"))
    run_form, train_form = (
        "admin:simulation_simulationrun_add",
        "admin:simulation_policy_add",
    )
    options = {
        Play: admin.action(
            description="Simulate selected plays with options (defenses, situation, episodes …)",
            permissions=["change"],
        )(_with_options("plays", run_form, "plays")),
        Scenario: admin.action(
            description="Simulate selected scenarios with options (plays, situation, episodes …)",
            permissions=["change"],
        )(_with_options("scenarios", run_form, "scenarios")),
        Playbook: admin.action(
            description="Train a policy with options (defense mix, situations, algorithm …)",
            permissions=["change"],
        )(_with_options("playbook", train_form, "playbooks")),
    }
    for model, action in (
        (Play, simulate_plays),
        (Scenario, simulate_scenarios),
        (Playbook, train_policy),
    ):
        model_admin = site._registry[model]
        if action not in model_admin.actions:
            model_admin.actions = [*model_admin.actions, action, options[model]]


def _named(function, name):
    """A copy of an action under its own name (each admin gets its own description)."""

    def action(model_admin, request, queryset):
        return function(model_admin, request, queryset)

    action.__name__ = name
    return action
