"""Prometheus text exposition: fetch /metrics, parse samples, check the format with promtool."""

import os
import re
import subprocess
import urllib.request

from .binaries import PROMTOOL

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*')


def fetch(port, path="/metrics", timeout=5):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
        return r.read().decode()


def _unescape(value):
    return value.replace(r"\"", '"').replace(r"\n", "\n").replace("\\\\", "\\")


class Metrics:
    """The samples of one scrape: (name, labels dict, float value)."""

    def __init__(self, text):
        self.text = text
        self.samples = []
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            m = _SAMPLE.match(line.strip())
            if not m:
                raise ValueError("not a Prometheus sample line: %r" % line)
            labels = {k: _unescape(v) for k, v in _LABEL.findall(m.group(3) or "")}
            self.samples.append((m.group(1), labels, float(m.group(4))))

    # The metric is positional-only: "name" is also a label of most OrderOps series.
    def select(self, metric, /, **labels):
        """[(labels, value)] of the series of `metric` whose labels include `labels`."""
        return [(l, v) for n, l, v in self.samples
                if n == metric and all(l.get(k) == str(x) for k, x in labels.items())]

    def value(self, metric, /, **labels):
        """The value of the single matching series; None when none; error when several."""
        found = self.select(metric, **labels)
        if not found:
            return None
        if len(found) > 1:
            raise AssertionError("%d series of %s match %r" % (len(found), metric, labels))
        return found[0][1]

    def sum(self, metric, /, **labels):
        return sum(v for _, v in self.select(metric, **labels))


def scrape(port):
    return Metrics(fetch(port))


def promtool_check(text):
    """(ok, output) of `promtool check metrics` (lint + parse of the exposition)."""
    if not os.access(PROMTOOL, os.X_OK):
        raise AssertionError("promtool is missing (Debian package prometheus): " + PROMTOOL)
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=30)
    return r.returncode == 0, r.stdout + r.stderr
