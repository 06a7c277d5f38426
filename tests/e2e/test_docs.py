"""The docs against the program: README's first afternoon runs as written (its shell and Python
blocks, unedited, with `parley` on PATH, in a fresh folder), and every `parley` command line in
README and docs/ names a command and options the program has; the key reference of
docs/scenario.md is what the loader takes and allows. Run by ctest with PARLEY_BIN and
PARLEY_SOURCE_DIR set."""
import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
DOCS = [os.path.join(SRC, "README.md")] + sorted(glob.glob(os.path.join(SRC, "docs", "*.md")))


def blocks(text, language):
    """The fenced code blocks of `language` in `text`."""
    return re.findall(r"^```" + language + r"\n(.*?)^```", text, re.S | re.M)


def command_lines(text):
    """Each `parley ...` command of the shell blocks, continuation lines joined."""
    out = []
    for block in blocks(text, "sh"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split("#")[0].strip() if not line.strip().startswith("#") else ""
            for part in line.split("|"):
                part = part.strip()
                if part.startswith("parley ") or part.startswith("build/release/parley "):
                    out.append(part)
    return out


class Docs(unittest.TestCase):
    def test_the_first_afternoon_runs_as_written(self):
        with open(os.path.join(SRC, "README.md")) as f:
            readme = f.read()
        section = readme[readme.index("## A first afternoon"):readme.index("## Where to go next")]
        shell, python = blocks(section, "sh"), blocks(section, "python")
        self.assertGreaterEqual(len(shell), 5)
        self.assertEqual(len(python), 1)
        with tempfile.TemporaryDirectory() as tmp:
            # A folder as a clone has it: the scenarios, the scripts, an empty results/; and
            # `parley` by name, as scripts/demo installs it.
            for name in ("scenarios", "scripts", "src"):
                os.symlink(os.path.join(SRC, name), os.path.join(tmp, name))
            os.mkdir(os.path.join(tmp, "results"))
            bindir = os.path.join(tmp, "bin")
            os.mkdir(bindir)
            os.symlink(BIN, os.path.join(bindir, "parley"))
            env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
            for block in shell:
                r = subprocess.run(["bash", "-e", "-c", block], cwd=tmp, env=env,
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, f"{block}\n{r.stderr}")
            r = subprocess.run([sys.executable, "-c", python[0]], cwd=tmp, env=env,
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, f"{python[0]}\n{r.stderr}")
            for made in ("base.h5", "moscow-pressed.h5", "sweep.h5", "sweep.png", "sobol.h5"):
                self.assertTrue(os.path.exists(os.path.join(tmp, "results", made)), made)

    def test_the_key_reference_is_the_loaders(self):
        # scripts/key_reference.py asks the program under test for each table's keys and what each
        # allows, and fails when docs/scenario.md says otherwise or a key has no meaning there.
        r = subprocess.run([sys.executable, os.path.join(SRC, "scripts", "key_reference.py"), "--parley", BIN,
                            "--check"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(SRC, "docs", "scenario.md")) as f:
            doc = f.read()
        block = doc[doc.index("<!-- generated: key reference -->"):doc.index("<!-- end generated -->",
                                                                              doc.index("<!-- generated: key reference -->"))]
        # Every top-level table and every key of [protocol] the loader names is in it.
        for key in ("`max_rounds`", "`front_above`", "`in_force`", "`reach`", "`vary`", "`members`", "`options`"):
            self.assertIn(key, block)

    def test_every_documented_command_and_option_exists(self):
        usage = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
        commands = set(re.findall(r"^  (\w+)\t", usage, re.M))
        self.assertIn("compare", commands)
        helps = {}
        checked = 0
        for doc in DOCS:
            with open(doc) as f:
                for line in command_lines(f.read()):
                    words = line.split()
                    command = words[1]
                    self.assertIn(command, commands, f"{doc}: {line}")
                    if command not in helps:
                        helps[command] = subprocess.run([BIN, command, "--help"],
                                                        capture_output=True, text=True).stdout
                    for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line):
                        self.assertIn(flag, helps[command], f"{doc}: {line}")
                    checked += 1
        self.assertGreater(checked, 30)


if __name__ == "__main__":
    unittest.main()
