"""Import kinds are remembered beside grimp's cache, and never outlive a changed file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from importgate.graph import KindCache, classify_lines
from importgate.graph.kindcache import FILENAME
from importgate.model import ImportKind
from tests.importgate.conftest import LAYERED, LAYERS_CONFIG, run_cli

DEFERRED_UPWARD = "VALUE = 1\n\n\ndef later():\n    import shop.high\n"
RUNTIME_UPWARD = "VALUE = 1\n\n\n\nimport shop.high\n"  # the same line, at module level


def _kinds(run) -> list[tuple[str, int, str]]:
    return [
        (link["path"], link["line_number"], link["kind"])
        for contract in run.json["contracts"]
        for violation in contract["violations"]
        for link in violation["chain"]
    ]


def test_kinds_are_cached_and_follow_edits(project):
    root = project(LAYERED, LAYERS_CONFIG)
    low = root / "shop" / "low.py"
    low.write_text(DEFERRED_UPWARD, encoding="utf-8")

    first = run_cli(root, "check", "--format", "json")
    assert first.returncode == 1, first.stderr
    assert ("shop/low.py", 5, "deferred") in _kinds(first)
    cache = json.loads((root / ".import_linter_cache" / FILENAME).read_text())
    assert {"5": "deferred"} in [entry[2] for entry in cache["files"].values()]

    # Line 5 is now at module level: the cached answer must not be reused.
    low.write_text(RUNTIME_UPWARD, encoding="utf-8")
    stamp = low.stat()
    os.utime(low, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    second = run_cli(root, "check", "--format", "json")
    assert second.returncode == 1, second.stderr
    assert ("shop/low.py", 5, "runtime") in _kinds(second)


def test_no_cache_writes_no_kinds_file_and_custom_dir_gets_it(project, tmp_path: Path):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "shop" / "low.py").write_text(DEFERRED_UPWARD, encoding="utf-8")

    assert run_cli(root, "check", "--no-cache").returncode == 1
    assert not (root / ".import_linter_cache").exists()

    elsewhere = tmp_path / "elsewhere"
    assert run_cli(root, "check", "--cache-dir", str(elsewhere)).returncode == 1
    assert (elsewhere / FILENAME).is_file()
    assert not (root / ".import_linter_cache").exists()


def test_a_damaged_kinds_file_is_ignored_and_replaced(project):
    root = project(LAYERED, LAYERS_CONFIG)
    (root / "shop" / "low.py").write_text(DEFERRED_UPWARD, encoding="utf-8")
    cache_dir = root / ".import_linter_cache"
    cache_dir.mkdir()
    (cache_dir / FILENAME).write_text('{"version": 1, "files": {"x": [1, 2, {"3": "bogus"}]')

    run = run_cli(root, "check", "--format", "json")

    assert run.returncode == 1, run.stderr
    assert ("shop/low.py", 5, "deferred") in _kinds(run)
    assert json.loads((cache_dir / FILENAME).read_text())["version"] == 1


def test_only_lines_not_yet_known_are_classified(tmp_path: Path):
    source = tmp_path / "mod.py"
    source.write_text("import os\n\n\ndef f():\n    import json\n", encoding="utf-8")
    asked: list[list[int]] = []

    def classify(path, lines):
        asked.append(list(lines))
        return classify_lines(path, lines)

    cache = KindCache(tmp_path / "cache")
    assert cache.kinds(source, [1, 5], classify) == {
        1: ImportKind.RUNTIME,
        5: ImportKind.DEFERRED,
    }
    assert cache.kinds(source, [5], classify) == {5: ImportKind.DEFERRED}
    cache.save()

    reloaded = KindCache(tmp_path / "cache")
    assert reloaded.kinds(source, [1, 5], classify) == {
        1: ImportKind.RUNTIME,
        5: ImportKind.DEFERRED,
    }
    assert asked == [[1, 5]]


def test_entries_of_deleted_files_are_dropped_when_the_cache_is_saved(tmp_path: Path):
    kept, gone, new = (tmp_path / name for name in ("kept.py", "gone.py", "new.py"))
    for path in (kept, gone, new):
        path.write_text("def f():\n    import json\n", encoding="utf-8")
    cache = KindCache(tmp_path / "cache")
    cache.kinds(kept, [2], classify_lines)
    cache.kinds(gone, [2], classify_lines)
    cache.save()
    gone.unlink()

    later = KindCache(tmp_path / "cache")
    later.kinds(new, [2], classify_lines)  # something new, so the cache is written again
    later.save()

    saved = json.loads((tmp_path / "cache" / FILENAME).read_text())["files"]
    assert sorted(saved) == sorted([str(kept), str(new)])
