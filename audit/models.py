"""The append-only audit trail: who did or saw what, and when.

Rows are written only through the database function `audit_append` (called by
`audit.services.record`). A database trigger refuses UPDATE and DELETE (migration 0002), and
the application's database role may only SELECT here and call that function
(audit/roles.py), so not even the application can rewrite history or write a row any other
way. Each event is also a link in a keyed hash chain that the database fills when its
transaction commits (audit/chain.py); `manage.py verify_audit_chain` checks it. Rows carry ids, never names or
note text. Foreign keys are kept as plain ids (no database constraint) so that deleting a
user or erasing a person never has to touch this table.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        CLIENT_VIEWED = "client_viewed", _("Opened a person's record")
        CLIENT_CREATED = "client_created", _("Registered a person")
        ENCOUNTER_VIEWED = "encounter_viewed", _("Opened a contact")
        ENCOUNTER_CREATED = "encounter_created", _("Logged a contact")
        CLIENT_CHANGED = "client_changed", _("Changed a person's record")
        CONSENT_RECORDED = "consent_recorded", _("Recorded a consent decision")
        FLAG_CHANGED = "flag_changed", _("Changed a safety flag")
        CLIENTS_MERGED = "clients_merged", _("Merged two records")
        MERGE_UNDONE = "merge_undone", _("Undid a merge")
        DUPLICATE_DISMISSED = "duplicate_dismissed", _("Marked two records as different people")
        CLIENT_TRANSFERRED = "client_transferred", _("Moved a person to another team")
        CLIENT_ERASED = "client_erased", _("Erased identifying data")
        VIEWERS_PRINTED = "viewers_printed", _("Printed who viewed a record")
        SUMMARY_MADE = "summary_made", _("Made a summary for the person to take")
        USE_WISH_CHANGED = "use_wish_changed", _("Changed a person's own words on drug use")
        GOAL_SET = "goal_set", _("Noted a goal")
        GOAL_VIEWED = "goal_viewed", _("Opened a person's goals")
        GOAL_REVIEWED = "goal_reviewed", _("Reviewed a goal")
        GOAL_STEPS_CHANGED = "goal_steps_changed", _("Changed a goal's steps")
        GOAL_STATUS_CHANGED = "goal_status_changed", _("Marked a goal achieved or set aside")
        GOAL_CHANGED = "goal_changed", _("Changed a goal into a new one")
        ENCOUNTER_CHANGED = "encounter_changed", _("Corrected a contact")
        REFERRAL_MADE = "referral_made", _("Noted a referral")
        REFERRAL_UPDATED = "referral_updated", _("Updated a referral")
        OVERDOSE_RECORDED = "overdose_recorded", _("Recorded an overdose response")
        CATALOGUE_CHANGED = "catalogue_changed", _("Changed the services or sites catalogue")
        CHECK_IN_RECORDED = "check_in_recorded", _("Recorded a wellbeing check-in")
        INSTRUMENT_CHANGED = "instrument_changed", _("Changed a check-in questionnaire")
        # Sign-in security (accounts/security.py, accounts/sessions.py).
        LOCKED_OUT = "locked_out", _("Sign-in paused after failed attempts")
        SIGN_IN_REFUSED = "sign_in_refused", _("Sign-in refused while paused")
        SIGN_IN_UNLOCKED = "sign_in_unlocked", _("Ended a pause on sign-in")
        SESSION_EXPIRED = "session_expired", _("Session ended by its time limit")
        SESSIONS_ENDED = "sessions_ended", _("Ended a user's sessions")
        TWO_FACTOR_SET_UP = "two_factor_set_up", _("Set up two-factor sign-in")
        TWO_FACTOR_RESET = "two_factor_reset", _("Reset a user's two-factor sign-in")
        RECOVERY_CODES_MADE = "recovery_codes_made", _("Made new recovery codes")
        REAUTHENTICATED = "reauthenticated", _("Confirmed who they are again")
        # Anonymised exports (exports/): parameters and row counts, never data.
        EXPORT_STARTED = "export_started", _("Started an anonymised export")
        EXPORT_FINISHED = "export_finished", _("An anonymised export was written")
        EXPORT_DOWNLOADED = "export_downloaded", _("Downloaded an anonymised export")
        # Supplies (encounters/supplies.py): supplies for others, reported reversals, stock.
        FOR_OTHERS_RECORDED = "for_others_recorded", _("Recorded supplies for others")
        REVERSAL_REPORTED = "reversal_reported", _("Recorded a reversal a person reported")
        STOCK_CHANGED = "stock_changed", _("Changed a team's stock")
        STOCK_REPORT_DOWNLOADED = "stock_report_downloaded", _("Downloaded a stock report")
        # Health services (health/): ids and kinds, never results' free text or names.
        HEALTH_TEST_RECORDED = "health_test_recorded", _("Recorded a test and its result")
        LINKAGE_STEP_RECORDED = "linkage_step_recorded", _("Recorded a step of linkage to care")
        PREVENTION_RECORDED = "prevention_recorded", _("Recorded PrEP, PEP or a vaccination")
        EDUCATION_RECORDED = "education_recorded", _("Recorded safer-use topics and skills")
        EDUCATION_TOPICS_CHANGED = "education_topics_changed", _("Changed the team's safer-use topics")
        DRUG_CHECK_RECORDED = "drug_check_recorded", _("Recorded a drug-checking result")
        DRUG_CHECKS_DELETED = "drug_checks_deleted", _("Deleted person-linked drug-checking results past retention")
        ALERT_POSTED = "alert_posted", _("Posted a bad-batch alert")
        ALERT_ENDED = "alert_ended", _("Ended a bad-batch alert")
        INCIDENT_RECORDED = "incident_recorded", _("Recorded a rights or safety incident")
        CONTEXT_RECORDED = "context_recorded", _("Recorded context the person chose to share")
        CONTEXT_VIEWED = "context_viewed", _("Opened the context a person chose to share")
        CONTEXT_REMOVED = "context_removed", _("Removed context a person asked to be removed")
        # Offline use (offline/): device ids and counts, never what the device holds.
        OFFLINE_TURNED_ON = "offline_turned_on", _("Turned on offline use on a device")
        OFFLINE_REVOKED = "offline_revoked", _("Revoked a device's offline use")
        OFFLINE_PEOPLE_SENT = "offline_people_sent", _("Sent the caseload to a device for offline use")
        CLIENT_VIEWED_OFFLINE = "client_viewed_offline", _("Opened a person's record offline")
        # The API (api/): personal access tokens, and figures released through it.
        API_TOKEN_CREATED = "api_token_created", _("Made an API token")
        API_TOKEN_REVOKED = "api_token_revoked", _("Revoked an API token")
        API_FIGURES_READ = "api_figures_read", _("Read the organisation's figures through the API")
        RECORDS_IMPORTED = "records_imported", _("Imported records from a spreadsheet")
        IMPORT_STARTED = "import_started", _("Started an import from a spreadsheet")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    client_id = models.UUIDField(_("person"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Ids and field names only (e.g. {"fields": ["pronouns"]}), never names, values or text.
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The hash chain, written by the database at commit (never by Python; audit/chain.py):
    # the lane (one of a few chains written side by side), the event's place in its lane, and
    # HMAC-SHA256, under a key only the table's owner can read, of the previous link's hash and
    # the event's canonical fields.
    chain_lane = models.SmallIntegerField(_("chain lane"), null=True, blank=True, editable=False)
    chain_seq = models.BigIntegerField(_("place in the chain"), null=True, blank=True, editable=False)
    chain_hash = models.CharField(_("chain hash"), max_length=64, blank=True, db_default="", editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            # One link per place in each lane: a fork is an error, never a second branch. Also
            # the index that finds a lane's head when the next event is linked.
            models.UniqueConstraint(fields=["chain_lane", "chain_seq"], name="audit_chain_lane_seq_uniq"),
        ]
        indexes = [
            # "Who opened this person's record" (supervisors, newest first).
            models.Index(fields=["client_id", "-at"], name="audit_client_at_idx"),
            # "What did this user do" (investigations, lockout checks).
            models.Index(fields=["actor_id", "-at"], name="audit_actor_at_idx"),
            # Per-address sign-in throttle: failed sign-ins from one IP in the last minutes.
            models.Index(
                fields=["ip", "-at"],
                name="audit_failed_sign_in_ip_idx",
                condition=models.Q(action="sign_in_failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class CspViolation(models.Model):
    """Browsers' reports of what the Content Security Policy blocked, counted per day.

    No personal data: the page is its URL pattern's name, never its path (which may carry a
    person's code); the blocked resource a keyword or a scheme and host, never a full URL,
    a query string or a sample of code (audit/security_reports.py).
    """

    on_day = models.DateField(_("day"))
    directive = models.CharField(_("directive"), max_length=40)
    blocked = models.CharField(_("blocked"), max_length=120)
    page = models.CharField(_("page"), max_length=80)
    count = models.PositiveIntegerField(_("reports"), default=0)

    class Meta:
        verbose_name = _("CSP violation report count")
        verbose_name_plural = _("CSP violation report counts")
        constraints = [
            # One row per kind and day: the report endpoint adds one with INSERT ... ON CONFLICT.
            models.UniqueConstraint(fields=["on_day", "directive", "blocked", "page"], name="audit_csp_kind_day_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.on_day} {self.directive} {self.blocked} {self.page}: {self.count}"
