"""TBX termbases as glossaries: term statuses map to approved / variants / wrong."""

from __future__ import annotations

import pytest

from mtcheck import CheckOptions, check_text
from mtcheck.errors import GlossaryError
from mtcheck.glossary.loader import load_glossary_any

from .formats_util import FORMATS_DIR, invoke

TBX = str(FORMATS_DIR / "glossary.tbx")


def test_tbx_entries():
    glossary = load_glossary_any(TBX)
    xiaomi, huawei, integration = glossary.entries
    assert xiaomi.approved == ("Xiaomi",) and xiaomi.wrong == ("millet company",) and xiaomi.source == ("小米",)
    assert xiaomi.domain == "company" and xiaomi.note == "Company name, not the cereal."
    assert xiaomi.origin.endswith("glossary.tbx:6")
    assert huawei.case_sensitive and huawei.severity.value == "warning"
    assert integration.approved == ("integration",) and integration.variants == ("convergence",)


def test_tbx_glossary_drives_the_checks():
    result = check_text("The millet company and HUAWEI grew.", CheckOptions(glossaries=(TBX,), use_default_glossary=False, embed=False))
    assert [(f.rule, f.text) for f in result.findings] == [("GL001", "millet company"), ("GL002", "HUAWEI")]


def test_glossary_validate_accepts_tbx():
    result = invoke(["glossary", "validate", TBX])
    assert result.exit_code == 0 and "3 entries" in result.stderr


TEMPLATE = '<martif type="TBX"><text><body>{}</body></text></martif>'


@pytest.mark.parametrize(
    "body,message",
    [
        ('<termEntry><langSet xml:lang="zh"><tig><term>小米</term></tig></langSet></termEntry>', "no English term"),
        ('<termEntry><descrip type="x-mtcheck-colour">red</descrip><langSet xml:lang="en"><tig><term>X</term></tig></langSet></termEntry>', "unknown x-mtcheck-colour"),
        ('<termEntry><descrip type="x-mtcheck-severity">fatal</descrip><langSet xml:lang="en"><tig><term>X</term></tig></langSet></termEntry>', "unknown severity"),
        ("", "no termEntry"),
    ],
)
def test_bad_tbx_gives_a_glossary_error_with_line(tmp_path, body, message):
    path = tmp_path / "bad.tbx"
    path.write_text(TEMPLATE.format(body), encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        load_glossary_any(str(path))
    assert message in info.value.one_line()


def test_not_a_tbx(tmp_path):
    path = tmp_path / "x.tbx"
    path.write_text("<xliff/>", encoding="utf-8")
    with pytest.raises(GlossaryError, match="not a TBX file"):
        load_glossary_any(str(path))
