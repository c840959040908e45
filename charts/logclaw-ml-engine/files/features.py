# Feature definitions applied by the init container (`feast apply`) before the feature server
# starts. The anomaly scorer reads these per-service statistics online.
from datetime import timedelta
import os

from feast import Entity, FeatureView, Field, FileSource
from feast.types import Float32, Int64, String

OFFLINE = os.environ["FEAST_OFFLINE_PATH"]

service = Entity(name="service", join_keys=["service"], description="A service that sends logs")

service_stats_source = FileSource(
    name="service_stats",
    path=f"{OFFLINE}/service_stats.parquet",
    timestamp_field="event_timestamp",
)

service_error_stats = FeatureView(
    name="service_error_stats",
    entities=[service],
    ttl=timedelta(hours=1),
    schema=[
        Field(name="service", dtype=String),
        Field(name="error_rate", dtype=Float32),
        Field(name="log_volume", dtype=Int64),
        Field(name="anomaly_score", dtype=Float32),
    ],
    source=service_stats_source,
    online=True,
)
