"""Likely duplicates: one new name against the team (registering), and pairs (supervisors).

A likely duplicate has a similar name or alias (pg_trgm trigram similarity on the normalised
`search_names`; thresholds in config/settings/base.py), a year of birth within MAX_YEAR_GAP
of the other's (or unknown), and the same gender (or unknown). The score adds a little for a
closer year and the same gender, so that among equally similar names the more likely person
comes first. Merged records never come back, nor do pairs a supervisor dismissed.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity, TrigramStrictWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Abs, Greatest

from accounts.models import User
from audit.models import AuditEvent
from audit.services import record
from clients.models import Client, DuplicateDismissal, normalise_name

MAX_YEAR_GAP = 2
# Genders that say nothing either way: they never rule a match out.
UNKNOWN_GENDERS = ("", Client.Gender.NOT_SAID.value)
SHOWN_WHILE_REGISTERING = 5
PAIRS_SHOWN = 50
# Score = NAME_WEIGHT * name similarity + up to YEAR_WEIGHT (same year) + GENDER_WEIGHT (same gender).
NAME_WEIGHT = 0.7
YEAR_WEIGHT = 0.2
GENDER_WEIGHT = 0.1
# One word of a longer name ("Maria" of "Maria Garcia") counts a little less than the whole.
PART_WEIGHT = 0.8


@dataclass(frozen=True)
class Pair:
    first: Client
    second: Client
    score: float

    @property
    def people(self) -> tuple[Client, Client]:
        """Earlier registered first: the record suggested to keep when merging."""
        older_first = self.first.created_at <= self.second.created_at
        return (self.first, self.second) if older_first else (self.second, self.first)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def likely_duplicates(
    user: User, *, name: str, year_of_birth: int | None, gender: str, limit: int = SHOWN_WHILE_REGISTERING
) -> list[tuple[Client, float]]:
    """People in the user's scope who may be the person about to be registered, best first.

    Candidates come from the trigram index (`%>` on the whole name and on each of its words),
    scored by similarity of whole words (as search ranks); nothing without a name, which has
    nothing to compare.
    """
    text = normalise_name(name)
    if not text:
        return []
    words = sorted(set(text.split())) if " " in text else []
    condition = Q(search_names__trigram_word_similar=text)
    for word in words:
        condition |= Q(search_names__trigram_word_similar=word)
    people = Client.objects.visible_to(user).current().filter(condition)
    if year_of_birth is not None:
        gap = (year_of_birth - MAX_YEAR_GAP, year_of_birth + MAX_YEAR_GAP)
        people = people.filter(Q(year_of_birth__isnull=True) | Q(year_of_birth__range=gap))
    if gender not in UNKNOWN_GENDERS:
        people = people.filter(gender__in=[gender, *UNKNOWN_GENDERS])
    similarity = Greatest(
        TrigramStrictWordSimilarity(text, "search_names"),
        TrigramSimilarity("search_names", text),
        *[TrigramStrictWordSimilarity(word, "search_names") * PART_WEIGHT for word in words],
        output_field=FloatField(),
    )
    score = similarity * NAME_WEIGHT + _year_score(year_of_birth) + _gender_score(gender)
    scored = people.select_related("home_team").annotate(duplicate_score=score).order_by("-duplicate_score", "code")
    return [(person, round(person.duplicate_score, 2)) for person in scored[:limit]]


def _year_score(year_of_birth: int | None) -> Value | Case:
    if year_of_birth is None:
        return Value(0.0)
    closeness = (MAX_YEAR_GAP + 1 - Abs(F("year_of_birth") - year_of_birth)) / (MAX_YEAR_GAP + 1.0)
    return Case(
        When(year_of_birth__isnull=False, then=closeness * YEAR_WEIGHT), default=Value(0.0), output_field=FloatField()
    )


def _gender_score(gender: str) -> Value | Case:
    if gender in UNKNOWN_GENDERS:
        return Value(0.0)
    return Case(When(gender=gender, then=Value(GENDER_WEIGHT)), default=Value(0.0), output_field=FloatField())


# Pairs within each team the user supervises. Comparing each person's names with everyone
# else's through the GIN index is one index probe per person, and each probe reads the
# similar names of every team (bench/, 5,000 people in a team of 50,000: 10 s). Instead the
# comparison goes word by word: the team's distinct words (a few hundred), pairs of words
# that share a trigram and are similar (`%`, pg_trgm.similarity_threshold) or equal, then
# the people who have those words, in hash joins (0.2 s there). Pairs are kept once, as
# (lower id, higher id) like DuplicateDismissal, and scored on their whole names.
PAIRS_SQL = """
WITH words AS MATERIALIZED (
    SELECT DISTINCT p.id, p.home_team_id, p.year_of_birth, p.gender, w.word
    FROM clients_client AS p CROSS JOIN LATERAL regexp_split_to_table(p.search_names, '\\s+') AS w(word)
    WHERE p.home_team_id = ANY(%(teams)s::uuid[])
      AND p.merged_into_id IS NULL AND p.erased_at IS NULL AND p.search_names <> ''
),
grams AS MATERIALIZED (
    SELECT word, unnest(show_trgm(word)) AS gram FROM (SELECT DISTINCT word FROM words) AS vocabulary
),
similar_words AS MATERIALIZED (
    SELECT g1.word AS w1, g2.word AS w2
    FROM grams AS g1 JOIN grams AS g2 ON g2.gram = g1.gram AND g2.word >= g1.word
    GROUP BY g1.word, g2.word
    HAVING g1.word = g2.word OR g1.word %% g2.word
),
pairs AS MATERIALIZED (
    SELECT DISTINCT least(a.id, b.id) AS first_id, greatest(a.id, b.id) AS second_id
    FROM similar_words AS s
    JOIN words AS a ON a.word = s.w1
    JOIN words AS b ON b.word = s.w2 AND b.home_team_id = a.home_team_id AND b.id <> a.id
    WHERE (a.year_of_birth IS NULL OR b.year_of_birth IS NULL OR abs(a.year_of_birth - b.year_of_birth) <= %(gap)s)
      AND (a.gender = ANY(%(unknown)s) OR b.gender = ANY(%(unknown)s) OR a.gender = b.gender)
)
SELECT c.first_id, c.second_id,
       %(name_weight)s * greatest(strict_word_similarity(a.search_names, b.search_names),
                                  strict_word_similarity(b.search_names, a.search_names))
       + CASE WHEN a.year_of_birth IS NULL OR b.year_of_birth IS NULL THEN 0
              ELSE %(year_weight)s * (%(gap)s + 1 - abs(a.year_of_birth - b.year_of_birth)) / (%(gap)s + 1.0)
         END
       + CASE WHEN a.gender = b.gender AND a.gender <> ALL(%(unknown)s) THEN %(gender_weight)s ELSE 0 END
       AS score
FROM pairs AS c
JOIN clients_client AS a ON a.id = c.first_id
JOIN clients_client AS b ON b.id = c.second_id
WHERE NOT EXISTS (
    SELECT 1 FROM clients_duplicatedismissal AS d WHERE d.first_id = c.first_id AND d.second_id = c.second_id
)
ORDER BY score DESC, c.first_id, c.second_id
LIMIT %(limit)s
"""


@transaction.atomic
def duplicate_pairs(user: User, *, limit: int = PAIRS_SHOWN) -> list[Pair]:
    """Likely duplicate pairs within each team the user supervises, best first (four queries).

    JIT compilation is off for the pairs query: its cost estimate is high enough to trigger
    it, and compiling took longer (1.3 s at bench scale) than running (0.2 s).
    """
    teams = [str(team_id) for team_id in user.supervised_team_ids()]
    if not teams:
        return []
    params: dict[str, float | int | list[str]] = {
        "name_weight": NAME_WEIGHT,
        "year_weight": YEAR_WEIGHT,
        "gender_weight": GENDER_WEIGHT,
        "gap": MAX_YEAR_GAP,
        "unknown": list(UNKNOWN_GENDERS),
        "teams": teams,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(PAIRS_SQL, params)
        rows = cursor.fetchall()
    found = Client.objects.select_related("home_team").prefetch_related("aliases")
    people = found.in_bulk({pk for row in rows for pk in row[:2]})
    return [Pair(first=people[first], second=people[second], score=round(score, 2)) for first, second, score in rows]


@transaction.atomic
def dismiss_duplicate(*, actor: User, first: Client, second: Client) -> DuplicateDismissal:
    """ "Not the same person": the pair is never suggested again (dismissing twice changes nothing)."""
    low, high = sorted((first, second), key=lambda person: person.pk)
    dismissal, created = DuplicateDismissal.objects.get_or_create(
        first=low, second=high, defaults={"dismissed_by": actor}
    )
    if created:
        record(
            action=AuditEvent.Action.DUPLICATE_DISMISSED,
            actor=actor,
            target=dismissal,
            client_id=low.pk,
            details={"clients": [str(low.pk), str(high.pk)]},
        )
    return dismissal


# People about to be imported (imports/people.py) against a team's records, all in one
# statement: for each name, the team's current people whose names are similar (the trigram
# index through `%>`, as `likely_duplicates`), with the same year and gender rules and score.
MANY_SQL = """
WITH wanted(place, name, year_of_birth, gender) AS (
    SELECT * FROM unnest(%(places)s::int[], %(names)s::text[], %(years)s::int[], %(genders)s::text[])
)
SELECT w.place, found.id, found.score
FROM wanted AS w
CROSS JOIN LATERAL (
    SELECT p.id,
           %(name_weight)s * greatest(strict_word_similarity(w.name, p.search_names),
                                      similarity(p.search_names, w.name))
           + CASE WHEN w.year_of_birth IS NULL OR p.year_of_birth IS NULL THEN 0
                  ELSE %(year_weight)s * (%(gap)s + 1 - abs(w.year_of_birth - p.year_of_birth)) / (%(gap)s + 1.0)
             END
           + CASE WHEN p.gender = w.gender AND w.gender <> ALL(%(unknown)s) THEN %(gender_weight)s ELSE 0 END
           AS score
    FROM clients_client AS p
    WHERE p.home_team_id = %(team)s AND p.merged_into_id IS NULL AND p.erased_at IS NULL
      AND p.search_names %%> w.name
      AND (w.year_of_birth IS NULL OR p.year_of_birth IS NULL OR abs(w.year_of_birth - p.year_of_birth) <= %(gap)s)
      AND (w.gender = ANY(%(unknown)s) OR p.gender = ANY(%(unknown)s) OR p.gender = w.gender)
    ORDER BY score DESC, p.code
    LIMIT %(each)s
) AS found
ORDER BY w.place, found.score DESC
"""


@dataclass(frozen=True)
class Newcomer:
    """Someone about to be recorded (an imported row): what the duplicate check compares."""

    name: str
    year_of_birth: int | None = None
    gender: str = ""


def likely_duplicates_of_many(
    *, team_id: object, newcomers: list[Newcomer], each: int = 3
) -> dict[int, list[tuple[Client, float]]]:
    """For each newcomer (by its place in the list), the team's people who may be them, best
    first (at most `each`): two queries however many newcomers. Nothing for one without a name.
    The caller's scope applies (row-level security): call it for a team the actor is in."""
    named = [(place, normalise_name(person.name), person) for place, person in enumerate(newcomers)]
    named = [(place, text, person) for place, text, person in named if text]
    if not named:
        return {}
    params: dict[str, Any] = {
        "places": [place for place, _text, _person in named],
        "names": [text for _place, text, _person in named],
        "years": [person.year_of_birth for _place, _text, person in named],
        "genders": [person.gender for _place, _text, person in named],
        "team": str(team_id),
        "name_weight": NAME_WEIGHT,
        "year_weight": YEAR_WEIGHT,
        "gender_weight": GENDER_WEIGHT,
        "gap": MAX_YEAR_GAP,
        "unknown": list(UNKNOWN_GENDERS),
        "each": each,
    }
    with connection.cursor() as cursor:
        cursor.execute(MANY_SQL, params)
        rows = cursor.fetchall()
    people = Client.objects.in_bulk({row[1] for row in rows})
    found: dict[int, list[tuple[Client, float]]] = {}
    for place, pk, score in rows:
        found.setdefault(place, []).append((people[pk], round(score, 2)))
    return found
