"""Find and read mtcheck configuration.

Looked up in the current folder, first found wins: `.mtcheck.toml` (top-level keys),
`pyproject.toml` ([tool.mtcheck]), `setup.cfg` ([mtcheck]). The command line overrides it.
Unknown keys are errors that name the key.
"""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path

from .errors import ConfigError
from .models import Severity
from .visible import excerpt

KEYS = {
    "glossaries": "list of glossary paths (relative to the config file)",
    "default_glossary": "true/false: load the bundled glossaries",
    "select": "list of rule codes or prefixes",
    "ignore": "list of rule codes or prefixes",
    "severity": "table rule code -> error|warning|info",
    "fail_on": "error|warning|info",
    "min_confidence": "number 0..1",
    "embed": "true/false",
    "model": "sentence-transformers model name or path",
    "backend": "torch|torch-bf16|onnx-int8",
    "cross_lingual_model": "multilingual sentence-transformers model name or path (BI008, --align embedding)",
    "baseline": "baseline file of accepted findings (relative to the config file)",
    "include_fuzzy": "true/false: also check fuzzy translations",
    "jobs": "processes for large files (0: one per CPU, 1: no workers)",
    "threads": "CPU threads of the embedding model (0: automatic, see --threads)",
    "dask_scheduler": "address of a dask.distributed scheduler to check on (tcp://HOST:PORT, see --dask-scheduler)",
}


def _as_list(value, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise ConfigError(f"key {excerpt(key)} must be a list of strings", where=where)


def _as_bool(value, key: str, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "false", "no", "0"}:
        return value.strip().lower() in {"true", "yes", "1"}
    raise ConfigError(f"key {excerpt(key)} must be true or false", where=where)


def normalise(raw: dict, where: str, base: Path) -> dict:
    config: dict = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in KEYS:
            raise ConfigError(f"unknown key {excerpt(key)}", where=where, hint=f"known keys: {', '.join(KEYS)}")
        if name == "glossaries":
            config[name] = [str((base / path)) if not Path(path).is_absolute() else path for path in _as_list(value, key, where)]
        elif name in {"select", "ignore"}:
            config[name] = _as_list(value, key, where)
        elif name == "baseline":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError("key 'baseline' must be a file path", where=where)
            config[name] = str(base / value) if not Path(value).is_absolute() else value
        elif name in {"embed", "default_glossary", "include_fuzzy"}:
            config[name] = _as_bool(value, key, where)
        elif name == "severity":
            if isinstance(value, str):
                pairs = [item.split("=", 1) for item in _as_list(value, key, where)]
                value = {code.strip(): sev.strip() for code, sev in pairs}
            if not isinstance(value, dict):
                raise ConfigError("key 'severity' must map rule codes to severities", where=where)
            try:
                config[name] = {code.upper(): Severity.parse(sev).value for code, sev in value.items()}
            except ValueError as exc:
                raise ConfigError(str(exc), where=where) from None
        elif name == "fail_on":
            try:
                config[name] = Severity.parse(value).value
            except ValueError as exc:
                raise ConfigError(str(exc), where=where) from None
        elif name == "min_confidence":
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ConfigError("key 'min_confidence' must be a number between 0 and 1", where=where) from None
            if not 0 <= number <= 1:
                raise ConfigError("key 'min_confidence' must be between 0 and 1", where=where)
            config[name] = number
        elif name in {"jobs", "threads"}:
            if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
                meaning = "one per CPU" if name == "jobs" else "automatic"
                raise ConfigError(f"key {name!r} must be a whole number (0: {meaning})", where=where)
            config[name] = int(value)
        else:
            config[name] = str(value)
    return config


def ini_error(exc: configparser.Error) -> str:
    """What is wrong with an INI file, by line number: configparser's own message quotes
    whole lines of the file, which may not be a configuration file at all."""
    if isinstance(exc, configparser.ParsingError) and getattr(exc, "errors", None):
        return f"invalid INI: line {exc.errors[0][0]} is not `key = value` or a [section]"
    lineno = getattr(exc, "lineno", None)
    return f"invalid INI at line {lineno}: {type(exc).__name__}" if lineno else f"invalid INI: {type(exc).__name__}"


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", where=str(path)) from None


def load_config(path: str | None = None, folder: str | Path = ".") -> dict:
    """The configuration dict (empty when no file is found)."""
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError("configuration file not found", where=str(file))
        return _load_file(file, explicit=True)
    folder = Path(folder)
    for name in (".mtcheck.toml", "pyproject.toml", "setup.cfg"):
        file = folder / name
        if file.is_file():
            config = _load_file(file, explicit=False)
            if config is not None:
                return config
    return {}


def _load_file(file: Path, explicit: bool) -> dict | None:
    where = str(file)
    if file.name == "setup.cfg" or file.suffix == ".cfg":
        parser = configparser.ConfigParser()
        try:
            parser.read(file, encoding="utf-8")
        except configparser.Error as exc:
            raise ConfigError(ini_error(exc), where=where) from None
        if not parser.has_section("mtcheck"):
            return {} if explicit else None
        return normalise(dict(parser.items("mtcheck")), f"{where} [mtcheck]", file.parent)
    data = _read_toml(file)
    if file.name == "pyproject.toml":
        section = data.get("tool", {}).get("mtcheck")
        if section is None:
            return {} if explicit else None
        return normalise(section, f"{where} [tool.mtcheck]", file.parent)
    return normalise(data, where, file.parent)
