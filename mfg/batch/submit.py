"""Entry script for ``spark-submit``: ``spark-submit mfg/batch/submit.py [job ...]``.

The master comes from spark-submit (``--master local[*]`` or ``k8s://...``, or the SparkApplication);
everything else from the ``MFG_*`` settings. Prints the jobs' summary as one JSON line.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str] | None = None) -> int:
    from mfg.batch.jobs import run_jobs
    from mfg.batch.session import build_session
    from mfg.settings import load_settings

    settings = load_settings()
    spark = build_session(settings, set_master=False)
    try:
        print(json.dumps(run_jobs(spark, settings, argv if argv is not None else sys.argv[1:]), default=str))
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
