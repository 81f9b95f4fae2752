"""The page served for real (in this process, on the fake pipeline) and driven through gradio_client."""

import pytest

from tests.ui.conftest import free_port
from ui.app import build_demo, serve


@pytest.fixture
def client(presser_pipeline, tmp_path):
    from gradio_client import Client

    settings = presser_pipeline.settings.with_overrides(port=free_port(), upload_dir=tmp_path / "uploads")
    presser_pipeline.settings = settings
    demo = serve(build_demo(presser_pipeline), settings, block=False)
    yield Client(f"http://127.0.0.1:{settings.port}/", verbose=False)
    demo.close()


def test_ask_api_returns_the_cli_json(client):
    reply = client.predict("What target did Allies agree to aim for?", api_name="/ask")
    assert reply["abstained"] is False
    assert reply["citations"][0]["line_start"] == 17 and reply["citations"][0]["speaker"] == "Jane Doe"
    assert "three percent" in reply["answer"]
    abstained = client.predict("What did Jane Doe say about Iran?", api_name="/ask")
    assert abstained["abstained"] is True and abstained["citations"] == []


def test_chat_endpoint_fills_the_chat_and_the_source_cards(client):
    outputs = client.predict(
        "What target did Allies agree to aim for?",
        [],
        "All documents",
        "All speakers",
        5,
        "extractive",
        api_name="/chat",
    )
    textbox, chat, *_ = outputs
    assert textbox == ""
    reply = chat[-1]["content"]
    reply = reply if isinstance(reply, str) else " ".join(part.get("text", "") for part in reply)
    assert "three percent" in reply and "line 17" in reply
    cards = [o for o in outputs if isinstance(o, str) and "tqa-card" in o]
    assert cards and "Jane Doe" in cards[0] and "<mark>" in cards[0] and "In reply to Ali Kaya" in cards[0]


def test_auth_keeps_out_whoever_has_no_login(presser_pipeline):
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    settings = presser_pipeline.settings.with_overrides(port=free_port())
    demo = serve(build_demo(presser_pipeline), settings, auth=("ana", "s3cret"), block=False)
    url = f"http://127.0.0.1:{settings.port}/"
    try:
        with pytest.raises(AuthenticationError, match="Please login"):
            Client(url, verbose=False).predict("budget", api_name="/ask")
        reply = Client(url, auth=("ana", "s3cret"), verbose=False).predict("budget", api_name="/ask")
        assert reply["citations"]
    finally:
        demo.close()


def test_ask_api_errors_are_the_message_not_a_traceback(client, capfd):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="the question is empty"):
        client.predict("  ", api_name="/ask")
    with pytest.raises(
        AppError, match=r"no document 'presser.txt' in the index \(did you mean 'presser-2025-01-01'\?\)"
    ):
        client.predict("What target did Allies agree?", [], "presser.txt", api_name="/ask")
    assert "Traceback" not in capfd.readouterr().err
