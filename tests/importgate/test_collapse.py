"""``importgate.graph.collapse``: real grimp graphs of generated packages."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp
import pytest

from importgate.graph.collapse import collapse, collapsed_name
from tests.importgate.conftest import write_tree

NESTED = {
    "app/__init__.py": "from app import api\n",
    "app/api/__init__.py": "",
    "app/api/views.py": "import app.core.models\nfrom app.core import services\nimport json\n",
    "app/api/urls.py": "from app.api import views\nimport app.core.models\n",
    "app/core/__init__.py": "",
    "app/core/models.py": "import app.util\n",
    "app/core/services.py": "from app.core import models\n",
    "app/core/deep/__init__.py": "",
    "app/core/deep/x.py": "import app.api.views\n",
    "app/util.py": "",
}


@pytest.fixture
def nested_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> grimp.ImportGraph:
    write_tree(tmp_path, NESTED)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]
    return grimp.build_graph("app", cache_dir=None)


def test_depth_one_merges_into_children_and_counts_module_pairs(nested_graph):
    collapsed = collapse(nested_graph, "app", 1)
    assert collapsed.nodes == ("app.api", "app.core", "app.util")
    # views->models, views->services, urls->models: three distinct module pairs.
    assert collapsed.edges == {
        ("app.api", "app.core"): 3,
        ("app.core", "app.api"): 1,
        ("app.core", "app.util"): 1,
    }
    assert collapsed.members["app.core"] == (
        "app.core",
        "app.core.deep",
        "app.core.deep.x",
        "app.core.models",
        "app.core.services",
    )
    assert collapsed.imports_of("app.core") == ("app.api", "app.util")
    assert collapsed.importers_of("app.core") == ("app.api",)
    assert collapsed.label("app.core") == "core"


def test_depth_two_keeps_packages_and_drops_internal_imports(nested_graph):
    collapsed = collapse(nested_graph, "app", 2)
    assert "app.core.deep" in collapsed.nodes and "app.core.deep.x" not in collapsed.nodes
    assert collapsed.edges[("app.core.deep", "app.api.views")] == 1
    assert collapsed.edges[("app.api.urls", "app.api.views")] == 1
    assert all(a != b for a, b in collapsed.edges)
    assert ("app", "app.api") not in collapsed.edges  # root __init__ left out by default


def test_include_root_adds_the_root_node(nested_graph):
    collapsed = collapse(nested_graph, "app", 1, include_root=True)
    assert "app" in collapsed.nodes
    assert collapsed.edges[("app", "app.api")] == 1


def test_subpackage_as_root_and_external_imports_ignored(nested_graph):
    collapsed = collapse(nested_graph, "app.api", 1)
    assert collapsed.nodes == ("app.api.urls", "app.api.views")
    assert collapsed.edges == {("app.api.urls", "app.api.views"): 1}


def test_bad_arguments_raise_value_error(nested_graph):
    with pytest.raises(ValueError, match="depth"):
        collapse(nested_graph, "app", 0)
    with pytest.raises(ValueError, match="nope"):
        collapse(nested_graph, "nope", 1)


def test_collapsed_name():
    assert collapsed_name("a.b.c.d", "a.b", 1) == "a.b.c"
    assert collapsed_name("a.bc", "a.b", 1) is None
    assert collapsed_name("a.b", "a.b", 1) is None
