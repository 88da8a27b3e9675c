"""The live server of the browser tests: pytest-django's, serving on database connections kept
from one request to the next (KeptConnectionsServer)."""

import queue
import socket
import threading
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer


class KeptConnectionsServer(ThreadedWSGIServer):
    """The live server's HTTP server, each request still in a thread of its own, on a database
    connection kept from one request to the next, as a production worker keeps its connection
    (DATABASE_CONN_MAX_AGE in gunicorn.conf.py), instead of a new one for every request: each
    new connection cost a sign-in (SCRAM), a new PostgreSQL backend with cold caches and every
    prepared statement its request ran PREPAREd again (coordination/statements.py). A thread
    takes an idle connection, or opens one when all are in use; a connection that failed is
    closed by Django after its request (errors_occurred) and opened again by the next."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: queue.SimpleQueue[BaseDatabaseWrapper] = queue.SimpleQueue()
        self._kept: list[BaseDatabaseWrapper] = []
        self._kept_lock = threading.Lock()

    def _take(self) -> BaseDatabaseWrapper:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            kept = connections.create_connection(DEFAULT_DB_ALIAS)
            # Not closed at the end of a request by age (the test settings' CONN_MAX_AGE 0).
            kept.settings_dict = {**kept.settings_dict, "CONN_MAX_AGE": None}
            kept.inc_thread_sharing()
            with self._kept_lock:
                self._kept.append(kept)
            return kept

    def process_request_thread(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        kept = self._take()
        connections[DEFAULT_DB_ALIAS] = kept
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._idle.put(kept)

    def _close_connections(self) -> None:
        """After each HTTP connection Django closes the thread's database connections; the
        kept one stays open for the next request."""

    def close_kept(self) -> None:
        with self._kept_lock:
            for kept in self._kept:
                kept.close()


class KeptConnectionsLiveServerThread(LiveServerThread):
    server_class = KeptConnectionsServer

    def terminate(self) -> None:
        super().terminate()
        httpd = getattr(self, "httpd", None)
        if isinstance(httpd, KeptConnectionsServer):
            httpd.close_kept()


def kept_connections_live_server(addr: str) -> LiveServer:
    """pytest-django's LiveServer on `addr`, started, its thread a
    KeptConnectionsLiveServerThread; `stop()` closes the connections it kept."""
    server = LiveServer(addr, start=False)
    default = server.thread
    server.thread = KeptConnectionsLiveServerThread(
        default.host,
        static_handler=default.static_handler,
        connections_override=default.connections_override,
        port=default.port,
    )
    server.thread.daemon = True
    server.start()
    return server
