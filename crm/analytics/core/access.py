"""Who may see and refresh the company-wide analyses.

A customer analysis (Pareto, RFM, lifetime value, churn, cohorts) aggregates the whole customer base, so viewing
it needs the analysis' object type with the "all" view scope (administrators, sales managers, marketing,
service, read-only); a sales rep, who sees only their team's records, does not get company-wide figures.
Refreshing needs a change scope of "hierarchy" or wider (managers, administrators). Lists that drill down from a
figure stay scoped by each record's own permission.
"""

from __future__ import annotations

from typing import Any

from crm.core.identity.enums import Scope
from crm.core.identity.permissions import user_scope

_REFRESH_SCOPES = (Scope.ALL, Scope.HIERARCHY)


def analysis_can_view(user: Any, object_type: str) -> bool:
    return user_scope(user, object_type, "view") == Scope.ALL


def analysis_can_refresh(user: Any, object_type: str) -> bool:
    return analysis_can_view(user, object_type) and user_scope(user, object_type, "change") in _REFRESH_SCOPES
