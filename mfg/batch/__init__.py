"""Spark batch jobs over the lake: cleansing, hourly features, failure labels and aggregates.

Each job is a function ``run_<job>(spark, settings) -> dict`` (see :mod:`mfg.batch.jobs`), runnable
from Python with :func:`mfg.batch.session.build_session` or with ``spark-submit mfg/batch/submit.py``.
"""
