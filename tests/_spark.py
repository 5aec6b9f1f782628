"""One local-mode Spark session for the suite's Spark tests (tests only).

``spark_session()`` starts PySpark in local mode (one core, no UI, one shuffle
partition, so row order is the order rows were created in) once per process and
reuses it. Without PySpark or a Java runtime the caller is skipped, except in CI
(``CI`` set), where a missing Spark fails: ``.ci/run`` installs a JRE from
Debian's packages and PySpark comes with the ``test`` extra.
"""

from __future__ import annotations

import functools
import os
import shutil
from typing import Any

import pytest


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Spark is needed in CI: {reason}")
    pytest.skip(reason)


@functools.cache
def _session() -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[1]")
        .appName("vegafigs-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )


def spark_session() -> Any:
    """The process's local Spark session (skipped without PySpark / Java, failed in CI)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _missing("pyspark is not installed (pip install '.[test,spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _missing("no Java runtime (apt-get install default-jre-headless)")
    return _session()
