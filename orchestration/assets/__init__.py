"""Every asset of the refresh, in data-flow order: ingest, dbt, statistics, publish."""

from orchestration.assets.dbt import hiring_dbt_models
from orchestration.assets.ingest import ingest_assets
from orchestration.assets.publish import published_snapshot
from orchestration.assets.statistics import statistics

ALL_ASSETS = [*ingest_assets, hiring_dbt_models, statistics, published_snapshot]
