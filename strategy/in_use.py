"""playbook.services.jobs_using receiver for analyses: a queued or running analysis
blocks deleting what it reads (simulation.in_use says what that is)."""

from simulation.in_use import mix_ids, unfinished, uses
from strategy.models import Analysis


def analyses_using(obj):
    """Queued or running analyses of obj's team that read obj (ours and the opponent's
    plays, both mixes, both playbooks)."""
    return [
        analysis
        for analysis in unfinished(Analysis, obj)
        if uses(
            analysis,
            obj,
            plays={
                *analysis.play_ids,
                *analysis.opponent_play_ids,
                *(p.pk for p in analysis.plays.all()),
            },
            scenarios={
                *mix_ids(analysis.mix),
                *mix_ids(analysis.our_mix),
                *(s.pk for s in analysis.scenarios.all()),
            },
            playbooks={analysis.playbook_id, analysis.opponent_playbook_id} - {None},
        )
    ]


def on_jobs_using(sender, obj, **kwargs):
    return analyses_using(obj)
