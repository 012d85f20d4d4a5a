"""Model routing: the registry, an explainable, budget-aware router, and `explain` for one description."""

from reelforge.tools.clips.registry import Availability, ModelSpec, Registry, RegistryError
from reelforge.tools.routing.explain import Ranked, explain
from reelforge.tools.routing.router import (
    BudgetCheck,
    ForcedShot,
    OverBudgetError,
    RoutingError,
    budget_check,
    choose,
    route_storyboard,
)
from reelforge.tools.routing.traits import infer_traits

__all__ = ["Availability", "BudgetCheck", "ForcedShot", "ModelSpec", "OverBudgetError", "Ranked", "Registry",
           "RegistryError", "RoutingError", "budget_check", "choose", "explain", "infer_traits", "route_storyboard"]
