"""Starting a training: every rule a policy must meet, then the job on the queue."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from playbook.constants import Bucket
from simulation import jobs
from simulation.learning import DEFAULT_ALGORITHM, EPSILON_GREEDY, THOMPSON, UCB1
from simulation.models import Policy, Priority
from simulation.policies.buckets import scenario_fit_errors

MIN_EPISODES, MAX_EPISODES = 100, 2_000_000
MAX_PLAYS, MAX_SCENARIOS = 64, 32
PARAMS = {UCB1: {"c": (0.0, 1000.0)}, THOMPSON: {}, EPSILON_GREEDY: {"epsilon": (0.0, 1.0)}}


def policy_train_check(*, team, plays, mix, buckets, algorithm, params, episodes, ruleset=None):
    """Every rule of a training, as field-keyed ValidationErrors. Returns the plays (each
    once), the buckets in bucket order and the parameters."""
    plays = list({p.pk: p for p in plays}.values())
    if len(plays) < 2:
        raise ValidationError(
            {"plays": ["At least 2 different plays are needed to choose between."]}
        )
    if len(plays) > MAX_PLAYS:
        raise ValidationError({"plays": [f"At most {MAX_PLAYS} plays."]})
    ids = [scenario.pk for scenario, _ in mix]
    if len(set(ids)) != len(ids):
        raise ValidationError({"scenarios": ["A scenario is listed twice."]})
    if len(mix) > MAX_SCENARIOS:
        raise ValidationError({"scenarios": [f"At most {MAX_SCENARIOS}."]})
    params = dict(params or {})
    allowed = PARAMS[algorithm]
    errors = []
    for key, value in params.items():
        if key not in allowed:
            names = ", ".join(allowed) or "no parameters"
            errors.append(f"{key!r} is not a parameter of {algorithm} (it takes {names}).")
            continue
        low, high = allowed[key]
        if key == "c" and not low < value <= high:
            errors.append(f"c = {value:g} — must be above 0 and at most {high:g}.")
        elif key == "epsilon" and not low <= value <= high:
            errors.append(f"epsilon = {value:g} — must be between 0 and 1.")
    if errors:
        raise ValidationError({"params": errors})
    buckets = list(dict.fromkeys(buckets or Bucket.values))
    if episodes < len(buckets) * len(plays):
        raise ValidationError(
            {
                "episodes": [
                    f"{episodes:,} episodes cannot try {len(plays)} plays in "
                    f"{len(buckets)} buckets even once."
                ]
            }
        )
    misfits = scenario_fit_errors([s for s, _ in mix], buckets, ruleset, team)
    if misfits:
        raise ValidationError({"scenarios": misfits})
    return plays, buckets, params


@transaction.atomic
def policy_train_start(
    *,
    team,
    user,
    mix,
    algorithm=DEFAULT_ALGORITHM,
    episodes=20_000,
    plays=None,
    playbook=None,
    buckets=None,
    params=None,
    seed=None,
    ruleset=None,
    lineup=None,
    name="",
    priority=Priority.BATCH,
):
    """Check the training (policy_train_check) and the team's episodes per day, create
    the policy (queued) and queue its task after the commit (Priority.INTERACTIVE before
    batch work). mix: [(Scenario, weight)]; plays: a list, or None for the
    playbook's plays; buckets: None for all seven; seed: None for a random one."""
    if plays is None:
        plays = [e.play for e in playbook.entries.select_related("play")] if playbook else []
    plays, buckets, params = policy_train_check(
        team=team,
        plays=plays,
        mix=mix,
        buckets=buckets,
        algorithm=algorithm,
        params=params,
        episodes=episodes,
        ruleset=ruleset,
    )
    jobs.team_episodes_check(team, episodes)
    seed = secrets.randbelow(2**31) if seed is None else seed
    policy = Policy.objects.create(
        team=team,
        created_by=user,
        name=name,
        playbook=playbook,
        mix=[{"scenario": s.pk, "weight": float(w)} for s, w in mix],
        buckets=list(buckets),
        ruleset=ruleset,
        lineup=lineup,
        algorithm=algorithm,
        params=dict(params),
        episodes=episodes,
        seed=seed,
        play_ids=sorted(p.pk for p in plays),
        priority=int(priority),
    )
    policy.plays.set(plays)
    policy.scenarios.set([s for s, _ in mix])
    from simulation.policy_tasks import train_policy_enqueue

    transaction.on_commit(lambda: train_policy_enqueue(policy))
    return policy
