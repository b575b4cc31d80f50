"""A throwaway PostgreSQL 15 (orderops-test-postgres) for one test environment, plus databases
migrated by the real `orderops db migrate`. Queries go through psycopg2 (Debian's
python3-psycopg2, hence /usr/bin/python3)."""

import os
import re
import signal
import subprocess
import urllib.parse

from .binaries import require
from .process import Process, wait_for


class Postgres:
    def __init__(self, directory, start_timeout=90):
        self.directory = directory
        self.url_file = os.path.join(directory, "postgres.url")
        # --until-stdin-closes: the cluster also goes when this Python process dies.
        self.process = Process("postgres", [
            require("orderops-test-postgres"), "--url-file", self.url_file,
            "--until-stdin-closes"], directory, stdin_pipe=True)
        self.url = wait_for(self._read_url, start_timeout, "orderops-test-postgres to print a URL")
        parts = urllib.parse.urlsplit(self.url)
        self.user = urllib.parse.unquote(parts.username or "")
        self.password = urllib.parse.unquote(parts.password or "")
        self.host = parts.hostname
        self.port = parts.port
        self.database = parts.path.lstrip("/")

    def _read_url(self):
        if not self.process.running():
            raise AssertionError("orderops-test-postgres exited:\n" + self.process.tail())
        for line in self.process.stdout().splitlines():
            if line.startswith("postgresql://"):
                return line.strip()
        return None

    def url_for(self, database=None, password=None, user=None):
        """A libpq URI for `database` (default: the migrated one), optionally with another
        user or password (for wrong-credential tests)."""
        return "postgresql://%s:%s@%s:%d/%s" % (
            urllib.parse.quote(user if user is not None else self.user, safe=""),
            urllib.parse.quote(password if password is not None else self.password, safe=""),
            self.host, self.port, database or self.database)

    def connect(self, database=None):
        """An autocommit psycopg2 connection; the caller closes it."""
        import psycopg2
        conn = psycopg2.connect(self.url_for(database), connect_timeout=10)
        conn.autocommit = True
        return conn

    def query(self, sql, params=None, database=None):
        """All rows of one statement."""
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def execute(self, sql, params=None, database=None):
        self.query(sql, params, database)

    def create_database(self, name, migrate=True, timeout=60):
        """A fresh database `name` (an old one is dropped), migrated by `orderops db migrate`
        unless migrate=False. Returns its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError("database names here are plain identifiers: %r" % name)
        conn = self.connect("postgres")
        try:
            with conn.cursor() as cur:
                cur.execute("DROP DATABASE IF EXISTS %s" % name)
                cur.execute("CREATE DATABASE %s" % name)
        finally:
            conn.close()
        url = self.url_for(name)
        if migrate:
            r = subprocess.run([require("orderops"), "db", "migrate", "--database-url", url],
                               capture_output=True, text=True, timeout=timeout)
            if r.returncode != 0:
                raise AssertionError("orderops db migrate failed (%d): %s%s" % (
                    r.returncode, r.stdout, r.stderr))
        return url

    # outages (fault tests) ------------------------------------------------------------------------
    def stop_server(self, timeout=30):
        """Stops the server (fast shutdown: sessions cut, open transactions rolled back); the
        cluster, its data and its port stay for start_server()."""
        self._signal_and_wait(signal.SIGUSR1, "postgres stopped", timeout)

    def start_server(self, timeout=60):
        """Starts the cluster stop_server() stopped again, on the same port."""
        self._signal_and_wait(signal.SIGUSR2, "postgres started", timeout)

    def _signal_and_wait(self, sig, line, timeout):
        def lines():
            return [x for x in self.process.stdout().splitlines() if x.startswith("postgres ")]
        seen = len(lines())
        self.process.send_signal(sig)

        def answered():
            if not self.process.running():
                raise AssertionError("orderops-test-postgres exited:\n" + self.process.tail())
            new = lines()[seen:]
            if new and new[0] != line:
                raise AssertionError("orderops-test-postgres: %s" % new[0])
            return bool(new)
        wait_for(answered, timeout, "orderops-test-postgres to say %r" % line, interval=0.05)

    def stop(self):
        return self.process.stop(timeout=30)
