"""The default path never touches the network: ingest and ask with every socket blocked."""

import socket

import pytest

from rag.pipeline import open_pipeline
from rag.settings import Settings
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_ingest_and_ask_with_sockets_blocked(no_network, tmp_path):
    pipeline = open_pipeline(Settings(index_dir=tmp_path / "index"))
    assert pipeline.ingest([SAMPLE]).added == ["nato-2025-05-15-antalya"]
    result = pipeline.ask("How many nuclear warheads will China have by the end of the decade?")
    assert result.answer.citations[0].line_start == 117
    with pytest.raises(NetworkUsed):  # the guard itself works
        socket.create_connection(("127.0.0.1", 9))
