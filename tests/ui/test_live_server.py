"""`rag serve` as users start it, in its own process, asked through gradio_client."""

import pytest

pytestmark = pytest.mark.slow


def test_live_server_answers_with_the_cited_line(live_server):
    from gradio_client import Client

    client = Client(live_server.url, verbose=False)
    reply = client.predict("How many nuclear warheads will China have by the end of the decade?", api_name="/ask")
    first = reply["citations"][0]
    assert (first["doc"], first["line_start"], first["speaker"]) == ("nato-2025-05-15-antalya", 117, "Mark Rutte")
    assert "thousand nuclear warheads" in first["quote"]
    follow_up = client.predict("How many warheads?", ["What did Rutte say about China?"], api_name="/ask")
    assert "thousand" in follow_up["citations"][0]["quote"]


def test_live_server_declines_what_the_transcripts_do_not_say(live_server):
    from gradio_client import Client

    reply = Client(live_server.url, verbose=False).predict(
        "What is the weather forecast for Brussels tomorrow?", api_name="/ask"
    )
    assert reply["abstained"] is True and reply["citations"] == []
