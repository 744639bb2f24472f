"""The numbers of the protection layer, in one place (docs/privacy.md explains each).

Every figure and row that leaves a team (the organisation view, aggregate and record-level
exports, and later the API) is protected with these; nothing else in the code restates them.
"""

# A count of 1 to 10 is never published: it shows as "fewer than 11".
THRESHOLD = 11
# Published counts move by at most this much from the true value (the protection interval),
# always the same way for the same people (cell-key perturbation): totals of 100 or more
# stay within 2% of the truth.
PROTECTION_INTERVAL = 2
# After everything released is combined, a protected count keeps at least this many
# possible values (docs/privacy.md: the linear-programming audit).
FEWEST_POSSIBLE_VALUES = 5
# Quantities (kits, supplies): published only when at least THRESHOLD people received them,
# no one of them more than half and no two of them more than three quarters.
DOMINANCE_ONE = 0.5
DOMINANCE_TWO = 0.75
# Record-level exports: every combination of quasi-identifiers holds at least k people
# (11 unless the admin chooses, never fewer than K_MIN); sensitive columns take at least
# L_DIVERSITY different values in every such group.
K_DEFAULT = 11
K_MIN = 5
L_DIVERSITY = 2
