"""Fill a freshly migrated database with a programme's worth of people and contacts, in SQL.

Everything is made by `generate_series` inside PostgreSQL: the ORM row by row would take
hours at 2,000,000 contacts. The schema comes from Django's own migrations (bench/run.py
runs `migrate` first), so the tables, checks and indexes are the app's; only the rows are
made here.

While the big tables fill, their keys, unique constraints, indexes and foreign keys are
dropped and then rebuilt from the definitions PostgreSQL reports (building an index once
over sorted data is several times faster than updating seven indexes row by row). The
rebuilt objects are the same ones, with the same names, so the planner sees what it sees
in production.

The shape of the data, at scale 1:
- 10 teams, each with a supervisor, 6 workers and 6 sites;
- 50,000 people spread evenly over the teams, registered over the last 3 years; about two
  in three give a name (a first name, with a surname or not, or a street name), and one in
  five of those has an alias (search_names holds both, lower-cased); each person's number
  of contacts grows with how long they have been known (mean 34, a long tail past 150);
- 2,000,000 contacts over the last 3 years, of which about 15% are anonymous (with a head
  count), written in time order as a live system writes them, each with 1 to 3 services;
- a referral at one contact with a person in 20 (about 85,000), by the contact's worker, with
  its history: most of those made in the last 8 weeks still open, and 6% of older ones left
  open past their follow-up date (so overdue ones pile up as the years go by), about 10% open
  in all; the others settled (attended, not attended or declined) a few weeks later;
- 500,000 check-ins taken at contacts with a person (about one contact in 3.4), three in five
  a WHO-5 and the others the self-ratings, with their answers (about 2,100,000): each person
  has a wellbeing level and a drift over the years, so teams' trends move slowly and some
  people change reliably; one answer in 40 is "prefer not to say" (a WHO-5 with one has no
  total).

Triggers on the filled tables (the dashboards' change notes, check-ins from drafts) are
switched off while filling: bench/run.py rebuilds the rollups afterwards, as
`manage.py refresh_rollups --rebuild` does after a bulk load.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg2.extensions import cursor as Cursor
from psycopg2.sql import SQL, Identifier

# The same alphabet as clients.models.CODE_ALPHABET (not imported: this module runs
# without Django). Codes must match the app's URL pattern to be opened.
CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
CODE_SPACE = len(CODE_ALPHABET) ** 6
# i -> (i * CODE_STEP + CODE_OFFSET) mod CODE_SPACE is one-to-one because CODE_STEP shares no
# factor with 23: unique codes, scattered over the alphabet like the app's random ones.
CODE_STEP = 7368787
CODE_OFFSET = 1234567

# Plain ASCII, as the seed lowercases them in SQL for search_names (the app also strips
# accents: normalise_name). First names alone, with a surname, or a street name; some people
# have an alias (another name they go by).
FIRST_NAMES = [
    "Maria", "Jose", "Juan", "Ana", "Luis", "Carlos", "Carmen", "Jorge", "Rosa", "Pedro", "Laura", "Miguel",
    "Elena", "David", "Sara", "Pablo", "Lucia", "Diego", "Marta", "Javier", "Sofia", "Daniel", "Paula", "Manuel",
    "Julia", "Antonio", "Clara", "Francisco", "Isabel", "Alejandro", "Teresa", "Sergio", "Raquel", "Andres",
    "Patricia", "Fernando", "Beatriz", "Ricardo", "Silvia", "Roberto", "Monica", "Alberto", "Cristina", "Jesus",
    "Pilar", "Ramon", "Nuria", "Victor", "Eva", "Enrique", "Alicia", "Oscar", "Irene", "Rafael", "Lorena",
    "Ruben", "Natalia", "Hugo", "Veronica", "Adrian", "Sandra", "Ivan", "Noelia", "Mario", "Rocio", "Alvaro",
    "Susana", "Gabriel", "Ines", "Emilio", "Gloria", "Felipe", "Angela", "Joaquin", "Esther", "Tomas", "Marina",
    "Ignacio", "Celia", "Samuel", "Olga", "John", "Johnny", "Michael", "Sarah", "James", "Emma", "Robert",
    "Linda", "William", "Karen", "Thomas", "Nancy", "Kevin", "Lisa", "Brian", "Amy", "Jason", "Donna", "Ryan",
    "Helen", "Gary", "Ruth", "Eric", "Kim", "Sam", "Alex", "Robin", "Jamie", "Chris", "Terry", "Lee", "Ray",
]  # fmt: skip
SURNAMES = [
    "Garcia", "Martinez", "Lopez", "Sanchez", "Perez", "Gomez", "Martin", "Jimenez", "Ruiz", "Hernandez", "Diaz",
    "Moreno", "Munoz", "Alvarez", "Romero", "Alonso", "Gutierrez", "Navarro", "Torres", "Dominguez", "Vazquez",
    "Ramos", "Gil", "Ramirez", "Serrano", "Blanco", "Molina", "Morales", "Suarez", "Ortega", "Delgado", "Castro",
    "Ortiz", "Rubio", "Marin", "Sanz", "Nunez", "Iglesias", "Medina", "Garrido", "Cortes", "Castillo", "Santos",
    "Lozano", "Guerrero", "Cano", "Prieto", "Mendez", "Cruz", "Calvo", "Smith", "Jones", "Brown", "Taylor",
    "Wilson", "Evans", "Walker", "Wright", "Green", "Hall", "Wood", "Clarke", "Hughes", "Ward", "Murphy", "Kelly",
]  # fmt: skip
STREET_NAMES = [
    "Chispa", "Gato", "Sol", "Luna", "Rizos", "Profe", "Chico", "Tigre", "Lobo", "Nene", "Pelusa", "Bambi",
    "Sky", "Red", "Bird", "Smiley", "Lucky", "Shorty", "Tiny", "Ace", "Dutch", "Blue", "Scout", "Sparky",
    "Doc", "Ginger", "Sunny", "Cisco", "Pirata", "Canario", "Rayo", "Guitarra", "Poeta", "Mago", "Abuelo",
]  # fmt: skip
NAMED_SHARE = 0.65
ALIAS_SHARE = 0.2

# The tables whose keys and indexes are rebuilt after filling (and whose triggers are off).
BIG_TABLES = [
    "clients_client",
    "encounters_encounter",
    "encounters_serviceprovided",
    "outcomes_checkin",
    "outcomes_answer",
]
# Check-ins: three in five a WHO-5, the others the self-ratings; answers declined.
WHO5_SHARE = 0.6
DECLINED_SHARE = 0.025


@dataclass(frozen=True)
class Plan:
    people: int
    contacts: int
    teams: int = 10
    workers_per_team: int = 6
    sites_per_team: int = 6
    checkins: int = 0
    years: int = 3
    anonymous_share: float = 0.15

    @classmethod
    def at(cls, scale: float) -> Plan:
        return cls(
            people=max(1, round(50_000 * scale)),
            contacts=max(1, round(2_000_000 * scale)),
            checkins=round(500_000 * scale),
        )

    @property
    def mean_contacts_per_person(self) -> float:
        return self.contacts * (1 - self.anonymous_share) / self.people

    def describe(self) -> str:
        return f"people={self.people} contacts={self.contacts} checkins={self.checkins} teams={self.teams}"


def code_expression(number: str) -> str:
    """SQL for the readable code (KM4-T7X) of person number `number`."""
    scrambled = f"mod({number}::bigint * {CODE_STEP} + {CODE_OFFSET}, {CODE_SPACE})"
    base = len(CODE_ALPHABET)
    chars = [
        f"substr('{CODE_ALPHABET}', 1 + mod({scrambled} / {base**power}, {base})::int, 1)" for power in range(5, -1, -1)
    ]
    return " || ".join([*chars[:3], "'-'", *chars[3:]])


STAFF_AND_PLACES = """
CREATE TEMP TABLE bench_team AS
SELECT t AS team_no, md5('bench-team-' || t)::uuid AS id
FROM generate_series(1, %(teams)s) AS t;

INSERT INTO accounts_team (id, name, created_at)
SELECT id, 'Bench team ' || lpad(team_no::text, 2, '0'), now() - make_interval(years => %(years)s)
FROM bench_team;

-- Worker 0 of each team is its supervisor.
CREATE TEMP TABLE bench_staff AS
SELECT t.team_no, t.id AS team_id, w AS worker_no, nextval(pg_get_serial_sequence('accounts_user', 'id')) AS user_id
FROM bench_team AS t CROSS JOIN generate_series(0, %(workers)s) AS w;

-- A password starting with '!' is Django's unusable password: nobody can sign in as these.
INSERT INTO accounts_user (
    id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined,
    is_data_admin
)
SELECT user_id, '!bench', false,
       'bench-' || lpad(team_no::text, 2, '0')
           || CASE WHEN worker_no = 0 THEN '-supervisor' ELSE '-worker-' || worker_no END,
       '', '', '', false, true, now() - make_interval(years => %(years)s), false
FROM bench_staff;

INSERT INTO accounts_membership (user_id, team_id, role)
SELECT user_id, team_id, CASE WHEN worker_no = 0 THEN 'supervisor' ELSE 'worker' END
FROM bench_staff;

CREATE TEMP TABLE bench_site AS
SELECT t.team_no, s AS site_no, md5('bench-site-' || t.team_no || '-' || s)::uuid AS id,
       (ARRAY['street', 'drop_in', 'van', 'street', 'phone', 'online'])[1 + mod(s - 1, 6)] AS kind
FROM bench_team AS t CROSS JOIN generate_series(1, %(sites)s) AS s;

INSERT INTO encounters_site (id, team_id, name, area, kind, is_active)
SELECT s.id, t.id, 'Site ' || s.site_no, 'Area ' || (1 + mod(s.site_no, 3)), s.kind, true
FROM bench_site AS s JOIN bench_team AS t USING (team_no);

CREATE TEMP TABLE bench_service AS
SELECT (row_number() OVER (ORDER BY "order", slug) - 1)::int AS type_no, id, counts_quantity
FROM encounters_servicetype
WHERE is_active;

-- People: `known` is the share of the whole period they have been known; the number of
-- contacts grows with it (exponential around the mean, so a few people have very many).
CREATE TEMP TABLE bench_person AS
SELECT person_no,
       md5('bench-person-' || person_no)::uuid AS id,
       1 + mod(person_no - 1, %(teams)s) AS team_no,
       now() - known * make_interval(years => %(years)s) AS created_at,
       floor(-ln(1 - random()) * 2 * known * %(mean_contacts)s)::int AS contacts,
       random() AS name_roll, random() AS birth_roll, random() AS gender_roll, random() AS status_roll,
       random() AS shape_roll, random() AS alias_roll,
       (%(first_names)s::text[])[1 + floor(random() * %(first_count)s)::int] AS first_name,
       (%(surnames)s::text[])[1 + floor(random() * %(surname_count)s)::int] AS surname,
       (%(street_names)s::text[])[1 + floor(random() * %(street_count)s)::int] AS street_name,
       (%(first_names)s::text[])[1 + floor(random() * %(first_count)s)::int] AS other_first_name
FROM (SELECT person_no, random() AS known FROM generate_series(1, %(people)s) AS person_no OFFSET 0) AS p;

-- Who gives a name (first name alone, with a surname, or a street name), and who has an
-- alias (a street name, or another first name for those known by a street name).
ALTER TABLE bench_person ADD COLUMN preferred_name text, ADD COLUMN alias text;
UPDATE bench_person SET
    preferred_name = CASE WHEN name_roll >= %(named_share)s THEN ''
                          WHEN shape_roll < 0.55 THEN first_name
                          WHEN shape_roll < 0.90 THEN first_name || ' ' || surname
                          ELSE street_name END,
    alias = CASE WHEN name_roll < %(named_share)s AND alias_roll < %(alias_share)s
                 THEN CASE WHEN shape_roll < 0.90 THEN street_name ELSE other_first_name END END;
"""

# Time order, as a live system writes them: one person's contacts are spread over the
# table, not packed together (which would flatter the person page).
ENCOUNTERS = """
INSERT INTO encounters_encounter (id, client_id, head_count, happened_at, site_id, kind, worker_id, team_id, created_at)
SELECT gen_random_uuid(), c.client_id, c.head_count, c.happened_at, s.id,
       coalesce(CASE s.kind WHEN 'online' THEN 'other' ELSE s.kind END, 'other'),
       w.user_id, t.id, c.happened_at + make_interval(mins => c.delay)
FROM (
    SELECT p.id AS client_id, p.team_no, 1 AS head_count,
           p.created_at + random() * (now() - p.created_at) AS happened_at,
           CASE WHEN random() < 0.05 THEN 0 ELSE 1 + floor(random() * %(sites)s)::int END AS site_no,
           1 + floor(random() * %(workers)s)::int AS worker_no,
           floor(random() * 30)::int AS delay
    FROM bench_person AS p CROSS JOIN LATERAL generate_series(1, p.contacts)
    UNION ALL
    SELECT NULL, 1 + floor(random() * %(teams)s)::int, 1 + floor(power(random(), 4) * 12)::int,
           now() - random() * make_interval(years => %(years)s),
           CASE WHEN random() < 0.05 THEN 0 ELSE 1 + floor(random() * %(sites)s)::int END,
           1 + floor(random() * %(workers)s)::int,
           floor(random() * 30)::int
    FROM generate_series(1, %(anonymous)s)
) AS c
JOIN bench_team AS t USING (team_no)
JOIN bench_staff AS w ON w.team_no = c.team_no AND w.worker_no = c.worker_no
LEFT JOIN bench_site AS s ON s.team_no = c.team_no AND s.site_no = c.site_no
ORDER BY c.happened_at;
"""

PEOPLE = """
INSERT INTO clients_client (
    id, code, preferred_name, search_names, year_of_birth, gender, gender_self_described, status, created_at,
    last_seen_at, created_by_id, home_team_id
)
SELECT p.id, {code}, p.preferred_name, lower(concat_ws(' ', nullif(p.preferred_name, ''), p.alias)),
       CASE WHEN p.birth_roll < 0.8 THEN 1955 + floor(p.birth_roll / 0.8 * 50)::int END,
       CASE WHEN p.gender_roll < 0.45 THEN 'man' WHEN p.gender_roll < 0.80 THEN 'woman'
            WHEN p.gender_roll < 0.84 THEN 'non_binary' WHEN p.gender_roll < 0.86 THEN 'self_described'
            WHEN p.gender_roll < 0.92 THEN 'not_said' ELSE '' END,
       CASE WHEN p.gender_roll >= 0.84 AND p.gender_roll < 0.86 THEN 'in their own words' ELSE '' END,
       CASE WHEN p.status_roll < 0.85 THEN 'active' WHEN p.status_roll < 0.95 THEN 'inactive'
            WHEN p.status_roll < 0.99 THEN 'moved_on' ELSE 'died' END,
       p.created_at, seen.last_seen_at, creator.user_id, t.id
FROM bench_person AS p
JOIN bench_team AS t USING (team_no)
JOIN bench_staff AS creator ON creator.team_no = p.team_no AND creator.worker_no = 1 + mod(p.person_no, %(workers)s)
LEFT JOIN (
    SELECT client_id, max(happened_at) AS last_seen_at
    FROM encounters_encounter
    WHERE client_id IS NOT NULL
    GROUP BY client_id
) AS seen ON seen.client_id = p.id;
"""

ALIASES = """
INSERT INTO clients_alias (client_id, name, created_at, created_by_id)
SELECT id, alias, created_at, NULL FROM bench_person WHERE alias IS NOT NULL;
"""

# 1 to 3 different services per contact, supplies most often: positions first, first+step,
# first+2*step in the catalogue, with step <= (types-1)/2 so the three never coincide.
SERVICES = """
INSERT INTO encounters_serviceprovided (encounter_id, service_type_id, quantity)
SELECT e.id, st.id, CASE WHEN st.counts_quantity THEN 1 + floor(power(random(), 2) * 20)::int ELSE 1 END
FROM (
    SELECT id,
           1 + floor(random() * 3)::int AS how_many,
           floor(power(random(), 2) * %(types)s)::int AS first_type,
           1 + floor(random() * %(max_step)s)::int AS step
    FROM encounters_encounter
    OFFSET 0
) AS e
CROSS JOIN LATERAL generate_series(0, least(e.how_many, %(types)s) - 1) AS j
JOIN bench_service AS st ON st.type_no = mod(e.first_type + j * e.step, %(types)s);
"""

REFERRAL_TO = [
    "treatment", "housing", "mental_health", "primary_care", "hiv_hepatitis", "legal_aid", "benefits", "other",
]  # fmt: skip
REFERRAL_SHARE = 0.05  # of contacts with a person
RECENT_DAYS = 56  # referrals made this recently are mostly still open
OPEN_RECENT, OPEN_OLDER = 0.85, 0.06

# After the contacts (a referral is made at one): open ones follow up 1 to 4 weeks later;
# settled ones settle then, with a second history row.
REFERRALS = """
CREATE TEMP TABLE bench_referral AS
SELECT gen_random_uuid() AS id, e.client_id, e.team_id, e.id AS encounter_id, e.worker_id AS by_id,
       e.happened_at, e.happened_at + make_interval(days => r.follow_days) AS settled_at,
       (e.happened_at + make_interval(days => r.follow_days))::date AS follow_up_on,
       (%(referral_to)s::text[])[1 + floor(r.to_roll * %(referral_to_count)s)::int] AS "to",
       CASE WHEN e.happened_at > now() - make_interval(days => %(recent_days)s)
            THEN r.open_roll < %(open_recent)s ELSE r.open_roll < %(open_older)s END AS is_open,
       CASE WHEN r.status_roll < 0.3 THEN 'suggested' ELSE 'made' END AS open_status,
       CASE WHEN r.status_roll < 0.5 THEN 'attended' WHEN r.status_roll < 0.8 THEN 'not_attended'
            ELSE 'declined' END AS settled_status
FROM encounters_encounter AS e
CROSS JOIN LATERAL (
    SELECT 7 + floor(random() * 22)::int AS follow_days, random() AS to_roll, random() AS open_roll,
           random() AS status_roll, e.id AS tie
) AS r
WHERE e.client_id IS NOT NULL AND random() < %(referral_share)s;

INSERT INTO encounters_referral (
    id, client_id, team_id, encounter_id, "to", partner, status, follow_up_on, created_at, created_by_id, updated_at
)
SELECT id, client_id, team_id, encounter_id, "to", '',
       CASE WHEN is_open THEN open_status ELSE settled_status END,
       CASE WHEN is_open THEN follow_up_on END, happened_at, by_id,
       CASE WHEN NOT is_open THEN settled_at END
FROM bench_referral
ORDER BY happened_at;

INSERT INTO encounters_referralupdate (referral_id, status, follow_up_on, encounter_id, at, by_id)
SELECT referral_id, status, follow_up_on, encounter_id, at, by_id
FROM (
    SELECT id AS referral_id, CASE WHEN is_open THEN open_status ELSE 'made' END AS status, follow_up_on,
           encounter_id, happened_at AS at, by_id
    FROM bench_referral
    UNION ALL
    SELECT id, settled_status, NULL, NULL, settled_at, by_id FROM bench_referral WHERE NOT is_open
) AS history
ORDER BY at;
"""


# Check-ins at contacts with a person: each person's wellbeing is a level (0..1) that drifts
# over the years they are known, and each answer is that level on the item's scale with some
# noise (so WHO-5 totals spread over the range, and some people change by more than 21 points).
CHECK_INS = """
CREATE TEMP TABLE bench_instrument AS
SELECT slug, id FROM outcomes_instrument WHERE is_current AND slug IN ('who5', 'self_ratings');

CREATE TEMP TABLE bench_wellbeing AS
SELECT id AS client_id, created_at, 0.2 + random() * 0.5 AS level, (random() - 0.35) * 0.15 AS drift
FROM bench_person;

CREATE TEMP TABLE bench_checkin AS
SELECT gen_random_uuid() AS id, e.client_id, e.team_id, e.id AS encounter_id, e.happened_at, e.created_at,
       e.worker_id, i.id AS instrument_id, i.slug,
       greatest(0, least(1, w.level + w.drift * extract(epoch FROM e.happened_at - w.created_at) / 31557600
                             + (r.noise - 0.5) * 0.2)) AS target
FROM encounters_encounter AS e
CROSS JOIN LATERAL (SELECT random() AS roll, random() AS noise, e.id AS tie) AS r
JOIN bench_wellbeing AS w ON w.client_id = e.client_id
JOIN bench_instrument AS i ON i.slug = CASE WHEN r.roll < %(who5_share)s * %(checkin_share)s THEN 'who5'
                                            ELSE 'self_ratings' END
WHERE e.client_id IS NOT NULL AND r.roll < %(checkin_share)s;

CREATE TEMP TABLE bench_answer AS
SELECT c.id AS check_in_id, item.id AS item_id,
       CASE WHEN random() >= %(declined_share)s
            THEN greatest(item.scale_min, least(item.scale_max,
                          round(c.target * item.scale_max + (random() - 0.5) * 2)))::smallint END AS value
FROM bench_checkin AS c
JOIN outcomes_instrumentitem AS item ON item.instrument_id = c.instrument_id;

CREATE TEMP TABLE bench_total AS
SELECT a.check_in_id, CASE WHEN bool_and(a.value IS NOT NULL) THEN 4 * sum(a.value) END AS total
FROM bench_answer AS a JOIN bench_checkin AS c ON c.id = a.check_in_id
WHERE c.slug = 'who5'
GROUP BY a.check_in_id;

INSERT INTO outcomes_checkin
    (id, client_id, team_id, encounter_id, instrument_id, taken_at, recorded_by_id, total, created_at)
SELECT c.id, c.client_id, c.team_id, c.encounter_id, c.instrument_id, c.happened_at, c.worker_id, t.total,
       c.created_at
FROM bench_checkin AS c LEFT JOIN bench_total AS t ON t.check_in_id = c.id
ORDER BY c.happened_at;

INSERT INTO outcomes_answer (check_in_id, item_id, value, is_declined)
SELECT check_in_id, item_id, value, value IS NULL FROM bench_answer;
"""


# Health (issue 16): tests at some contacts (a few reactive, each followed by up to three
# linkage steps), PrEP or PEP and vaccine doses at others, so the person's page draws them.
TEST_SHARE = 0.03
PREVENTION_SHARE = 0.01
VACCINATION_SHARE = 0.02
HEALTH = """
CREATE TEMP TABLE bench_test AS
SELECT gen_random_uuid() AS id, e.client_id, e.team_id, e.id AS encounter_id, e.worker_id, e.happened_at,
       (ARRAY['hiv', 'hcv_antibody', 'hbv', 'syphilis'])[1 + floor(r.kind_roll * 4)::int] AS kind,
       CASE WHEN r.result_roll < 0.12 THEN 'reactive' WHEN r.result_roll < 0.16 THEN 'not_shared'
            ELSE 'non_reactive' END AS result,
       r.reach
FROM encounters_encounter AS e
CROSS JOIN LATERAL (SELECT random() AS roll, random() AS kind_roll, random() AS result_roll,
                           floor(random() * 4)::int AS reach, e.id AS tie) AS r
WHERE e.client_id IS NOT NULL AND r.roll < %(test_share)s;

INSERT INTO health_healthtest
    (id, client_id, team_id, encounter_id, kind, method, result, tested_on, follow_up_on, created_at, created_by_id)
SELECT id, client_id, team_id, encounter_id, kind, 'rapid', result, happened_at::date,
       CASE WHEN result = 'reactive' THEN happened_at::date + 7 END, happened_at, worker_id
FROM bench_test;

INSERT INTO health_linkagestep (id, test_id, team_id, step, done_on, created_at, created_by_id)
SELECT gen_random_uuid(), t.id, t.team_id, s.step, t.happened_at::date + s.n * 14,
       t.happened_at + make_interval(days => s.n * 14), t.worker_id
FROM bench_test AS t
CROSS JOIN (VALUES (1, 'confirmed'), (2, 'linked'), (3, 'treatment')) AS s(n, step)
WHERE t.result = 'reactive' AND s.n <= t.reach;

INSERT INTO health_prevention (id, client_id, team_id, encounter_id, kind, status, words, noted_on, created_at,
                               created_by_id)
SELECT gen_random_uuid(), e.client_id, e.team_id, e.id, CASE WHEN r.kind_roll < 0.8 THEN 'prep' ELSE 'pep' END,
       (ARRAY['offered', 'referred', 'started', 'continuing', 'stopped'])[1 + floor(r.status_roll * 5)::int], '',
       e.happened_at::date, e.happened_at, e.worker_id
FROM encounters_encounter AS e
CROSS JOIN LATERAL (SELECT random() AS roll, random() AS kind_roll, random() AS status_roll, e.id AS tie) AS r
WHERE e.client_id IS NOT NULL AND r.roll < %(prevention_share)s;

INSERT INTO health_vaccination (id, client_id, team_id, encounter_id, vaccine, dose, "where", given_on, created_at,
                                created_by_id)
SELECT gen_random_uuid(), e.client_id, e.team_id, e.id,
       (ARRAY['hep_a', 'hep_b', 'tetanus', 'flu', 'covid'])[1 + floor(r.vaccine_roll * 5)::int],
       1 + floor(r.dose_roll * 3)::int, 'by_team', e.happened_at::date, e.happened_at, e.worker_id
FROM encounters_encounter AS e
CROSS JOIN LATERAL (SELECT random() AS roll, random() AS vaccine_roll, random() AS dose_roll, e.id AS tie) AS r
WHERE e.client_id IS NOT NULL AND r.roll < %(vaccination_share)s;
"""


@dataclass(frozen=True)
class Deferred:
    """Keys, indexes and foreign keys of the big tables, to drop before filling and rebuild after."""

    foreign_keys: list[tuple[str, str, str]]  # (table, name, definition)
    keys: list[tuple[str, str, str]]
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX statement)

    @classmethod
    def read(cls, cur: Cursor) -> Deferred:
        cur.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
            FROM pg_constraint
            WHERE (contype IN ('p', 'u', 'f') AND conrelid = ANY(%(tables)s::regclass[]))
               OR (contype = 'f' AND confrelid = ANY(%(tables)s::regclass[]))
            ORDER BY 1, 2
            """,
            {"tables": BIG_TABLES},
        )
        constraints = cur.fetchall()
        cur.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index AS i
            WHERE i.indrelid = ANY(%(tables)s::regclass[])
              AND NOT EXISTS (
                  SELECT 1 FROM pg_constraint AS c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid
              )
            ORDER BY 1
            """,
            {"tables": BIG_TABLES},
        )
        return cls(
            foreign_keys=[(table, name, definition) for table, name, definition, kind in constraints if kind == "f"],
            keys=[(table, name, definition) for table, name, definition, kind in constraints if kind != "f"],
            indexes=cur.fetchall(),
        )

    def drop(self, cur: Cursor) -> None:
        for table in BIG_TABLES:
            cur.execute(SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(Identifier(table)))
        for table, name, _definition in [*self.foreign_keys, *self.keys]:
            cur.execute(SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(SQL(table), Identifier(name)))
        for name, _statement in self.indexes:
            cur.execute(SQL("DROP INDEX {}").format(SQL(name)))

    def rebuild(self, cur: Cursor) -> None:
        for table, name, definition in [*self.keys, *self.foreign_keys]:
            cur.execute(
                SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(SQL(table), Identifier(name), SQL(definition))
            )
        for _name, statement in self.indexes:
            cur.execute(statement)
        for table in BIG_TABLES:
            cur.execute(SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(Identifier(table)))


def seed(cur: Cursor, plan: Plan) -> None:
    """Fill an empty, migrated database (one transaction; the caller commits and vacuums)."""
    cur.execute("SET LOCAL work_mem = '512MB'")
    cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cur.execute("SET LOCAL jit = off")
    # Django's foreign keys are deferred; checked at once, none is pending when the big
    # tables' keys are dropped and rebuilt (PostgreSQL refuses that with pending checks).
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute("SELECT setseed(0.42)")
    cur.execute("SELECT count(*) FROM encounters_servicetype WHERE is_active")
    (types,) = cur.fetchone() or (0,)
    params = {
        "teams": plan.teams,
        "workers": plan.workers_per_team,
        "sites": plan.sites_per_team,
        "years": plan.years,
        "people": plan.people,
        "mean_contacts": plan.mean_contacts_per_person,
        "first_names": FIRST_NAMES,
        "first_count": len(FIRST_NAMES),
        "surnames": SURNAMES,
        "surname_count": len(SURNAMES),
        "street_names": STREET_NAMES,
        "street_count": len(STREET_NAMES),
        "named_share": NAMED_SHARE,
        "alias_share": ALIAS_SHARE,
        "types": types,
        "max_step": max(1, (types - 1) // 2),
        "referral_to": REFERRAL_TO,
        "referral_to_count": len(REFERRAL_TO),
        "referral_share": REFERRAL_SHARE,
        "recent_days": RECENT_DAYS,
        "open_recent": OPEN_RECENT,
        "open_older": OPEN_OLDER,
        "test_share": TEST_SHARE,
        "prevention_share": PREVENTION_SHARE,
        "vaccination_share": VACCINATION_SHARE,
    }
    cur.execute(STAFF_AND_PLACES, params)
    cur.execute("SELECT coalesce(sum(contacts), 0) FROM bench_person")
    (identified,) = cur.fetchone() or (0,)
    params["anonymous"] = max(0, plan.contacts - identified)
    params["checkin_share"] = min(1.0, plan.checkins / max(1, identified))
    params["who5_share"] = WHO5_SHARE
    params["declined_share"] = DECLINED_SHARE
    deferred = Deferred.read(cur)
    deferred.drop(cur)
    cur.execute(ENCOUNTERS, params)
    cur.execute(SQL(PEOPLE).format(code=SQL(code_expression("p.person_no"))), params)
    cur.execute(ALIASES)
    if types:
        cur.execute(SERVICES, params)
    cur.execute(REFERRALS, params)
    if plan.checkins:
        cur.execute(CHECK_INS, params)
    cur.execute(HEALTH, params)
    deferred.rebuild(cur)
