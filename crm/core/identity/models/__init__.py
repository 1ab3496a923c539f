from crm.core.identity.models.roles import Role, RolePermission
from crm.core.identity.models.teams import Team
from crm.core.identity.models.tokens import AccessToken
from crm.core.identity.models.users import User

__all__ = ["AccessToken", "Role", "RolePermission", "Team", "User"]
