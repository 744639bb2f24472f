"""A gentle suggestion, never a block, when a worker's free text uses a word to avoid.

Views call `suggest_wording(request, text, ...)` after saving a worker's own text (a
contact's note, a safety flag, an overdose debrief, a review note): what was written is
saved as written, and a message after it says which word, why, and what else could be
said. The person's own words (their goals, the reasons they give, a changed plan, their
answers) are never passed here: they are theirs. The suggestion names the word matched in
the note, never the note itself, and is not logged.
"""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .language import suggestions


def suggest_wording(request: HttpRequest, *texts: str) -> int:
    """Add one suggestion per listed word found in `texts`; how many were added."""
    found = suggestions(*texts)
    for finding in found:
        messages.info(
            request,
            _("A suggestion about wording (saved as written): “%(match)s”. %(reason)s You could write: %(instead)s.")
            % {"match": finding.match, "reason": finding.term.reason, "instead": finding.term.instead},
        )
    return len(found)
