"""Settings: the command line, then the environment, then a config file, then defaults.

Two config files are read, the first found winning for each setting:

1. `evidencebib.toml` beside the references folder (the project's file: `references/../`),
2. `$XDG_CONFIG_HOME/evidencebib/evidencebib.toml` (default `~/.config/evidencebib/…`, the
   user's file: e-mail and API keys that are not the project's to share).

Each file is flat TOML with the keys of `SETTINGS`; an unknown key or a value that is not a
string is an error naming the file (a typo must not silently fall back to a default).
`evidencebib config` shows the effective value of each setting and where it came from.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from evidencebib.errors import ParseError, decode_utf8, read_user_file

__all__ = ["SETTINGS", "Setting", "Value", "Settings", "load", "config_files"]

FILE_NAME = "evidencebib.toml"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str | None
    help: str
    secret: bool = False


SETTINGS = (
    Setting("mailto", "EVIDENCEBIB_MAILTO", None,
            "your e-mail, sent to Crossref (polite pool) and NCBI as their etiquette asks"),
    Setting("crossref_plus_token", "EVIDENCEBIB_CROSSREF_PLUS_TOKEN", None,
            "Crossref Metadata Plus token (sent as Crossref-Plus-API-Token)", secret=True),
    Setting("ncbi_api_key", "EVIDENCEBIB_NCBI_API_KEY", None,
            "NCBI E-utilities API key (for the PubMed client)", secret=True),
    Setting("style", "EVIDENCEBIB_STYLE", "ig-criteria",
            "default style of render, cite and page"),
    Setting("locale", "EVIDENCEBIB_LOCALE", None,
            "default locale for render and cite (--locale overrides it; unset: the style's default-locale)"),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Value:
    """A setting's effective value and where it came from (`command line`, `$VAR`, a file,
    `default`)."""

    setting: Setting
    value: str | None
    source: str

    def shown(self) -> str:
        if self.value is None:
            return "(not set)"
        if self.setting.secret:
            return f"(set, {len(self.value)} characters, ends …{self.value[-4:]})" \
                if len(self.value) >= 12 else "(set)"
        return self.value


class Settings(dict):
    """name -> Value for every setting."""

    def get_value(self, name: str) -> str | None:
        return self[name].value


def config_files(references_dir: Path | str | None,
                 environ: Mapping[str, str] | None = None) -> list[Path]:
    """The config files in precedence order (the project's, then the user's)."""
    environ = os.environ if environ is None else environ
    files = []
    if references_dir is not None:
        files.append(Path(references_dir).absolute().parent / FILE_NAME)
    home = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    files.append(Path(home) / "evidencebib" / FILE_NAME)
    return files


def read_file(path: Path) -> dict[str, str]:
    """The settings a config file sets; ParseError naming the file (and line) otherwise."""
    text = decode_utf8(read_user_file(path), path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ParseError(f"not valid TOML ({error})", file=path) from None
    unknown = sorted(set(data) - set(_BY_NAME))
    if unknown:
        raise ParseError(f"unknown setting(s) {', '.join(unknown)}; known: "
                         f"{', '.join(_BY_NAME)}", file=path)
    for name, value in data.items():
        if not isinstance(value, str):
            raise ParseError(f"'{name}' must be a string", file=path)
    return data


def load(references_dir: Path | str | None = None, command_line: Mapping[str, str | None] = {},
         environ: Mapping[str, str] | None = None) -> Settings:
    """Every setting's effective value: command line > environment > config files > default."""
    environ = os.environ if environ is None else environ
    files = [(path, read_file(path)) for path in config_files(references_dir, environ)
             if path.is_file()]
    settings = Settings()
    for setting in SETTINGS:
        given = command_line.get(setting.name)
        if given:
            settings[setting.name] = Value(setting, given, "command line")
            continue
        if environ.get(setting.env):
            settings[setting.name] = Value(setting, environ[setting.env], f"${setting.env}")
            continue
        for path, data in files:
            if data.get(setting.name):
                settings[setting.name] = Value(setting, data[setting.name], str(path))
                break
        else:
            settings[setting.name] = Value(setting, setting.default, "default")
    return settings
