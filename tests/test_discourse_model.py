"""The document layer of the sense gate end to end, with the real (bundled) model and the
shipped document model: one sense per discourse and the literal veto. Sentences written
for these tests."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mtcheck import CheckOptions, check_text
from mtcheck.cli import main

pytestmark = pytest.mark.model

# The weak lines use the bare word: "millet bracelet" and the like are glossary entries of
# their own (products.csv) and need no sense gate. No line has an unambiguous mistranslation
# ("millet 6" is one): that alone is evidence for every occurrence (the errors-in-document cue),
# and the test is about the document step.
CONFIDENT_AND_WEAK = "\n".join([
    "Millet chairman Lei Jun released a new phone at a launch in Beijing.",
    "The millet booth was crowded.",
    "A millet counter is cheap.",
    "Our millet stand is here.",
])

NAME_MEANS_MILLET = "\n".join([
    "Xiaomi was founded in Beijing in 2010 by Lei Jun.",
    "The name Xiaomi means millet in Chinese.",
    "Xiaomi sells phones, televisions and rice cookers.",
])


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MTCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("mtcheck-cache")))
        yield


def test_one_confident_occurrence_carries_the_weak_ones_in_the_cli(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(CONFIDENT_AND_WEAK + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--select", "GL001", "--format", "json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    millets = sorted((f["line"], f["text"]) for f in findings if f["text"].lower().split()[0] == "millet")
    assert [line for line, _ in millets] == [1, 2, 3, 4]
    carried = [f for f in findings if f["line"] in (2, 3, 4)]
    assert any(any(e.startswith("one sense per discourse") for e in f["evidence"]) for f in carried)


def test_a_xiaomi_article_saying_the_name_means_millet_stays_clean():
    result = check_text(NAME_MEANS_MILLET, CheckOptions(select=("GL001",)))
    assert result.findings == ()
