"""Provenance of the shipped scenarios: every number in the default scenario says what it
rests on (a source with its date, or "judgement"), and no comment points at a section of
docs/model.md that does not exist (references name sections, never numbers, so that they
cannot go stale)."""
import glob
import os
import re
import unittest

SRC = os.environ.get("PARLEY_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCENARIOS = sorted(glob.glob(os.path.join(SRC, "scenarios", "*.toml")))
DEFAULT = os.path.join(SRC, "scenarios", "miami-2025.toml")

# What counts as saying where a number comes from: "judgement", a year (the date of a
# reported fact or a publication), or a named document of the talks.
GROUNDS = re.compile(r"judgement|\b(19|20)\d\d\b|draft|memorandum|counter-proposal|stated position"
                     r"|reported|read-out", re.IGNORECASE)
# Keys whose values are names and labels, not numbers.
TEXT_KEYS = re.compile(r"^\s*(name|title|description|label|unit|issue|kind|revision|role|key)\s*=")
NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def headings():
    with open(os.path.join(SRC, "docs", "model.md"), encoding="utf-8") as f:
        return {re.sub(r"^[\d.]+\s*", "", line.lstrip("#").strip()) for line in f if line.startswith("#")}


class Provenance(unittest.TestCase):
    def test_every_number_of_the_default_scenario_has_grounds(self):
        with open(DEFAULT, encoding="utf-8") as f:
            lines = f.read().splitlines()
        missing = []
        block = []  # the comment lines just above the current line (names and labels skipped)
        table = []  # the comment lines just above the current table's header
        for n, line in enumerate(lines, 1):
            stripped = line.strip()
            if stripped.startswith("#"):
                block.append(stripped)
                continue
            if not stripped:
                block = []
                continue
            if stripped.startswith("["):
                table, block = block, []
                continue
            code, _, comment = line.partition("#")
            if TEXT_KEYS.match(code):
                continue
            if "=" in code and NUMBER.search(code.split("=", 1)[1]):
                if not GROUNDS.search(" ".join([comment, *block, *table])):
                    missing.append(f"{n}: {stripped}")
            block = []
        self.assertEqual(missing, [], "numbers without a source or 'judgement':\n" + "\n".join(missing))

    def test_references_to_the_model_name_existing_sections(self):
        names = headings()
        files = SCENARIOS + [p for folder in ("src", "include", "tests", "scripts") for ext in
                             ("cpp", "hpp", "py", "toml") for p in
                             glob.glob(os.path.join(SRC, folder, "**", "*." + ext), recursive=True)
                             if os.path.basename(p) != "test_provenance.py"]
        checked = 0
        for path in files:
            with open(path, encoding="utf-8") as f:
                content = re.sub(r"\n\s*(//|#)\s*", " ", f.read())
            if path.endswith(".toml"):
                self.assertNotIn("§", content, f"{path}: refer to docs/model.md by section name")
            self.assertNotRegex(content, r"model\.md §", f"{path}: refer to docs/model.md by section name")
            for ref in re.findall(r'docs/model\.md[,(]? ?\(?"([^"]+)"', content):
                self.assertTrue(any(name.startswith(ref) for name in names),
                                f"{path}: no section '{ref}' in docs/model.md")
                checked += 1
        self.assertGreater(checked, 20)


if __name__ == "__main__":
    unittest.main()
