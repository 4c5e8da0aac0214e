"""Settings come from the defaults and the MOTCUA_* environment, read once; tests replace the environment."""

from __future__ import annotations

from pathlib import Path

from flask import Config

from api.config import load_config
from engine.settings import EngineSettings


def test_the_environment_overrides_the_defaults_and_text_stays_text(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "123456")
    monkeypatch.setenv("MOTCUA_PROVINCE", "22")
    monkeypatch.setenv("MOTCUA_TOKEN_LIFETIME_HOURS", "3")
    monkeypatch.setenv("MOTCUA_LIBRARY_PATH", str(tmp_path))
    monkeypatch.setenv("MOTCUA_LOG_FORMAT", "text")
    config = Config(tmp_path)
    load_config(config)
    assert config["SECRET_KEY"] == "123456" and config["PROVINCE"] == "22"  # never reinterpreted as numbers
    assert config["TOKEN_LIFETIME_HOURS"] == 3 and config["LOG_FORMAT"] == "text"
    assert config["WORKFLOW_CACHE_SIZE"] == 512 and config["LOG_LEVEL"] == "INFO"  # defaults
    settings = EngineSettings.from_mapping(config)
    assert settings.library_path == Path(tmp_path) and settings.province == "22"
    assert settings.token_lifetime_hours == 3 and settings.timezone == "Asia/Ho_Chi_Minh"


def test_test_settings_replace_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTCUA_PROVINCE", "22")
    monkeypatch.setenv("MOTCUA_LIBRARY_PATH", str(tmp_path))
    config = Config(tmp_path)
    load_config(config, {"DATABASE_URL": "sqlite://"})
    settings = EngineSettings.from_mapping(config)
    assert config["DATABASE_URL"] == "sqlite://" and settings.province is None
    assert settings.library_path.name == "bpmn"
