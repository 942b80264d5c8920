"""The export contract (SPEC section 2), declared once and read by everything else.

``ENTITIES`` maps ``(system, entity)`` to its declaration. Batches land as
``<landing>/<system>/<batch_id>/<entity>.csv|parquet`` with ``_manifest.json`` written last.
"""

from __future__ import annotations

import re

from .crm import CRM_ENTITIES
from .hris import HRIS_ENTITIES
from .schema import Column, Entity, Reference

ENTITIES: dict[tuple[str, str], Entity] = {(e.system, e.name): e for e in (*HRIS_ENTITIES, *CRM_ENTITIES)}
SYSTEMS: tuple[str, ...] = ("hris", "crm")

MANIFEST_NAME = "_manifest.json"
FILE_FORMATS: tuple[str, ...] = ("csv", "parquet")
BATCH_ID_FORMAT = "%Y-%m-%dT%H%M%SZ"
BATCH_ID_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")


def entities_of(system: str) -> tuple[Entity, ...]:
    if system not in SYSTEMS:
        raise KeyError(f"unknown system {system!r}; expected one of {SYSTEMS}")
    return tuple(e for (s, _), e in ENTITIES.items() if s == system)


def entity(system: str, name: str) -> Entity:
    try:
        return ENTITIES[(system, name)]
    except KeyError:
        raise KeyError(f"{system}/{name} is not an entity of the export contract") from None


__all__ = [
    "BATCH_ID_FORMAT",
    "BATCH_ID_PATTERN",
    "ENTITIES",
    "FILE_FORMATS",
    "MANIFEST_NAME",
    "SYSTEMS",
    "Column",
    "Entity",
    "Reference",
    "entities_of",
    "entity",
]
