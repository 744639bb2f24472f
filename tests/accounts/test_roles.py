import pytest

from accounts.models import DATA_ADMIN, Membership, User
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_roles_come_from_memberships_and_the_data_admin_flag(worker: User, data_admin: User) -> None:
    assert worker.roles == {Membership.Role.WORKER}
    assert data_admin.roles == {DATA_ADMIN}
    assert data_admin.team_ids == []


def test_a_supervisor_in_one_team_can_be_a_worker_in_another(supervisor: User) -> None:
    other = TeamFactory.create()
    MembershipFactory.create(user=supervisor, team=other, role=Membership.Role.WORKER)
    supervisor = User.objects.get(pk=supervisor.pk)
    assert supervisor.roles == {Membership.Role.SUPERVISOR, Membership.Role.WORKER}
    assert len(supervisor.supervised_team_ids()) == 1
