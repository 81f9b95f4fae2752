import json

import pytest

from rag.errors import TranscriptFormatError
from rag.speech_json import parse_speech_json

SEGMENTS = [
    {"start": 0.0, "end": 3.5, "text": " China will have a thousand warheads.", "speaker": "SPEAKER_00"},
    {"start": 3.5, "end": 6.0, "text": " That is a big concern."},
    {"start": 6.0, "end": 9.25, "text": " What about the Baltic Sea?", "speaker": "SPEAKER_01"},
]


def test_pretty_printed_segments_are_cited_by_their_own_line_and_times():
    raw = json.dumps({"text": "all of it", "segments": SEGMENTS}, indent=2)
    turns = parse_speech_json(raw, "talk").turns
    lines = raw.split("\n")
    for turn, segment in zip(turns, SEGMENTS, strict=True):
        assert segment["text"].strip() in lines[turn.line_start - 1]
        assert (turn.time_start, turn.time_end) == (segment["start"], segment["end"])
    assert [t.speaker for t in turns] == ["SPEAKER_00", "SPEAKER_00", "SPEAKER_01"]


def test_minified_output_is_all_on_line_one():
    turns = parse_speech_json(json.dumps(SEGMENTS), "talk").turns
    assert {t.line_start for t in turns} == {1} and len(turns) == 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"segments": [{"text": "a"}, {"start": "soon", "text": "b"}]}', "segment 1 has start='soon'"),
        ('{"segments": [{"text": 3}]}', 'segment 0 has no "text"'),
        ("[" * 5000 + "]" * 5000, "too deeply nested"),
        ('{"segments": [{"text": "\\udc00"}]}', "invalid character"),
    ],
)
def test_malformed_segments_are_reported(raw, message):
    with pytest.raises(TranscriptFormatError, match=message):
        parse_speech_json(raw, "t")
