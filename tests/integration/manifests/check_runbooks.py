"""Every alert of manifests/monitoring/prometheus_rule.yaml links, through its `runbook_url`
annotation, to a section of docs/operations.md that exists and says something: the anchor is the
GitHub slug of a heading there (lower case, punctuation dropped, spaces to '-', "-1", "-2" for
repeats), and the text between that heading and the next heading of the same or a higher level is
not empty. Runs without a server or network."""

import re
import unittest

from manifest_lib import load_yaml_file, repo_root

DOC = "docs/operations.md"
RULES = "manifests/monitoring/prometheus_rule.yaml"
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


def heading_text(raw):
    """The text GitHub slugs: inline markup removed, link text kept."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    text = re.sub(r"<[^>]+>", "", text)
    return text.replace("`", "").replace("*", "")


def github_slug(text):
    """GitHub's anchor for a heading: lower case; drop every character that is not a letter, a
    digit, a space, '-' or '_'; each space becomes '-'."""
    text = heading_text(text).strip().lower()
    return "".join("-" if c == " " else c for c in text if c.isalnum() or c in " -_")


def sections(markdown):
    """{anchor: body} for every heading outside code fences; body is the text up to the next
    heading of the same or a higher level. Repeated slugs get -1, -2, ... as on GitHub."""
    headings = []  # (level, anchor, line index)
    seen = {}
    lines = markdown.splitlines()
    in_fence = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        m = None if in_fence else HEADING.match(line)
        if not m:
            continue
        slug = github_slug(m.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        headings.append((len(m.group(1)), slug if count == 0 else "%s-%d" % (slug, count), i))
    out = {}
    for n, (level, anchor, start) in enumerate(headings):
        end = len(lines)
        for later_level, _, later_start in headings[n + 1:]:
            if later_level <= level:
                end = later_start
                break
        out[anchor] = "\n".join(lines[start + 1:end])
    return out


def alerts(rule_file):
    rule = load_yaml_file(rule_file)
    return [r for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r]


class SlugTest(unittest.TestCase):
    """The slug function follows GitHub's rules on the cases this document uses."""

    def test_slugs(self):
        self.assertEqual(github_slug("OrderOpsRunFailing"), "orderopsrunfailing")
        self.assertEqual(github_slug("1. Install"), "1-install")
        self.assertEqual(github_slug("6. Moving from the PHP crontab"),
                         "6-moving-from-the-php-crontab")
        self.assertEqual(github_slug("Cut-over"), "cut-over")
        self.assertEqual(github_slug("The `run-now` annotation"), "the-run-now-annotation")

    def test_repeated_headings_are_numbered_and_fences_ignored(self):
        doc = "# A\nx\n```\n# A\n```\n## A\ny\n"
        self.assertEqual(set(sections(doc)), {"a", "a-1"})


class RunbookTest(unittest.TestCase):
    """Each alert's runbook_url names docs/operations.md and an anchor that is a non-empty
    section of it."""

    @classmethod
    def setUpClass(cls):
        root = repo_root()
        cls.sections = sections((root / DOC).read_text(encoding="utf-8"))
        cls.alerts = alerts(root / RULES)

    def test_there_are_alerts(self):
        self.assertGreaterEqual(len(self.alerts), 10)

    def test_every_runbook_url_points_into_operations_md(self):
        for rule in self.alerts:
            with self.subTest(alert=rule["alert"]):
                url = rule.get("annotations", {}).get("runbook_url", "")
                path, sep, anchor = url.partition("#")
                self.assertTrue(path.endswith(DOC), "runbook_url %r is not %s" % (url, DOC))
                self.assertTrue(sep and anchor, "runbook_url %r has no anchor" % url)

    def test_every_anchor_is_a_heading_with_content(self):
        for rule in self.alerts:
            with self.subTest(alert=rule["alert"]):
                anchor = rule["annotations"]["runbook_url"].partition("#")[2]
                self.assertIn(anchor, self.sections, "no heading in %s gives #%s" % (DOC, anchor))
                body = self.sections[anchor]
                self.assertTrue(body.strip(), "section #%s is empty" % anchor)
                # A runbook entry says at least how to confirm and how to fix.
                words = len(re.findall(r"\w+", body))
                self.assertGreater(words, 40, "section #%s is a stub (%d words)" % (anchor, words))

    def test_each_alert_has_its_own_section(self):
        anchors = [r["annotations"]["runbook_url"].partition("#")[2] for r in self.alerts]
        self.assertEqual(len(anchors), len(set(anchors)), anchors)


if __name__ == "__main__":
    unittest.main(verbosity=2)
