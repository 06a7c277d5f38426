"""The exploration notebook, executed headless on a small run and sweep, and its plain-script
twin: both must run through and draw their eight figures."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ["PARLEY_BIN"]
SRC = os.environ["PARLEY_SOURCE_DIR"]
SCENARIO = os.path.join(SRC, "scenarios", "miami-2025.toml")
NOTEBOOKS = os.path.join(SRC, "scripts", "notebooks")
FIGURES = ["deal_terms.png", "forecast.png", "obstacles.png", "p_agreement_paired.png",
           "p_agreement_sweep.png",
           "posterior_marginals.png", "survival.png", "tornado.png"]
OBSERVED = os.path.join(SRC, "scenarios", "observations", "miami-2025.toml")


class Notebook(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.run_file = os.path.join(cls.tmp.name, "run.h5")
        cls.sweep = os.path.join(cls.tmp.name, "sweep.h5")
        cls.posterior = os.path.join(cls.tmp.name, "posterior.h5")
        cls.posterior_run = os.path.join(cls.tmp.name, "posterior-run.h5")
        for args in (["run", SCENARIO, "-n", "400", "-o", cls.run_file, "-q"],
                     ["calibrate", SCENARIO, "--observed", OBSERVED, "--particles", "200", "-o",
                      cls.posterior, "-q"],
                     ["run", SCENARIO, "--posterior", cls.posterior, "-n", "400", "-o", cls.posterior_run, "-q"],
                     ["sweep", SCENARIO, "-n", "150", "--vary", "agents.russia.war_cost=0.02:0.12:3",
                      "--vary", "agents.ukraine.war_cost=0.05,0.25", "-o", cls.sweep, "-q"]):
            r = subprocess.run([BIN, *args], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def environment(self, figures):
        env = dict(os.environ, PARLEY_RUN=self.run_file, PARLEY_SWEEP=self.sweep, PARLEY_FIGURES=figures,
                   PARLEY_POSTERIOR=self.posterior, PARLEY_POSTERIOR_RUN=self.posterior_run)
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        return env

    def assert_figures(self, folder):
        self.assertEqual(sorted(os.listdir(folder)), FIGURES)
        for name in FIGURES:
            with open(os.path.join(folder, name), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)
            self.assertGreater(os.path.getsize(os.path.join(folder, name)), 5000, name)

    def test_notebook_is_the_script(self):
        r = subprocess.run([sys.executable, os.path.join(NOTEBOOKS, "make_notebook.py"), "--check"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)

    def test_notebook_executes_headless(self):
        nbconvert = shutil.which("jupyter-nbconvert")
        self.assertIsNotNone(nbconvert, "jupyter-nbconvert is missing: run scripts/setup")
        figures = os.path.join(self.tmp.name, "notebook-figures")
        executed = os.path.join(self.tmp.name, "executed.ipynb")
        r = subprocess.run([nbconvert, "--to", "notebook", "--execute", os.path.join(NOTEBOOKS, "explore.ipynb"),
                            "--output", executed], capture_output=True, text=True, env=self.environment(figures),
                           timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assert_figures(figures)

    def test_the_notebook_makes_what_it_lacks_and_draws_inline(self):
        # As a new user runs it: from the repository root, no environment, no files yet (a
        # copy of the tree's src/python, scenarios/ and the built module, so that results/ is its
        # own; the module is found where scripts/demo builds it, without PYTHONPATH).
        nbconvert = shutil.which("jupyter-nbconvert")
        self.assertIsNotNone(nbconvert, "jupyter-nbconvert is missing: run scripts/setup")
        tree = os.path.join(self.tmp.name, "tree")
        for folder in (os.path.join("src", "python"), "scenarios", os.path.join("scripts", "notebooks")):
            shutil.copytree(os.path.join(SRC, folder), os.path.join(tree, folder))
        shutil.copytree(os.path.join(os.path.dirname(BIN), "python"),
                        os.path.join(tree, "build", "release", "python"))
        executed = os.path.join(self.tmp.name, "fresh.ipynb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_") and k != "PYTHONPATH"}
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        env["PARLEY_NOTEBOOK_RUNS"] = "300"  # what it makes, smaller (the sanitizers are slow)
        r = subprocess.run([nbconvert, "--to", "notebook", "--execute",
                            os.path.join("scripts", "notebooks", "explore.ipynb"), "--output", executed],
                           capture_output=True, text=True, env=env, cwd=tree, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assert_figures(os.path.join(tree, "results", "figures"))
        import nbformat
        nb = nbformat.read(executed, as_version=4)
        images = sum(1 for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
                     if "image/png" in o.get("data", {}))
        self.assertEqual(images, len(FIGURES))  # every figure drawn inline too

    def test_script_twin_runs(self):
        figures = os.path.join(self.tmp.name, "script-figures")
        r = subprocess.run([sys.executable, os.path.join(NOTEBOOKS, "explore.py")], capture_output=True, text=True,
                           env=self.environment(figures), timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assert_figures(figures)


if __name__ == "__main__":
    unittest.main()
