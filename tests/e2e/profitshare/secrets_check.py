"""The "secrets never leak" check shared by the PSS e2e scripts: the APIv3 key and the private
key body must appear in no manager log, no Event and no PSS object (status included)."""


def _key_body(pem):
    lines = [l.strip() for l in pem.splitlines() if l.strip() and not l.startswith("-----")]
    return lines


def assert_no_secrets(test, env, mock, namespace, managers):
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
            test.assertNotIn(line[:20], text, "private key material in %s" % where)
