"""Words Alongside never uses about people, with the reason and what to say instead.

DESIGN.md, principle 3: dignity in every word. tests/core/test_language_check.py reads
every user-facing string (all templates, and each msgid and msgstr of the Spanish
catalogue) and fails on any match below. docs/language.md explains the rules for people
writing text; every term here is listed there too (a test checks).

Matching is precise, so that the check catches real problems without false alarms:
- Case does not matter; every pattern is bounded by word edges (`\\b`), so "addict" does
  not match inside "addiction" and "user" does not match inside "username".
- Words that are fine in other senses are only matched in the sense that harms:
  "clean" / "dirty" (and "limpio" / "sucio") next to a person, a test or a time ("clean
  test", "stay clean", "análisis limpio"); "failed" next to a goal or plan ("the goal
  failed"), never "Sign-in failed"; "user" only as a label for a person who uses drugs
  ("drug user"), never the software's users; "alcoholic" only as a noun ("an alcoholic").
- "Clean needles" / "jeringas limpias" are about equipment, not people, but "sterile" /
  "estériles" is the accurate word and keeps "clean" from implying "dirty" people, so they
  are matched too.
- Deliberately not listed: "addiction" (a health condition, not a label for a person;
  prefer "substance use" where it fits), "abuse" on its own (needed for violence and
  harm done to people), "compliance" on its own (software and legal compliance).
"""

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Term:
    word: str  # the word as people would search for it (docs/language.md lists it)
    pattern: str  # a regular expression, matched case-insensitively
    reason: str
    instead: str
    language: str = "en"

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)


PERSON = r"(?:person|people|persons|user|users|client|clients|patient|patients|addicts?|guy|woman|man|kid|kids)"
TEST = r"(?:tests?|screens?|screenings?|urines?|samples?|results?|tox|drug\s+tests?|UAs?|urinalysis|time)"
BEING = (
    r"(?:am|is|are|was|were|be|being|been|stay|stays|staying|stayed|get|gets|getting|got|gotten|keep|keeps|"
    r"keeping|kept|remain|remains|remained|remaining|go|goes|going|went|feel|feels|felt|come|came)"
)
EQUIPMENT = r"(?:needles?|syringes?|works|equipment|kits?|pipes?|supplies|gear|spoons?|cookers?)"
GOAL = r"(?:goals?|plans?|treatment|recovery|sobriety)"  # not "attempts": "failed sign-in attempts"
FAILED = r"(?:fail|fails|failed|failing|failure|failures)"
NEAR = r"\W+(?:\w+\W+){0,3}?"  # up to three words in between

ES_PERSONA = r"(?:persona|personas|usuari[oa]s?|paciente|pacientes|chic[oa]s?|hombres?|mujer|mujeres)"
ES_PRUEBA = r"(?:pruebas?|análisis|analisis|orinas?|muestras?|resultados?|tests?|controles?|tiempo)"
ES_ESTAR = (
    r"(?:estar|está|esta|están|estan|estoy|estás|estaba|estaban|estuvo|estado|seguir|sigue|siguen|sigo|"
    r"mantenerse|mantenerte|mantenerme|se\s+mantiene|quedarse|quedó|lleva|llevo|llevar|salir|salió|sale|"
    r"ponerse|volverse|limpiarse)"
)
ES_EQUIPO = r"(?:jeringas?|jeringuillas?|agujas?|material|materiales|equipos?|kits?|pipas?|cucharas?)"
ES_META = r"(?:metas?|objetivos?|planes|plan|tratamientos?|recuperación|recuperacion)"
ES_FALLO = r"(?:fracas\w*|fallid[oa]s?|falló|fallo|fallado|fallaron)"
LIMPIO = r"(?:limpi[oa]s?)"
SUCIO = r"(?:suci[oa]s?)"

TERMS: list[Term] = [
    # English
    Term(
        "addict",
        r"\b(?:drug[\s-]+)?addicts?\b",
        "Reduces a person to their drug use and carries blame.",
        "person who uses drugs; person with a substance use disorder",
    ),
    Term(
        "addicted",
        r"\baddicted\b",
        "Labels the person rather than describing what they do or live with.",
        "uses (drug) regularly; has a substance use disorder",
    ),
    Term(
        "abuser",
        r"\b(?:drug\s+|substance\s+|alcohol\s+)?abusers?\b",
        "Equates using drugs with abuse and the person with wrongdoing. For violence, name the act.",
        "person who uses drugs; for harm done to someone, the person who harmed them",
    ),
    Term(
        "drug abuse",
        r"\b(?:drug|drugs|substance|alcohol|opioid|opiate)\s+(?:ab|mis)use\b",
        "“Abuse” and “misuse” judge the use instead of describing it.",
        "drug use; substance use; alcohol use",
    ),
    Term(
        "junkie",
        r"\b(?:junkies?|junky|druggies?|druggy|crackheads?|smackheads?|methheads?|tweakers?|dope\s+fiends?)\b",
        "Slurs for people who use drugs.",
        "person who uses drugs; person who uses heroin / crack / methamphetamine",
    ),
    Term(
        "drug user",
        r"\b(?:drug|drugs|heroin|crack|meth|methamphetamine|cocaine|opioid|opiate|IV|substance|"
        r"injecting\s+drug|injection\s+drug)\s+users?\b|\bIV?DUs?\b",
        "“User” as a label defines a person by their drug use (“user” stays fine for the software's users).",
        "person who uses drugs; person who injects drugs (PWID)",
    ),
    Term(
        "clean / dirty (about people or tests)",
        rf"\b(?:clean|dirty)\s+(?:{PERSON}|{TEST})\b|\b{BEING}\s+(?:clean|dirty)\b|\bclean\s+and\s+sober\b",
        "Implies that people who use drugs, and their test results, are dirty.",
        "not using / using; test negative / positive; time without using",
    ),
    Term(
        "clean / dirty (about needles and equipment)",
        rf"\b(?:clean|dirty)\s+{EQUIPMENT}\b",
        "“Clean” suggests that other equipment, and the people who use it, are dirty.",
        "sterile (new) needles and equipment; used needles and equipment",
    ),
    Term(
        "non-compliant",
        r"\b(?:non[\s-]?complian(?:t|ce)|not\s+compliant)\b",
        "Treats the person as disobedient; the plan may not fit their life.",
        "chose not to; the plan did not fit; not yet ready",
    ),
    Term(
        "failed (about goals)",
        rf"\b{GOAL}{NEAR}{FAILED}\b|\b{FAILED}{NEAR}{GOAL}\b",
        "Goals are achieved, changed or set aside: nothing the person sets is ever “failed”.",
        "set aside; changed; not yet achieved",
    ),
    Term(
        "relapse",
        r"\brelaps(?:e|es|ed|ing)\b",
        "Frames a return to use as failure and undoes the progress made.",
        "returned to use; started using again",
    ),
    Term(
        "alcoholic (as a noun)",
        r"\balcoholics\b|\b(?:(?:an|the|a|is|was|former|recovering)\s+|ex-?)alcoholic\b(?!\s+(?:drinks?|beverages?))",
        "Reduces the person to their drinking (“alcoholic drinks” stays fine).",
        "person who drinks heavily; person with alcohol use disorder",
    ),
    Term(
        "drug-seeking",
        r"\bdrug[\s-]+seeking\b",
        "Dismisses a request for help, often for pain, as manipulation.",
        "asking for medication; in pain",
    ),
    Term(
        "frequent flyer",
        r"\bfrequent[\s-]+fl(?:y|i)ers?\b",
        "Mocks people who need a service often.",
        "person who visits often",
    ),
    Term(
        "hard to reach",
        r"\bhard[\s-]+to[\s-]+reach\b",
        "Puts the problem in the person, not in how services reach them.",
        "not yet reached; underserved",
    ),
    Term(
        "prostitute",
        r"\bprostitutes?\b",
        "A stigmatising label.",
        "person who sells sex; sex worker",
    ),
    Term(
        "the homeless / the mentally ill",
        r"\bthe\s+(?:homeless|mentally\s+ill)\b(?!\s+(?:shelters?|services?|hostels?|outreach|teams?))",
        "Turns people into a category.",
        "people experiencing homelessness; people with mental health conditions",
    ),
    # Spanish
    Term(
        "adicto",
        r"\b(?:drog)?adict[oa]s?\b",
        "Reduce a la persona a su consumo.",
        "persona que usa drogas; persona con un trastorno por consumo",
        "es",
    ),
    Term(
        "toxicómano / drogodependiente",
        r"\b(?:toxicóman[oa]s?|toxicoman[oa]s?|drogodependientes?|heroinóman[oa]s?|cocainóman[oa]s?)\b",
        "Etiquetas que definen a la persona por su consumo.",
        "persona que usa drogas; persona que usa heroína / cocaína",
        "es",
    ),
    Term(
        "yonqui",
        r"\b(?:yonquis?|yonkis?|drogatas?)\b",
        "Insultos para las personas que usan drogas.",
        "persona que usa drogas",
        "es",
    ),
    Term(
        "usuario de drogas",
        r"\b(?:usuari[oa]s?|consumidor(?:a|es|as)?)\s+de\s+(?:drogas|heroína|heroina|crack|cocaína|cocaina|"
        r"sustancias|drogas\s+inyectables)\b|\bUDIs?\b",
        "«Usuario» como etiqueta define a la persona por su consumo (sigue bien para quien usa el programa).",
        "persona que usa drogas; persona que se inyecta drogas",
        "es",
    ),
    Term(
        "limpio / sucio (sobre personas o pruebas)",
        rf"\b{ES_ESTAR}\s+(?:{LIMPIO}|{SUCIO})\b|\b{ES_PERSONA}\s+(?:{LIMPIO}|{SUCIO})\b"
        rf"|\b{ES_PRUEBA}\s+(?:{LIMPIO}|{SUCIO})\b|\b(?:{LIMPIO}|{SUCIO})\s+de\s+drogas\b",
        "Implica que las personas que usan drogas, y sus pruebas, están sucias.",
        "sin consumir / consumiendo; prueba negativa / positiva",
        "es",
    ),
    Term(
        "limpio / sucio (sobre jeringas y material)",
        rf"\b{ES_EQUIPO}\s+(?:{LIMPIO}|{SUCIO})\b",
        "«Limpio» sugiere que el resto del material, y quien lo usa, está sucio.",
        "jeringas y material estériles (nuevos); jeringas y material usados",
        "es",
    ),
    Term(
        "fracasado",
        r"\bfracasad[oa]s?\b",
        "Una etiqueta de fracaso para la persona o su meta.",
        "dejada de lado; cambiada; aún no lograda",
        "es",
    ),
    Term(
        "fracaso / fallido (sobre metas)",
        rf"\b{ES_META}{NEAR}{ES_FALLO}\b|\b{ES_FALLO}{NEAR}{ES_META}\b",
        "Las metas se logran, se cambian o se dejan de lado: nada de lo que la persona se propone «fracasa».",
        "dejada de lado; cambiada; aún no lograda",
        "es",
    ),
    Term(
        "incumplidor",
        r"\b(?:incumplidor(?:a|es|as)?|no\s+cumplidor(?:a|es|as)?)\b",
        "Trata a la persona como desobediente.",
        "decidió no hacerlo; el plan no encajaba",
        "es",
    ),
    Term(
        "abuso de drogas",
        r"\b(?:abuso|mal\s+uso)\s+de\s+(?:drogas|sustancias|alcohol|estupefacientes|opioides)\b",
        "«Abuso» juzga el consumo en lugar de describirlo.",
        "uso de drogas; consumo de sustancias",
        "es",
    ),
    Term(
        "abusador",
        r"\babusador(?:a|es|as)?\b",
        "Equipara el consumo con hacer daño. Para la violencia, nombrar el acto.",
        "persona que usa drogas; para un daño a alguien, la persona que le hizo daño",
        "es",
    ),
    Term(
        "recaída",
        r"\b(?:recaídas?|recaidas?|recayó|recayo|recayeron|recaer)\b",
        "Presenta volver a consumir como un fracaso.",
        "volvió a consumir",
        "es",
    ),
    Term(
        "alcohólico (como sustantivo)",
        r"\b(?:(?:los|las|un|una|el|la|es|era)\s+|ex-?)alcohólic[oa]s?\b(?!\s+bebidas?)",
        "Reduce a la persona a su consumo de alcohol («bebidas alcohólicas» sigue bien).",
        "persona que bebe mucho; persona con un trastorno por consumo de alcohol",
        "es",
    ),
    Term(
        "prostituta / indigente",
        r"\b(?:prostitut[oa]s?|indigentes?|vagabund[oa]s?)\b",
        "Etiquetas estigmatizantes.",
        "persona que ejerce el trabajo sexual; persona sin hogar",
        "es",
    ),
]


@dataclass(frozen=True)
class Finding:
    term: Term
    match: str


def findings(text: str) -> list[Finding]:
    """Every listed term found in `text`, with the words that matched."""
    return [Finding(term, match.group(0)) for term in TERMS for match in term.regex.finditer(text)]
