"""A Spark refresh whose embedded metastore another Java process holds says so and publishes nothing.

The embedded (Derby) metastore admits one JVM at a time. Another pyspark session
on the same warehouse (an analyst's notebook, a refresh started by hand) holds it;
the refresh must name that cause, not end in a Java stack trace.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestration.engine import spark_dir
from tests.conftest import HANDMADE_AS_OF, HANDMADE_EXPORT, refresh

pytestmark = [pytest.mark.spark, pytest.mark.slow]

# A pyspark session on the warehouse's metastore, held until the test ends.
HOLDER = """
import sys, time
from pyspark.sql import SparkSession
folder = sys.argv[1]
spark = (
    SparkSession.builder.master("local[1]")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.warehouse.dir", folder + "/tables")
    .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={folder}/metastore_db;create=true")
    .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={folder}")
    .enableHiveSupport()
    .getOrCreate()
)
spark.sql("show databases").collect()  # boots the metastore: Derby now holds its lock
print("holding", flush=True)
time.sleep(900)
"""


@pytest.fixture
def held_warehouse(tmp_path) -> Path:
    warehouse = tmp_path / "wh"
    folder = spark_dir(warehouse)
    folder.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={"SPARK_LOCAL_IP": "127.0.0.1", **os.environ},
    )
    try:
        deadline = time.monotonic() + 300
        line = holder.stdout.readline()
        assert line.strip() == "holding" and time.monotonic() < deadline, "holder did not start"
        yield warehouse
    finally:
        holder.kill()
        holder.wait()


def test_a_held_metastore_fails_the_refresh_saying_who_holds_it(held_warehouse):
    result = refresh(HANDMADE_EXPORT, held_warehouse, HANDMADE_AS_OF, engine="spark")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Refresh FAILED: nothing was published." in result.stdout
    assert (
        f"Spark's metastore in {spark_dir(held_warehouse)} is held by another Java process"
        in result.stdout
    )
    assert re.search(r"another Java process \(PID \d+\)", result.stdout), result.stdout
    assert "Stop that process, then refresh again." in result.stdout
    assert "dbt build" not in result.stderr  # told before dbt starts, not after its retries
    assert not (held_warehouse / "published.duckdb").exists()
