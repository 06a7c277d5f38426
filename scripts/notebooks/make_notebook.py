#!/usr/bin/env python3
"""Writes explore.ipynb from its plain-script twin explore.py (cells split at '# %%').

usage: make_notebook.py [--check]   (--check: exit 1 if explore.ipynb is out of date)
"""
import os
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))


def notebook_from_script(path):
    cells = []
    kind, lines = None, []

    def close():
        if kind is None:
            return
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#") for l in text.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            cells.append(nbformat.v4.new_code_cell(text))

    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("# %%"):
                close()
                kind, lines = ("markdown" if "[markdown]" in line else "code"), []
            else:
                lines.append(line)
    close()
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"  # stable ids, so the file only changes with the script
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def main():
    target = os.path.join(HERE, "explore.ipynb")
    fresh = nbformat.writes(notebook_from_script(os.path.join(HERE, "explore.py")))
    if "--check" in sys.argv:
        with open(target, encoding="utf-8") as f:
            if f.read() != fresh:
                sys.exit("explore.ipynb is out of date: run scripts/notebooks/make_notebook.py")
        return
    with open(target, "w", encoding="utf-8") as f:
        f.write(fresh)


if __name__ == "__main__":
    main()
