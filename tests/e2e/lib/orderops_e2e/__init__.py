"""Shared harness of the OrderOps end-to-end suites (tests/e2e/<area>/): the test API server,
a throwaway PostgreSQL, real kubectl, N `orderops manager` replicas, wait helpers with explicit
timeouts, and /metrics scraping. Runs under /usr/bin/python3 (Debian's psycopg2 and yaml).

    import sys; sys.path.insert(0, "<source>/tests/e2e/lib")
    from orderops_e2e import E2ETestCase, LeaseSettings, wait_for
"""

from .conditions import condition, condition_is, current
from .binaries import BIN_DIR, CRDS_DIR, SAMPLES_DIR, SOURCE_DIR, MissingBinary, require
from .environment import E2ETestCase, Environment
from .kubectl import Kubectl, KubectlError
from .manager import LeaseSettings, Manager
from .metrics import Metrics, promtool_check, scrape
from .postgres import Postgres
from .process import Process, wait_for

__all__ = [
    "BIN_DIR", "CRDS_DIR", "SAMPLES_DIR", "SOURCE_DIR", "MissingBinary", "require",
    "E2ETestCase", "Environment", "Kubectl", "KubectlError", "LeaseSettings", "Manager",
    "Metrics", "promtool_check", "scrape", "Postgres", "Process", "wait_for",
    "condition", "condition_is", "current",
]
