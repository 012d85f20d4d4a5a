"""Model routing: the registry, an explainable, budget-aware router, and `explain` for one description."""

from tools.clips.registry import Availability, ModelSpec, Registry, RegistryError
from tools.routing.explain import Ranked, explain
from tools.routing.router import RoutingError, choose, route_storyboard
from tools.routing.traits import infer_traits

__all__ = ["Availability", "ModelSpec", "Ranked", "Registry", "RegistryError", "RoutingError", "choose",
           "explain", "infer_traits", "route_storyboard"]
