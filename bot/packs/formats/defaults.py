"""The stand-ins an import writes for what a question bank lacks. Learners may see them,
so each reads as plain English; the linter names every one still in a pack
(``lint._importer_defaults``), so the tutor sees what to write.
"""

DEFAULT_EXPLANATION = "Your tutor has not added an explanation for this question yet."
DEFAULT_FEEDBACK = "This is not the answer the question is looking for; your tutor has not yet said why."
DEFAULT_CRITERION = "Imported questions not yet linked to an assessment criterion."
DEFAULT_AWARDING_BODY = "Not stated"
DEFAULT_QUALIFICATION = "Not stated (an imported question bank)"
DEFAULTS = frozenset(
    {DEFAULT_EXPLANATION, DEFAULT_FEEDBACK, DEFAULT_CRITERION, DEFAULT_AWARDING_BODY, DEFAULT_QUALIFICATION}
)
