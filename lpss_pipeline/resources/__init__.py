"""Dagster resources: the DuckDB warehouse and the landing zone of export batches."""

from .landing_zone import LandingZoneResource
from .warehouse import WarehouseResource

__all__ = ["LandingZoneResource", "WarehouseResource"]
