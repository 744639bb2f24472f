from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # `manage.py migrate` runs as the tables' owner and then grants the application's
        # role its privileges (audit/migrating.py). Sent once per migrate with this sender.
        from .migrating import grant_then_reconnect_as_app, migrate_as_owner

        pre_migrate.connect(migrate_as_owner, sender=self, dispatch_uid="audit.migrate_as_owner")
        post_migrate.connect(grant_then_reconnect_as_app, sender=self, dispatch_uid="audit.grant_app_role")
