"""The demo playbook and defenses (fixtures/fieldos-demo) as a team, for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

from simulation.drives.rules import NFL_FLAG, DriveRules
from simulation.drives.transitions import TeamSpec
from simulation.engine.demo import load_demo

DEMO_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "fieldos-demo"


def demo_team(name: str = "Demo", rules: DriveRules = NFL_FLAG, directory=DEMO_DIR) -> TeamSpec:
    """All demo plays, all demo defenses called equally often, the demo lineup."""
    demo = load_demo(directory, rules.engine)
    return TeamSpec(
        name=name,
        plays=demo.plays,
        defenses=demo.scenarios,
        offense_players=demo.offense,
        defense_players=demo.defense,
    )
