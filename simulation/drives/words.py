"""Situations in a coach's words: "3rd & 2 at own 23", "1st & goal at their 3"."""

from __future__ import annotations


def spot(L: int, ytg: int) -> str:
    """Yards to the goal as a coach says it: "own 5", "midfield", "their 20"."""
    if 2 * ytg == L:
        return "midfield"
    return f"own {L - ytg}" if 2 * ytg > L else f"their {ytg}"


def situation_text(L: int, down: int, distance: int, ytg: int) -> str:
    nth = {1: "1st", 2: "2nd", 3: "3rd"}.get(down, f"{down}th")
    togo = "goal" if distance >= ytg else str(distance)
    return f"{nth} & {togo} at {spot(L, ytg)}"
