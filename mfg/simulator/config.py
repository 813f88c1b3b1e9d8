"""Configuration of one simulation run (:class:`SimConfig`) and the simulator's error class."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
MAX_PLANTS = 26


class SimulationError(ValueError):
    """A simulation was asked for with values it cannot honour; the message names field and value."""


class SimConfig(BaseModel):
    """What to simulate: fleet size, horizon, cadence, randomness and extras."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    equipment: int = Field(20, ge=1, le=100_000, description="Machines in the fleet.")
    days: int = Field(30, ge=1, le=3660, description="Simulated days.")
    seed: int = Field(42, ge=0, description="Random seed; the same seed gives identical output.")
    interval_s: int = Field(60, ge=1, le=3600, description="Seconds between sensor readings; must divide 3600.")
    start: datetime = Field(DEFAULT_START, description="UTC start of the horizon (aligned to a whole hour).")
    plants: int = Field(3, ge=1, le=MAX_PLANTS, description="Plants (capped at the number of machines).")
    images: int = Field(200, ge=0, le=100_000, description="Defect images to generate for inspected batches.")
    image_size: int = Field(96, ge=32, le=512, description="Side of the square defect images in pixels.")
    anomaly_rate: float = Field(
        0.2, ge=0.0, le=20.0, description="Injected sensor anomalies per machine per day (Poisson mean)."
    )

    @field_validator("interval_s")
    @classmethod
    def _divides_hour(cls, value: int) -> int:
        if 3600 % value:
            raise ValueError(f"interval_s={value} must divide 3600 (e.g. 1, 10, 30, 60, 300, 900)")
        return value

    @field_validator("start")
    @classmethod
    def _utc_hour(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if value.minute or value.second or value.microsecond:
            raise ValueError(f"start={value.isoformat()} must be on a whole hour")
        return value

    @model_validator(mode="after")
    def _size(self) -> SimConfig:
        readings = self.equipment * self.days * 86_400 // self.interval_s
        if readings > 2_000_000_000:
            raise ValueError(f"equipment × days × readings per day = {readings:,} readings is too many (max 2e9)")
        return self

    @property
    def n_plants(self) -> int:
        return min(self.plants, self.equipment)

    @property
    def steps(self) -> int:
        return self.days * 86_400 // self.interval_s

    @property
    def steps_per_hour(self) -> int:
        return 3600 // self.interval_s


def make_config(**values: object) -> SimConfig:
    """Build a :class:`SimConfig`, turning pydantic's error into a :class:`SimulationError`."""
    try:
        return SimConfig.model_validate(values)
    except ValidationError as exc:
        parts = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "config"
            parts.append(f"{field}={err.get('input')!r}: {err['msg']}")
        raise SimulationError("; ".join(parts)) from None
