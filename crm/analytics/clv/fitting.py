"""What every maximum-likelihood fit of the lifetime-value models checks before its figures are used."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from crm.analytics.core.errors import AnalyticsError


class FitProblem(AnalyticsError):
    """A model did not converge (the optimiser failed or produced non-finite values)."""

    def __init__(self, model: str, reason: str) -> None:
        super().__init__(
            _(
                "The %(model)s model did not converge: %(reason)s. Check the data (enough customers with repeat purchases, a calibration end after most first purchases)."
            )
            % {"model": model, "reason": reason}
        )


def check_fit(result: Any, *, names: tuple[str, ...], bound: float, model: str) -> tuple[str, ...]:
    """Raise FitProblem when the optimiser failed or its values are not finite; return the warnings to show
    (a parameter ran to the limit of its search range: the data hardly identifies it)."""
    if not np.all(np.isfinite(result.x)) or not np.isfinite(result.fun):
        raise FitProblem(model, _("the likelihood is not finite"))
    if not result.success:
        message = result.message.decode() if isinstance(result.message, bytes) else str(result.message)
        # L-BFGS-B stops with ABNORMAL_TERMINATION when the line search cannot improve a converged optimum;
        # accept it only when the gradient is already negligible
        grad = np.asarray(getattr(result, "jac", np.full(len(names), np.inf)))
        if not (np.all(np.isfinite(grad)) and np.max(np.abs(grad)) < 1e-3 * max(1.0, abs(float(result.fun)))):
            raise FitProblem(model, message)
    warnings = []
    for name, value in zip(names, result.x, strict=True):
        if abs(float(value)) >= bound - 1e-6:
            warnings.append(
                _(
                    "%(model)s parameter %(name)s ran to the limit of its range (%(value).3g): the data hardly identifies it, so treat the predictions with care."
                )
                % {"model": model, "name": name, "value": float(np.exp(value))}
            )
    return tuple(warnings)
