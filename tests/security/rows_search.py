"""Access rows for search. The search has no URL of its own: it is a POST to the person list
(covered in test_access_matrix.py) and to Log a contact (the person picker's "find")."""

from .matrix import team_page

ROWS = [
    # A misspelt name, as typed: fuzzy matching still only ever looks inside the user's teams.
    team_page("clients:list", "post", data={"q": "Robni"}),
    team_page("encounters:log", "post", data={"find": "1", "q": "Robin"}),
]
