"""Feature services: the feature sets models train and serve on."""

from feast import FeatureService
from maintenance_views import maintenance_history, operating_context
from sensor_views import sensor_stats

pdm_features = FeatureService(
    name="pdm_features",
    features=[sensor_stats, maintenance_history, operating_context],
    description="Everything the predictive-maintenance model reads, for training and serving alike.",
)
