"""Feast feature store access: apply the repo, materialize, training sets and online reads."""
