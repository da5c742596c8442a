"""The Dagster instance of a CLI refresh (orchestration/instance.py) keeps Dagster's
event log on one held connection: runs, checks and reads must work as with the
stock ephemeral instance."""

from __future__ import annotations

from dagster import (
    AssetCheckResult,
    AssetKey,
    DagsterEventType,
    asset,
    asset_check,
    materialize,
)

from orchestration.instance import ephemeral_instance


@asset
def numbers() -> int:
    return 1


@asset_check(asset=numbers, blocking=True)
def positive() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def test_a_run_stores_its_events_and_the_next_run_reads_them(tmp_path):
    instance = ephemeral_instance(tmp_path / "run")
    first = materialize([numbers, positive], instance=instance)
    assert first.success
    kinds = {e.dagster_event.event_type for e in instance.all_logs(first.run_id) if e.dagster_event}
    assert {
        DagsterEventType.ASSET_MATERIALIZATION,
        DagsterEventType.ASSET_CHECK_EVALUATION,
        DagsterEventType.RUN_SUCCESS,
    } <= kinds
    latest = instance.get_latest_materialization_event(AssetKey("numbers"))
    assert latest is not None and latest.run_id == first.run_id

    second = materialize([numbers, positive], instance=instance)  # reads the first's records
    assert second.success
    latest = instance.get_latest_materialization_event(AssetKey("numbers"))
    assert latest is not None and latest.run_id == second.run_id
    assert len(instance.get_runs()) == 2


def test_the_artifact_folder_is_the_one_given_and_goes_with_the_instance(tmp_path):
    left = tmp_path / "run"
    (left / "storage").mkdir(parents=True)  # a killed refresh's
    with ephemeral_instance(left) as instance:
        assert not (left / "storage").exists()
        assert instance.storage_directory() == str(left / "storage")
        assert materialize([numbers], instance=instance).success
    assert not left.exists()
