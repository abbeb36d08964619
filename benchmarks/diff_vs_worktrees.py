"""``importgate diff`` against the hand-made alternative, on a generated repository.

The alternative a team would script without importgate: ``git worktree add`` the base and
the head, run ``lint-imports`` in each, remove both worktrees. It gives two verdicts and no
dependency diff; ``importgate diff`` gives the verdicts plus added / removed dependencies,
new / fixed violations and cycles. The table shows what that costs.

Run: ``.venv/bin/python benchmarks/diff_vs_worktrees.py [--modules N] [--repeat R]``
(writes the ``diff`` section of ``reports/benchmarks.md``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_section import write_section

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
LAYERS = ["api", "service", "domain", "store", "util"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout


def make_repo(root: Path, modules: int, seed: int = 7) -> Path:
    """A layered package ``big`` of ``modules`` modules; branch ``feature`` adds 5 imports
    (one of them upward) and removes 5."""
    rng = random.Random(seed)
    per_layer = max(1, modules // len(LAYERS))
    names = {layer: [f"big.{layer}.m{i}" for i in range(per_layer)] for layer in LAYERS}
    imports: dict[str, set[str]] = {}
    for index, layer in enumerate(LAYERS):
        below = [name for lower in LAYERS[index + 1 :] for name in names[lower]]
        for name in names[layer]:
            imports[name] = set(rng.sample(below, min(4, len(below))))

    def write() -> None:
        for layer in LAYERS:
            (root / "big" / layer).mkdir(parents=True, exist_ok=True)
            (root / "big" / layer / "__init__.py").write_text("")
            for name in names[layer]:
                body = "".join(f"import {target}\n" for target in sorted(imports[name]))
                (root / (name.replace(".", "/") + ".py")).write_text(body + "VALUE = 1\n")

    root.mkdir(parents=True)
    (root / "big").mkdir()
    (root / "big" / "__init__.py").write_text("")
    (root / ".importlinter").write_text(
        "[importlinter]\nroot_package = big\n\n[importlinter:contract:layers]\n"
        "name = big layers\ntype = layers\nlayers =\n"
        + "".join(f"    big.{layer}\n" for layer in LAYERS)
    )
    write()
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "switch", "-q", "-c", "feature")
    changed = rng.sample(names["service"], 5)
    for name in changed:
        imports[name].pop()
        imports[name].add(rng.choice(names["store"]))
    imports[changed[0]].add(names["api"][0])  # upward: breaks the layers contract
    write()
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "feature")
    return root


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    assert completed.returncode in (0, 1), completed.stderr
    return elapsed


def by_hand(repo: Path, scratch: Path) -> float:
    lint_imports = str(Path(sys.executable).with_name("lint-imports"))
    started = time.perf_counter()
    for label, revision in (("base", "main"), ("head", "feature")):
        tree = scratch / label
        git(repo, "worktree", "add", "--detach", "--quiet", str(tree), revision)
        subprocess.run(
            [lint_imports, "--no-logo", "--no-cache"],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
            capture_output=True,
        )
        git(repo, "worktree", "remove", "--force", str(tree))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        repo = make_repo(Path(directory) / "repo", arguments.modules)
        diff = [sys.executable, "-m", "importgate", "diff", "--base", "main"]
        rows = {
            "importgate diff --base main --head feature": lambda: timed(
                [*diff, "--head", "feature", "--format", "json"], repo
            ),
            "importgate diff --base main (working tree = feature)": lambda: timed(diff, repo),
            "by hand: 2 x (git worktree add, lint-imports, git worktree remove)": lambda: by_hand(
                repo, Path(directory)
            ),
        }
        results = {
            name: sorted(run() for _ in range(arguments.repeat)) for name, run in rows.items()
        }
    lines = [
        "## importgate diff",
        "",
        f"A generated layered package of {arguments.modules} modules; `feature` changes 5 "
        f"imports and adds one upward. Median and min of {arguments.repeat} runs, wall "
        "clock, on a shared 2-core machine (numbers are noisy).",
        "",
        "| command | median (s) | min (s) |",
        "| --- | ---: | ---: |",
        *(
            f"| {name} | {statistics.median(times):.2f} | {times[0]:.2f} |"
            for name, times in results.items()
        ),
        "",
        "The hand-made way gives two verdicts only; `importgate diff` also lists the "
        "dependencies added and removed and the new and fixed violations.",
        "",
        f"Command: `.venv/bin/python benchmarks/diff_vs_worktrees.py --modules "
        f"{arguments.modules} --repeat {arguments.repeat}`",
    ]
    path = write_section("diff", "\n".join(lines))
    print("\n".join(lines))
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
