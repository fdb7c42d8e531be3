"""Every number the model uses, in one place.

docs/engine.md explains where each comes from and which calibration band it serves; the
ones marked (DOMAIN) are fixed by the domain contract (docs/domain.md). The rest come from football
timing/biomechanics reference points, then were set with `make calibrate` (demo set and
a perturbed set, so they are not fitted to the demo alone).
"""

# --- time ---------------------------------------------------------------------------
DT_MS = 50  # (DOMAIN) one simulation step
FINE_MS = 10  # resolution of the precomputed route paths the defenders look back into
CHUNK_SIZE = 1024  # (DOMAIN) episodes per random stream: chunk k uses SeedSequence([seed, k])
BATCH_CHUNKS = 16  # chunks simulated together in one vectorised pass (speed only)
MAX_DEFENDERS = 7  # the largest side any ruleset fields (the random-number layout has room)
YAC_MAX_STEPS = 400  # 20 s after the catch: a safety stop, never reached on a 50-yd field

# --- movement (all players) -------------------------------------------------------
TOP_SPEED_BASE = 5.5  # (DOMAIN) yd/s at rating 0
TOP_SPEED_PER_RATING = 3.5  # (DOMAIN) + yd/s at rating 100
ACCEL_BASE = 4.0  # yd/s² at acceleration 0
ACCEL_PER_RATING = 6.0  # + yd/s² at 100: a 90 reaches 8.7 yd/s in about 0.9 s
# Speed lost turning by an angle θ: TURN_LOSS_MAX × (1-cosθ)/2 × (1 - TURN_SKILL × rating/100).
# A 90-rated cutter keeps ~80 % of his speed through a 90° cut, a 50-rated one ~70 %.
TURN_LOSS_MAX = 0.8
TURN_SKILL = 0.6
# After his last breakpoint a receiver on a route that does not settle carries on along
# its last leg at this share of his top speed (the timed part of the route is over).
POST_ROUTE_SPEED_FACTOR = 0.6
SIDELINE_MARGIN_YD = 1.0  # receivers bend their route to stay this far inside the boundary
END_LINE_SIT_YD = (
    3.0  # a route that reaches the back of the end zone sits this far inside the end line
)

# --- quarterback --------------------------------------------------------------------
DROPBACK_MS = 600  # (DOMAIN) no read finishes before this
OPEN_YD = 1.5  # predicted separation (yd) at the catch point the QB wants to call a read open
OPEN_NOISE_YD = 0.6  # per-play spread of that appetite (how tight a window he'll throw into)
# ... plus this per second of the ball's flight: what he sees now says less about a catch
# point further ahead in time (defenders react during the flight).
OPEN_PER_FLIGHT_S = 1.0
# As the play goes on he settles for less: from his first read on, the openness he wants
# falls by this much a second (a QB takes the best of what is left, not the ideal read).
OPEN_DECAY_PER_S = 1.0
# At the clock or under pressure a read is still worth a throw down to this predicted
# separation: the defender gets there about as the ball does (a contested ball).
SOMEWHAT_OPEN_YD = -4.0
# With the rusher on him, the one who extended throws up a ball this contested (yd of
# predicted separation, his flight not paid for) rather than take the sack.
LAST_LOOK_OPEN_YD = -2.0
# ... but he gets that throw off in time only with probability Φ(-LATE_THROW_Z) (the other
# tail of the late throw-away's draw, so the two never overlap).
LATE_THROW_Z = 0.0
PRESSURE_OPEN_YD = -0.7  # rushed: the check-down must be at least this open, else away
BALL_SPEED_BASE = 15.0  # (DOMAIN) yd/s at throw_power 0
BALL_SPEED_PER_RATING = 10.0  # (DOMAIN) + yd/s at throw_power 100
SHORT_MAX_AIR_YD = 5.0  # (DOMAIN) short accuracy up to here
MID_MAX_AIR_YD = 15.0  # (DOMAIN) mid accuracy up to here, deep beyond
# Miss σ per axis (yd) = accuracy factor × (SIGMA_BASE_YD + SIGMA_PER_YD × throw length),
# accuracy factor = ACC_FACTOR_BASE + ACC_FACTOR_SLOPE × (100 - accuracy)/100.
SIGMA_BASE_YD = 0.5
SIGMA_PER_YD = 0.022
ACC_FACTOR_BASE = 0.5
ACC_FACTOR_SLOPE = 2.0
# Route precision: a receiver with route_running r is off the spot the QB throws to by
# ROUTE_PRECISION_YD × (1 - r/100) per axis (added to the miss in quadrature).
ROUTE_PRECISION_YD = 1.0
DEEP_SIGMA_FACTOR = 1.1  # a deep ball is lofted: the arc adds its own error
PRESSURE_SIGMA_FACTOR = 1.5  # (DOMAIN)
PRESSURE_BALL_SPEED_FACTOR = 0.75  # off his back foot the ball comes out slower
PRESSURE_YD = 3.0  # (DOMAIN) a rusher this close at release = pressured throw
# The QB gets rid of the ball when the nearest rusher's time to reach him falls below his
# release time plus a margin drawn per play: lognormal with this mean (ms) and log-sd. It is
# never negative: a QB does not start a throw he cannot finish before the flag is pulled.
HURRY_MARGIN_MEAN_MS = 500.0
HURRY_MARGIN_LOG_SD = 0.6
# On the plays whose pocket-feel draw falls below this (Φ(-1.64) = 5 %) he does not feel
# the rusher at all: he reads on as if clean (QB-caused sacks: holding the ball too long).
HURRY_BLIND_Z = -1.64
# Rushed with nothing worth a throw, he throws it away unless he tries to extend the play
# (stays in the pocket reading): P(throw away) = Φ(AWAY_Z) per play.
AWAY_Z = -0.6
# One who extended gets a last look when the rusher is about to arrive (his time to the QB
# below the release time): he throws it away then with probability Φ(AWAY_LATE_Z).
AWAY_LATE_Z = -0.5
EXTRA_RUSHER_Z = 2.0  # ... lowered by this for each rusher beyond the first
EXTRA_RUSHER_MARGIN = 0.75  # each rusher beyond the first scales his margin by this
# The QB's appetite for a read by the situation (yd added to the openness he wants):
# on a late down a catch short of the line to gain must be this much more open, one past
# it this much less; near the goal line the same for a catch short of / in the end zone.
SHORT_OF_STICKS_YD = 1.5
PAST_STICKS_YD = 1.5
SHORT_OF_GOAL_YD = 1.0
IN_END_ZONE_YD = 0.5
CHECKDOWN_BIAS_YD_PER_YD = 3.0  # choosing the check-down, 1 yd of bias = 3 yd longer throw
LATE_DOWN = 3  # the down from which the line to gain decides (the last down counts as 3rd)
GOAL_TO_GO_YD = 10.0  # inside this a catch in the end zone is what the QB is looking for

# --- rush -----------------------------------------------------------------------------
FLAG_PULL_YD = 1.0  # (DOMAIN) a defender this close pulls the flag
# A rusher must break down to pull a flag from a QB who slides in the pocket, so he closes
# at a fraction of his top speed: RUSH_SPEED_BASE + RUSH_SPEED_PER_RATING × pass_rush/100.
RUSH_SPEED_BASE = 0.40
RUSH_SPEED_PER_RATING = 0.25
# Start of the rush after the rule's rush delay: reaction_time × (GET_OFF_BASE - SLOPE × get_off).
GET_OFF_BASE = 1.5
GET_OFF_SLOPE = 1.0

# --- coverage -------------------------------------------------------------------------
MAN_AUTO_MAX_DEPTH_YD = 5.0  # (DOMAIN) MAN call: defenders this close to the LOS play man
ZONE_DEEP_X_YD = 10.0  # (DOMAIN) zones at or beyond this depth are deep
ZONE_RADIUS_UNDER_YD = 5.0  # (DOMAIN)
ZONE_RADIUS_DEEP_YD = 8.0  # (DOMAIN)
MAN_CUSHION_MAX_YD = 1.0  # a man defender aligned off plays up to this far on top of his man
# Extra look-back at a receiver's direction change (ms):
#   BREAK_LAG_MS × sharpness × exp(BREAK_LAG_SKILL × (receiver skill - defender skill)/100)
#   × lognormal(BREAK_LAG_SD) per defender and play; sharpness = (1-cosθ)/2.
BREAK_LAG_MS = 200.0
BREAK_LAG_SKILL = 3.0
BREAK_LAG_SD = 0.5
SETTLE_SHARPNESS = 0.5  # a receiver stopping dead counts as a 90° break
LAG_RECOVERY_MS = 900.0  # the extra lag fades with this time constant as the defender recovers
# A defender following a receiver projects what he saw forward by the receiver's velocity
# then (measured over VELOCITY_WINDOW fine steps) times ANTICIPATION of his look-back.
VELOCITY_WINDOW = 5
ANTICIPATION = 1.0
# A follower's look-back is his reaction time scaled by READ_BASE - READ_SLOPE × rating/100:
# a man defender reads his receiver's release and hips (man_coverage), a zone defender reads
# the QB, not the route (zone_coverage).
MAN_READ_BASE = 1.3
MAN_READ_SLOPE = 0.6
ZONE_READ_BASE = 1.3
ZONE_READ_SLOPE = 0.6
ZONE_CUSHION_YD = 1.0  # a zone defender stays this much deeper than the receiver he plays
# A zone defender plays the point this share of the way from his landmark to the receiver
# (plus cushion): ZONE_SHADE_BASE + ZONE_SHADE_PER_RATING × zone_coverage/100.
ZONE_SHADE_BASE = 0.2
ZONE_SHADE_PER_RATING = 0.4
ZONE_AWARENESS_YD = 1.0  # a receiver this far outside the zone is already the zone's problem
# An underneath defender whose zone empties keeps carrying his receiver until another zone
# picks him up, up to this many zone radii from his landmark.
ZONE_CARRY_FACTOR = 2.0
UNMANNED_PRIORITY_YD = 100.0  # ranking key: a receiver with no man defender comes first
# Every defender breaks on a thrown ball once he has read it: after his reaction time ×
# (BALL_READ_BASE - BALL_READ_COVER × coverage/100), coverage = man_coverage for a man
# defender, zone_coverage for the others; he then runs at the catch point at closing
# speed, from wherever he is (far defenders rally too). Ball skills act at the catch point.
BALL_READ_BASE = 1.7
BALL_READ_COVER = 1.0
# Pursuit and breaking on the ball: top speed × (CLOSING_BASE + CLOSING_PER_RATING × rating/100).
CLOSING_BASE = 0.92
CLOSING_PER_RATING = 0.12
PURSUIT_HORIZON_S = 3.0  # a pursuer aims at the interception point at most this far ahead
# A receiver who had to adjust to the ball loses this share of his speed at a catch made
# at full reach (proportionally less for a ball closer to him).
CATCH_ADJUST_LOSS = 0.4
CARRY_SPEED_FACTOR = 0.92  # a carrier reading pursuit runs below his sprint speed
# The carrier bends away from the nearest pursuer: lateral share of his heading at most
# EVADE_MAX, scaled by his agility (EVADE_BASE + EVADE_PER_RATING × agility/100).
EVADE_MAX = 0.6
EVADE_BASE = 0.3
EVADE_PER_RATING = 0.7
EVADE_RANGE_YD = 6.0  # pursuers farther than this do not bend his run
# A flag pull within FLAG_PULL_YD succeeds with probability Φ(PULL_Z_BASE + PULL_Z_SKILL ×
# (puller skill - carrier skill)/100), skills = mean(agility, change_of_direction); a
# defender who misses is out of the play for PULL_MISS_MS (he overran or lunged).
PULL_Z_BASE = 0.75
PULL_Z_SKILL = 2.0
PULL_MISS_MS = 600.0
PULL_MISS_SPEED = 0.3  # ... during which he runs at this share of his speed
PULL_ATTEMPTS = 3  # random draws per episode; a fourth defender in range always gets him
# The depth a zone needs behind its deepest landmark's spot (the 14-yd middle safety plus
# room to carry a vertical): with less field than this left, landmark depths scale down.
ZONE_FULL_DEPTH_YD = 20.0
END_LINE_MARGIN_YD = 0.5  # defenders do not drop or trail past this inside the end line

# --- catch point ----------------------------------------------------------------------
REACH_FULL_YD = 1.2  # a ball this close to the receiver is fully catchable
REACH_MAX_YD = 2.7  # beyond this he cannot get a hand on it
HANDS_BASE = 0.75  # catch probability of an uncontested, on-target ball at hands 0 ...
HANDS_PER_RATING = 0.23  # ... plus this at hands 100 (a 90 catches 96 %)
# A defender this far from the ball at arrival knocks away a share of catches:
# CONTEST_MAX × cover × (1 - SEPARATION_SKILL × separation/100) × exp(-distance / CONTEST_SCALE_YD),
# cover = CONTEST_COVER_BASE + CONTEST_COVER_SLOPE × coverage/100 of the nearest defender.
CONTEST_MAX = 1.0
CONTEST_SCALE_YD = 0.9
CONTEST_COVER_BASE = 0.0
CONTEST_COVER_SLOPE = 1.3
SEPARATION_SKILL = 0.25  # the separation rating: body position and late hands in a contest
INT_MAX = 0.8  # pick chance of a defender on the catch point, ball_skills 100, first to it ...
INT_SKILL_BASE = 0.35  # ... scaled by INT_SKILL_BASE + (1 - INT_SKILL_BASE) × ball_skills/100
INT_REACH_YD = 2.5  # ... fading linearly to 0 at this distance from the catch point ...
INT_MARGIN_YD = 0.25  # ... and growing with how much closer than the receiver he is
CATCH_OOB_MARGIN_YD = 0.5  # a receiver can reach this far past the sideline for a ball

# --- reward (DOMAIN) ------------------------------------------------------------------
REWARD_YARDS_MIN = -5.0
REWARD_YARDS_MAX = 25.0
REWARD_CONVERT = 10.0
REWARD_SACK = -5.0
REWARD_INTERCEPTION = -10.0

# --- metric histograms -----------------------------------------------------------------
YARDS_BIN = 0.5  # yd; bins centred on multiples of 0.5
YARDS_MIN = -20.0
YARDS_MAX = 120.0
TIME_BIN_MS = 50  # ms; throws happen on the 50-ms step grid, so this is exact
TIME_MAX_MS = 20000
