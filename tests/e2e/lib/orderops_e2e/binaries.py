"""Where the binaries under test are: $ORDEROPS_BIN_DIR (set by ctest) or <source>/build/bin.
A missing binary is a test failure that says how to build it, never a skip."""

import os

SOURCE_DIR = os.environ.get(
    "ORDEROPS_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")))
BIN_DIR = os.environ.get("ORDEROPS_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin"))
CRDS_DIR = os.path.join(SOURCE_DIR, "crds")
SAMPLES_DIR = os.path.join(CRDS_DIR, "samples")
KUBECTL = os.environ.get("ORDEROPS_E2E_KUBECTL", "/usr/bin/kubectl")
PROMTOOL = "/usr/bin/promtool"


class MissingBinary(AssertionError):
    pass


def require(name):
    """The absolute path of build/bin/<name> (or of a system tool given by path)."""
    path = name if os.path.isabs(name) else os.path.join(BIN_DIR, name)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise MissingBinary(
            "%s is missing or not executable; build it first (`make build`, or "
            "`cmake --build <build dir> --target %s`) or point ORDEROPS_BIN_DIR at its directory"
            % (path, os.path.basename(name)))
    return path
