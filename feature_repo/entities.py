"""Feast entities: one piece of equipment (a machine), keyed by ``equipment_id``."""

from feast import Entity, ValueType

equipment = Entity(
    name="equipment",
    join_keys=["equipment_id"],
    value_type=ValueType.STRING,
    description="One machine on a production line (CNC mill, pump, compressor, press).",
)
