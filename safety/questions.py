"""The questions of a data safety check at each stage, in the product's own words.

Each answer is yes, no or not known yet. "Not known yet" is allowed, but its note is the
assumption the team is making, and the next stage's check shows it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from safety.models import Stage

YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWERS = ((YES, "Yes"), (NO, "No"), (UNKNOWN, "Not known yet"))
ANSWER_LABELS = dict(ANSWERS)


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    hint: str = ""
    # A "yes" needs a note: what was done about it, or the justification.
    yes_needs_note: bool = False


EVALUATION = (
    Question(
        "personal_data",
        "Does it include personal data?",
        "Anything about a living person who could be identified, directly or with other data.",
    ),
    Question(
        "special_category",
        "Does it include special-category data?",
        "Health, ethnicity, religion, sexual orientation, trade union membership, political "
        "opinions, genetic or biometric data. Sharing it needs an Article 9 condition.",
        yes_needs_note=True,
    ),
    Question(
        "confidential",
        "Is any of it confidential for other reasons?",
        "For example grants not yet announced, or commercially sensitive figures.",
        yes_needs_note=True,
    ),
    Question(
        "agreement",
        "Is a sharing agreement in place, or could one be?",
        "Say which agreement, or who would draw one up.",
    ),
    Question(
        "redacted_useful",
        "Would a redacted version still be useful for the analysis?",
    ),
    Question(
        "small_postcodes",
        "Are there postcodes or areas with few people in them?",
        "Full postcodes can point to a handful of households: generalise them to sectors or "
        "suppress the small ones.",
        yes_needs_note=True,
    ),
    Question(
        "mosaic",
        "Could columns together single someone out (the mosaic effect)?",
        "Age, sex, ethnicity and area may each be harmless, and identify someone together.",
        yes_needs_note=True,
    ),
    Question(
        "direct_identifiers",
        "Are there name, email or phone columns?",
        "Drop them, or replace them with a keyed pseudonym if records must be linked.",
        yes_needs_note=True,
    ),
    Question(
        "free_text",
        "Are there names or contact details in free text?",
        "Case notes often name people: replace personal data in the text or drop the column.",
        yes_needs_note=True,
    ),
    Question(
        "system_ids",
        "Are there system identifiers (case, NHS or National Insurance numbers)?",
        "Identifiers link back to a person in another system: drop or pseudonymise them.",
        yes_needs_note=True,
    ),
)

SOLUTION = (
    Question(
        "map",
        "Will the solution include a map?",
        "Areas with fewer people than the programme's smallest group must be merged or left out.",
        yes_needs_note=True,
    ),
    Question(
        "combined_data",
        "Will it combine data sets into one described as anonymised?",
        "Check for identifiers that survive the join and for the mosaic effect across sources.",
        yes_needs_note=True,
    ),
    Question(
        "indicators_of_need",
        "Will it produce indicators of need an organisation could use to make automated "
        "decisions about people?",
        "UK GDPR gives people extra rights about automated decisions: record how a person stays "
        "in the loop, and why.",
        yes_needs_note=True,
    ),
    Question(
        "obviously_personal",
        "Will it show obviously personal information?",
        "Names, addresses, photographs, or stories someone could recognise.",
        yes_needs_note=True,
    ),
)

PRE_PUBLICATION = (
    Question(
        "use_matches_agreement",
        "Does the use of the data match what was agreed?",
        "Compare with the sharing agreements' purpose and the earlier checks.",
    ),
    Question(
        "final_personal_data",
        "Has the final personal-data check found nothing that could identify someone?",
        "Small numbers suppressed, no free text, no combination that singles someone out.",
    ),
    Question(
        "links_work",
        "Do all the links in the published thing work?",
    ),
    Question(
        "protected_files",
        "Do protected files stay protected?",
        "Nothing published links to a raw or redacted file, or to a page the public cannot see.",
    ),
)

QUESTIONS: dict[str, tuple[Question, ...]] = {
    Stage.EVALUATION: EVALUATION,
    Stage.SOLUTION: SOLUTION,
    Stage.PRE_PUBLICATION: PRE_PUBLICATION,
}
# Each later stage shows again the assumptions of the stage before it.
PREVIOUS_STAGE = {Stage.SOLUTION: Stage.EVALUATION, Stage.PRE_PUBLICATION: Stage.SOLUTION}


def question_text(stage: str, key: str) -> str:
    for question in QUESTIONS[stage]:
        if question.key == key:
            return question.text
    return key


def answered(stage: str, answers: dict) -> list[tuple[Question, str, str]]:
    """(question, answer label, note) in the stage's order, for pages and the evidence pack."""
    rows = []
    for question in QUESTIONS[stage]:
        value = answers.get(question.key) or {}
        label = ANSWER_LABELS.get(value.get("answer", ""), "Not answered")
        rows.append((question, label, value.get("note", "")))
    return rows
