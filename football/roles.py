"""Who is on the field: the offense's and the defense's role names for a side size."""

OFFENSE, DEFENSE = "OFFENSE", "DEFENSE"
QB, CENTER = "QB", "CENTER"


def offense_roles(players_per_side=5):
    """QB, CENTER, then the receivers WR1..WR(n-2)."""
    return [QB, CENTER, *(f"WR{i}" for i in range(1, players_per_side - 1))]


def defense_roles(players_per_side=5):
    """Defender slots D1..Dn."""
    return [f"D{i}" for i in range(1, players_per_side + 1)]
