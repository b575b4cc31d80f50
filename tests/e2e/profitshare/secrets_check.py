"""The "secrets never leak" check of the e2e suites: no secret string (APIv3 key, private key
body, DSN password, bearer token, receiver name) may appear in any captured text (manager logs,
Events, the resources' YAML with status, /metrics, CLI output, request bodies). The PSS scripts
use assert_no_secrets; tests/e2e/security uses the general secret_pieces/assert_nothing_leaked."""

import json
import urllib.parse

# A private key is Base64 in lines of 64 characters; a 20-character piece is as telling as the
# whole line and also catches a line cut short (or re-wrapped) in a message.
KEY_PIECE = 20


def _key_body(pem):
    lines = [l.strip() for l in pem.splitlines() if l.strip() and not l.startswith("-----")]
    return lines


def key_pieces(pem):
    """The 20-character starts of every Base64 line of a PEM body (the last, short line only
    when it is long enough to be telling)."""
    return [line[:KEY_PIECE] for line in _key_body(pem) if len(line) >= KEY_PIECE]


def spellings(secret):
    """The ways a secret string can show up in text: as is, percent-encoded (a DSN or URL),
    JSON-escaped (a structured log line or a Kubernetes object)."""
    out = {secret, urllib.parse.quote(secret, safe=""), json.dumps(secret)[1:-1],
           json.dumps(secret, ensure_ascii=True)[1:-1]}
    return sorted(s for s in out if s)


def secret_pieces(secrets):
    """{label: [needle, ...]} for {label: secret}; a secret that looks like a PEM is split into
    its key pieces, anything else into its spellings."""
    out = {}
    for label, secret in secrets.items():
        if "-----BEGIN" in secret:
            out[label] = key_pieces(secret)
        else:
            out[label] = spellings(secret)
    return out


def find_leaks(places, secrets):
    """[(secret label, place)] for every secret of {label: secret} found in {place: text}."""
    pieces = secret_pieces(secrets)
    leaks = []
    for where, text in places.items():
        for label, needles in pieces.items():
            if any(n in text for n in needles):
                leaks.append((label, where))
    return leaks


def assert_nothing_leaked(test, places, secrets, min_key_pieces=10):
    """Fails naming each (secret, place) pair found. Guards against a vacuous pass: every place
    must hold text, every secret must be non-trivial, and the matcher must find each secret when
    it is planted into a copy of the text."""
    for where, text in places.items():
        test.assertTrue(text.strip(),
                        "nothing captured from %s: the check would be vacuous" % where)
    pieces = secret_pieces(secrets)
    for label, needles in pieces.items():
        test.assertTrue(needles, "secret %s is empty" % label)
        test.assertTrue(all(len(n.encode()) >= 8 for n in needles),
                        "secret %s too short to grep" % label)
        if "-----BEGIN" in secrets[label]:
            test.assertGreaterEqual(len(needles), min_key_pieces, "%s: too few key lines" % label)
        planted = {"probe": "x " + secrets[label] + " y"}
        test.assertEqual(find_leaks(planted, {label: secrets[label]}), [(label, "probe")],
                         "the matcher misses %s" % label)
    leaks = find_leaks(places, secrets)
    test.assertEqual(leaks, [], "secrets leaked (secret, place): %s" % leaks)


def assert_no_secrets(test, env, mock, namespace, managers):
    """PSS scripts: the APIv3 key and the private key body appear in no manager log, no Event and
    no PSS object (status included)."""
    apiv3 = mock.file("apiv3_key").strip()
    key_lines = _key_body(mock.file("apiclient_key.pem"))
    test.assertEqual(len(apiv3), 32)
    test.assertGreater(len(key_lines), 10)
    places = {"events": env.kubectl.get_yaml("events", namespace=namespace),
              "profitshareschedules": env.kubectl.get_yaml(
                  "profitshareschedules.orderops.io", namespace=namespace)}
    for m in managers:
        places["log of " + m.name] = m.raw_log()
    test.assertIn("kind: Event", places["events"])  # the check looked at real events
    for where, text in places.items():
        test.assertNotIn(apiv3, text, "APIv3 key in %s" % where)
        for line in key_lines:
            # Base64 lines of 64 characters; a 20-character piece is as telling as the line.
            test.assertNotIn(line[:KEY_PIECE], text, "private key material in %s" % where)
