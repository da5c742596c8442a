"""Every asset of the refresh, in data-flow order: ingest, dbt, publish."""

from orchestration.assets.dbt import hiring_dbt_models
from orchestration.assets.ingest import ingest_assets
from orchestration.assets.publish import published_snapshot

ALL_ASSETS = [*ingest_assets, hiring_dbt_models, published_snapshot]
