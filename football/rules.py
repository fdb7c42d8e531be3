"""The rules profile a ruleset holds, and NFL FLAG 5v5, the one every new team gets.

Distances are in yards, times in milliseconds (docs/domain.md, "Field and units").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RulesProfile:
    """Every rule a ruleset stores, in the order the ruleset model lists them."""

    name: str = "NFL FLAG 5v5"
    external_id: str = "nfl_flag_5v5"
    players_per_side: int = 5
    field_width: float = 30.0
    field_length: float = 70.0  # including both end zones
    endzone_depth: float = 10.0
    no_run_zone_depth: float = 5.0
    use_midfield_line_to_gain: bool = True
    line_to_gain: float = 25.0
    reset_at_midfield: bool = True
    # NFL FLAG: three downs to cross midfield, then three to score (the same count).
    downs_to_convert: int = 3
    rush_distance: float = 7.0  # a rusher starts at least this deep
    rush_delay_ms: int = 0
    max_rushers: int = 1
    pass_clock_ms: int = 7000
    qb_can_run: bool = False
    allow_motion: bool = True
    motion_lateral_only: bool = True
    # NFL FLAG lets the one man in motion still be moving (parallel or away from the line)
    # when the ball is snapped: a jet or orbit runner has his running start.
    motion_at_snap: bool = True
    td_points: int = 6
    pat1_points: int = 1
    pat1_distance: float = 5.0
    pat2_points: int = 2
    pat2_distance: float = 10.0
    safety_points: int = 2

    def as_dict(self) -> dict:
        return asdict(self)


NFL_FLAG_5V5 = RulesProfile()

# The largest side any supported ruleset fields.
MAX_PLAYERS_PER_SIDE = 7
