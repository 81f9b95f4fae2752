"""The chat served for real on a free loopback port, driven through gradio_client."""

import socket

import pytest

from ui.app import build_demo


@pytest.fixture
def served(presser_pipeline):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_demo(presser_pipeline)
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_chat_answers_with_cited_lines_over_http(served):
    from gradio_client import Client

    client = Client(served, verbose=False)
    reply = client.predict("What target did Allies agree to aim for?", api_name="/chat")
    assert "Jane Doe" in reply and "line 17" in reply and "three percent" in reply
    abstained = client.predict("What did Jane Doe say about Iran?", api_name="/chat")
    assert abstained.startswith("The transcripts don't answer")
