"""End-to-end behaviour of ``simulate``: contracts, determinism, labels, anomalies, images."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from mfg.contracts.tables import FAILURE_MODES, GROUND_TRUTH, SENSOR_FIELDS, STATUSES, TABLES
from mfg.simulator import SimConfig, SimulationResult, simulate
from mfg.simulator.config import SimulationError, make_config


@pytest.fixture(scope="module")
def result() -> SimulationResult:
    return simulate(SimConfig(equipment=12, days=45, seed=7, images=12, anomaly_rate=0.5))


def test_tables_match_contracts(result: SimulationResult) -> None:
    assert set(result.tables) == set(TABLES)
    assert set(result.ground_truth) == set(GROUND_TRUTH)
    for name, table in result.tables.items():
        assert table.schema.equals(TABLES[name]), name
    for name, table in result.ground_truth.items():
        assert table.schema.equals(GROUND_TRUTH[name]), name
    assert result.tables["sensor_readings"].num_rows == 12 * 45 * 1440
    assert set(result.tables["equipment"].column("equipment_type").to_pylist()) == {
        "cnc_mill",
        "pump",
        "compressor",
        "press",
    }
    assert "CNC-A-101" in result.tables["equipment"].column("equipment_id").to_pylist()


def test_sequence_is_per_equipment_monotonic(result: SimulationResult) -> None:
    for name in ("sensor_readings", "equipment_status", "quality_metrics"):
        df = result.tables[name].select(["equipment_id", "event_time", "sequence"]).to_pandas()
        for _, g in df.sort_values("event_time", kind="stable").groupby("equipment_id"):
            assert (np.diff(g["sequence"].to_numpy()) > 0).all(), name


def test_same_seed_same_output_different_seed_differs() -> None:
    cfg = SimConfig(equipment=5, days=8, seed=11, images=3)
    a, b = simulate(cfg), simulate(cfg)
    for name in TABLES:
        assert a.tables[name].equals(b.tables[name]), name
    for name in GROUND_TRUTH:
        assert a.ground_truth[name].equals(b.ground_truth[name]), name
    assert all(np.array_equal(x.pixels, y.pixels) for x, y in zip(a.images, b.images, strict=True))
    c = simulate(cfg.model_copy(update={"seed": 12}))
    assert not a.tables["sensor_readings"].equals(c.tables["sensor_readings"])
    assert not a.tables["quality_metrics"].equals(c.tables["quality_metrics"])


def _ms(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).cast(pa.int64()).to_numpy()


def test_labels_agree_with_failures(result: SimulationResult) -> None:
    failures, labels = result.ground_truth["failures"], result.ground_truth["pdm_labels"]
    assert failures.num_rows > 0 and pc.sum(labels["failure_within_7_days"]).as_py() > 0
    week = 7 * 86_400_000
    f_eq, f_ms = np.array(failures["equipment_id"].to_pylist()), _ms(failures, "failure_time")
    l_eq = np.array(labels["equipment_id"].to_pylist())
    hours, label = _ms(labels, "hour"), labels["failure_within_7_days"].to_numpy()
    censored = labels["censored"].to_numpy(zero_copy_only=False)
    for eq in np.unique(l_eq):
        times = np.sort(f_ms[f_eq == eq])
        rows = l_eq == eq
        h = hours[rows]
        idx = np.searchsorted(times, h, side="left")
        nxt = np.where(idx < len(times), times[np.minimum(idx, max(len(times) - 1, 0))] if len(times) else 0, -1)
        within = (idx < len(times)) & (nxt - h < week)
        pos = label[rows] == 1
        assert within[pos].all(), eq  # every 1 has a failure within 7 days
        uncensored_zero = (~pos) & (~censored[rows])
        assert not within[uncensored_zero].any(), eq  # every uncensored 0 has none
    assert set(labels["next_failure_mode"].drop_null().to_pylist()) <= set(FAILURE_MODES)


def test_failures_stop_the_machine(result: SimulationResult) -> None:
    failures = result.ground_truth["failures"].to_pandas()
    status = result.tables["equipment_status"].to_pandas()
    sensors = result.tables["sensor_readings"]
    assert set(status["status"]) <= set(STATUSES)
    assert status.loc[status.status == "error", "error_code"].notna().all()
    assert status.loc[status.status != "error", "error_code"].isna().all()
    for row in failures.itertuples():
        err = status[(status.equipment_id == row.equipment_id) & (status.event_time == row.failure_time)]
        assert list(err["status"]) == ["error"]
        during = sensors.filter(
            pc.and_(
                pc.equal(sensors["equipment_id"], row.equipment_id),
                pc.and_(
                    pc.greater_equal(sensors["event_time"], row.failure_time),
                    pc.less(sensors["event_time"], row.repaired_time),
                ),
            )
        )
        assert pc.max(during["rotational_speed"]).as_py() in (0.0, None)
    corrective = result.tables["maintenance_events"].to_pandas().query("kind == 'corrective'")
    assert len(corrective) == len(failures)


def test_anomaly_windows_present_where_injected(result: SimulationResult) -> None:
    windows = result.ground_truth["anomaly_windows"].to_pandas()
    assert set(windows["kind"]) == {"spike", "drift", "stuck", "dropout"}
    sensors = result.tables["sensor_readings"].to_pandas().set_index(["equipment_id", "event_time"]).sort_index()
    for w in windows.itertuples():
        values = sensors.loc[(w.equipment_id, slice(w.start_time, w.end_time - timedelta(milliseconds=1))), w.sensor]
        if w.kind == "dropout":
            assert values.isna().all()
        elif w.kind == "stuck":
            assert values.nunique() == 1
    dropped = {w.sensor for w in windows.itertuples() if w.kind == "dropout"}
    assert all(sensors[s].isna().any() for s in dropped)
    assert not sensors["tool_wear"].isna().any()


def test_quality_and_images(result: SimulationResult) -> None:
    q = result.tables["quality_metrics"].to_pandas()
    assert set(q["defect_class"]) == {"good", "minor", "major", "reject"}
    assert (q["units_defective"] <= q["units_produced"]).all()
    by_class = q.groupby("defect_class")["tool_wear"].mean()
    assert by_class["reject"] > by_class["good"]
    imgs = result.ground_truth["defect_images"].to_pandas()
    assert len(imgs) == len(result.images) == 12
    linked = q.dropna(subset=["image_id"])
    assert set(linked["image_id"]) == set(imgs["image_id"])
    good_ids = set(linked.loc[linked.defect_class == "good", "image_id"])
    assert set(imgs.loc[imgs.image_id.isin(good_ids), "defect_type"]) <= {"none"}
    assert (imgs.loc[~imgs.image_id.isin(good_ids), "defect_type"] != "none").all()
    assert result.images[0].pixels.shape == (96, 96, 3)


def test_sensor_values_are_physical() -> None:
    """Without injected anomalies: no nulls, no negative readings, stopped machines show zero speed."""
    r = simulate(SimConfig(equipment=8, days=10, seed=3, images=0, anomaly_rate=0.0))
    s = r.tables["sensor_readings"]
    assert r.ground_truth["anomaly_windows"].num_rows == 0
    for f in SENSOR_FIELDS:
        assert s[f].null_count == 0, f
    for f in ("vibration_rms", "pressure", "power", "tool_wear"):
        assert pc.min(s[f]).as_py() >= 0, f
    assert pc.min(s["rotational_speed"]).as_py() == 0.0  # idle or stopped machines
    temps = s["temperature"].to_numpy()
    assert temps.min() > 5 and temps.max() < 200


@pytest.mark.parametrize(
    ("field", "value"), [("interval_s", 7), ("equipment", 0), ("days", -1), ("plants", 40), ("anomaly_rate", -1.0)]
)
def test_bad_config_names_field_and_value(field: str, value: object) -> None:
    with pytest.raises(SimulationError, match=field):
        make_config(**{field: value})
