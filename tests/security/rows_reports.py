"""Access rows for the supervisors' dashboard and the data admins' organisation view.

Workers cannot open the dashboard (403); supervisors of either team see their own teams'
(what they see is tested in tests/dashboards/test_dashboard.py); data admins are refused it
but open the organisation view, which nobody else may open. Both refuse before checking the
method, so there is no wrong-method row here (tests/dashboards checks 405 for allowed roles).
"""

from django.urls import reverse

from .matrix import ROLES, Row, supervisor_page

ROWS = [
    supervisor_page("dashboards:dashboard"),
    Row(
        "dashboards:organisation",
        "get",
        lambda o: reverse("dashboards:organisation"),
        {**dict.fromkeys(ROLES, 403), "data_admin": 200, "anonymous": 302},
    ),
]
