"""Model families: predictive maintenance, anomaly, quality, forecasting, vision."""
