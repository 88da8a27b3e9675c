"""The production server's settings (gunicorn.conf.py), read as gunicorn reads them."""

from pathlib import Path

from gunicorn.app.base import Application
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_opens_no_control_socket(monkeypatch):
    # Reading the file sets a default in os.environ: this test's process keeps its own.
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "0")
    config = Config()
    read = Application.get_config_from_filename(None, str(ROOT / "gunicorn.conf.py"))
    for name, value in read.items():
        if name in config.settings:
            config.set(name, value)
    # gunicornc's socket is one path per user: a second server on the machine would take it over
    assert config.control_socket_disable is True
    assert config.worker_class_str == "sync"
