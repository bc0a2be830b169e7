"""Configuration files: which file wins, the command line over the file, unknown keys and
bad values as one-line errors (exit 2), and exit codes driven by configuration."""

from __future__ import annotations

import pytest

from mtcheck.config import load_config
from mtcheck.errors import ConfigError

from .formats_util import FORMATS_DIR, GLOSSARY, invoke

# "They record record" is an error (RP001); "HUAWEI" a warning (GL002, case-sensitive entry).
TEXT = "They set a record record.\nPhones from HUAWEI sold well.\n"
COMMON_TOML = f'glossaries = ["{GLOSSARY}"]\ndefault_glossary = false\nembed = false\n'
COMMON_INI = f"glossaries = {GLOSSARY}\ndefault_glossary = false\nembed = false\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mt.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def write(project, name: str, text: str) -> None:
    (project / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "files,expected",
    [
        ({".mtcheck.toml": 'fail_on = "info"\n', "pyproject.toml": '[tool.mtcheck]\nfail_on = "warning"\n', "setup.cfg": "[mtcheck]\nfail_on = error\n"}, "info"),
        ({"pyproject.toml": '[tool.mtcheck]\nfail_on = "warning"\n', "setup.cfg": "[mtcheck]\nfail_on = error\n"}, "warning"),
        ({"pyproject.toml": '[tool.black]\nline-length = 90\n', "setup.cfg": "[mtcheck]\nfail_on = error\n"}, "error"),
        ({"setup.cfg": "[metadata]\nname = x\n"}, None),
        ({}, None),
    ],
)
def test_which_file_wins(project, files, expected):
    for name, text in files.items():
        write(project, name, text)
    assert load_config().get("fail_on") == expected


@pytest.mark.parametrize(
    "name,text",
    [
        (".mtcheck.toml", "colour = 1\n"),
        ("pyproject.toml", "[tool.mtcheck]\ncolour = 1\n"),
        ("setup.cfg", "[mtcheck]\ncolour = 1\n"),
    ],
)
def test_unknown_key_is_exit_2_naming_the_key(project, name, text):
    write(project, name, text)
    result = invoke(["check", "mt.txt"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "unknown key 'colour'" in result.stderr and name in result.stderr


@pytest.mark.parametrize(
    "text,message",
    [
        ('include_fuzzy = "maybe"\n', "key 'include_fuzzy' must be true or false"),
        ('baseline = ""\n', "key 'baseline' must be a file path"),
        ("baseline = 3\n", "key 'baseline' must be a file path"),
        ('fail_on = "fatal"\n', "unknown severity"),
        ("min_confidence = 2\n", "between 0 and 1"),
        ("fail_on = \n", "invalid TOML"),
    ],
)
def test_bad_values(project, text, message):
    write(project, ".mtcheck.toml", text)
    with pytest.raises(ConfigError, match=message):
        load_config()
    assert invoke(["check", "mt.txt"]).exit_code == 2


def test_new_keys_are_read_from_every_file_kind(project):
    write(project, "setup.cfg", "[mtcheck]\ninclude_fuzzy = yes\nbaseline = ci/base.json\n")
    config = load_config()
    assert config["include_fuzzy"] is True and config["baseline"].endswith("ci/base.json")
    write(project, "pyproject.toml", '[tool.mtcheck]\ninclude-fuzzy = false\nbaseline = "b.json"\n')
    assert load_config() == {"include_fuzzy": False, "baseline": "b.json"}


@pytest.mark.parametrize(
    "config,args,exit_code",
    [
        ("", [], 1),  # default fail-on error: the RP001 error fails
        ('select = ["GL"]\n', [], 0),  # only the HUAWEI warning is left
        ('select = ["GL"]\nfail_on = "warning"\n', [], 1),
        ('select = ["GL"]\nfail_on = "warning"\n', ["--fail-on", "error"], 0),  # command line wins
        ('select = ["GL"]\n', ["--select", "RP"], 1),
        ('ignore = ["RP"]\n', [], 0),
        ('ignore = ["RP"]\n', ["--ignore", "GL"], 1),
        ('severity = {RP001 = "warning"}\n', [], 0),
        ('severity = {RP001 = "warning"}\nfail_on = "warning"\n', [], 1),
        ("", ["--fail-on", "never"], 0),
    ],
)
def test_exit_codes_follow_configuration_and_command_line(project, config, args, exit_code):
    write(project, ".mtcheck.toml", COMMON_TOML + config)
    result = invoke(["check", "mt.txt", *args])
    assert result.exit_code == exit_code, result.output


def test_include_fuzzy_from_configuration_and_command_line(project):
    po = project / "news.po"
    po.write_text((FORMATS_DIR / "news.po").read_text(encoding="utf-8"), encoding="utf-8")
    write(project, "setup.cfg", "[mtcheck]\n" + COMMON_INI)
    assert "large data" not in invoke(["check", "news.po", "--format", "jsonl"]).stdout
    assert "large data" in invoke(["check", "news.po", "--format", "jsonl", "--include-fuzzy"]).stdout
    write(project, "setup.cfg", "[mtcheck]\n" + COMMON_INI + "include_fuzzy = true\n")
    assert "large data" in invoke(["check", "news.po", "--format", "jsonl"]).stdout


def test_explicit_config_file(project):
    write(project, "ci.toml", COMMON_TOML + 'select = ["GL"]\n')
    assert invoke(["check", "mt.txt", "--config", "ci.toml"]).exit_code == 0
    missing = invoke(["check", "mt.txt", "--config", "nope.toml"])
    assert missing.exit_code == 2 and "configuration file not found" in missing.stderr


@pytest.mark.parametrize("config,args,expected", [("", [], 0), ("jobs = 1\n", [], 1), ("jobs = 3\n", [], 3), ("jobs = 3\n", ["--jobs", "2"], 2), ("", ["-j", "1"], 1)])
def test_jobs_from_configuration_and_command_line(project, monkeypatch, config, args, expected):
    from mtcheck import api

    seen = []
    original = api.check_segments
    monkeypatch.setattr(api, "check_segments", lambda segments, options=None: seen.append(options.jobs) or original(segments, options))
    write(project, ".mtcheck.toml", COMMON_TOML + config)
    result = invoke(["check", "mt.txt", *args])
    assert result.exit_code == 1, result.output
    assert seen == [expected]


@pytest.mark.parametrize("value", ['"many"', "-2", "true", "1.5"])
def test_bad_jobs_value_is_a_one_line_error(project, value):
    write(project, ".mtcheck.toml", COMMON_TOML + f"jobs = {value}\n")
    result = invoke(["check", "mt.txt"])
    assert result.exit_code == 2
    assert "key 'jobs' must be a whole number" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_negative_jobs_on_the_command_line_is_a_usage_error(project):
    write(project, ".mtcheck.toml", COMMON_TOML)
    assert invoke(["check", "mt.txt", "--jobs", "-1"]).exit_code == 2


SECRET = "root:x:0:0:s3cret-value:/root:/bin/bash"


def test_a_configured_glossary_that_is_no_glossary_is_not_echoed(project):
    (project / "passwd").write_text(f"{SECRET}\ndaemon:x:1:1:other-secret:/usr/sbin\n", encoding="utf-8")
    write(project, ".mtcheck.toml", f'glossaries = ["{project / "passwd"}"]\nembed = false\n')
    result = invoke(["check", "mt.txt"])
    assert result.exit_code == 2
    assert "not a glossary" in result.output
    assert "s3cret" not in result.output and "root:x" not in result.output and "other-secret" not in result.output


def test_glossary_errors_echo_a_short_escaped_excerpt(project):
    long_value = "\x1b[2J" + "x" * 500
    glossary = project / "g.csv"
    glossary.write_text(f"source,approved,severity\n小米,Xiaomi,{long_value}\n", encoding="utf-8")
    write(project, ".mtcheck.toml", f'glossaries = ["{glossary}"]\nembed = false\n')
    result = invoke(["check", "mt.txt"])
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1
    assert "\x1b" not in result.output and "\\x1b[2J" in result.output
    assert "x" * 60 not in result.output


def test_ini_errors_give_the_line_not_its_text(project):
    write(project, "setup.cfg", f"{SECRET}\n[mtcheck]\nfail_on = error\n")
    result = invoke(["check", "mt.txt", "--no-embed"])
    assert result.exit_code == 2 and "line 1" in result.output
    assert "s3cret" not in result.output


def test_unknown_key_from_a_file_is_an_escaped_excerpt(project):
    write(project, ".mtcheck.toml", f'"k\\u001b[31m{"y" * 300}" = 1\n')
    result = invoke(["check", "mt.txt", "--no-embed"])
    assert result.exit_code == 2 and "unknown key" in result.output
    assert "\x1b" not in result.output and "y" * 60 not in result.output


def test_cross_lingual_model_key_is_accepted_and_reaches_the_options(project):
    """docs/bilingual.md documents the key; the command line still wins over it."""
    from mtcheck.cli import build_options

    write(project, ".mtcheck.toml", 'cross_lingual_model = "models/labse"\n')
    assert load_config() == {"cross_lingual_model": "models/labse"}
    assert build_options({}).cross_lingual_model == "models/labse"
    assert build_options({"cross_lingual_model": "other"}).cross_lingual_model == "other"
    write(project, "setup.cfg", "[mtcheck]\ncross-lingual-model = models/labse\n")
    (project / ".mtcheck.toml").unlink()
    assert load_config() == {"cross_lingual_model": "models/labse"}
