import pytest

from rag.errors import TranscriptFormatError
from rag.subtitles import UNKNOWN_SPEAKER, parse_srt, parse_vtt

SRT = """1
00:00:01,000 --> 00:00:04,000
MARK RUTTE: China will have a thousand
nuclear warheads by the end of the decade.

2
00:00:05,000 --> 00:00:08,500
<i>That is a big concern.</i>

3
00:01:09,000 --> 00:01:12,000
Sabine Siebold: What about the Baltic Sea?
"""

VTT = """WEBVTT

NOTE written by hand

intro
00:01.000 --> 00:04.000
<v Mark Rutte>China will have a thousand nuclear warheads.</v>

1:00:05.000 --> 1:00:08.000 align:start
<v.loud Sabine Siebold>What about the <b>Baltic</b> Sea &amp; Estonia?
"""


def test_srt_cues_keep_lines_times_and_speakers():
    turns = parse_srt(SRT, "talk").turns
    assert [(t.speaker, t.line_start, t.line_end, t.time_start, t.time_end) for t in turns] == [
        ("Mark Rutte", 3, 4, 1.0, 4.0),
        ("Mark Rutte", 8, 8, 5.0, 8.5),  # no name: the previous speaker goes on
        ("Sabine Siebold", 12, 12, 69.0, 72.0),
    ]
    assert turns[0].lines == ("China will have a thousand", "nuclear warheads by the end of the decade.")
    assert turns[1].lines == ("That is a big concern.",)


def test_vtt_voice_tags_name_speakers_and_markup_is_removed():
    turns = parse_vtt(VTT, "talk").turns
    assert [(t.speaker, t.line_start, t.time_start, t.time_end) for t in turns] == [
        ("Mark Rutte", 7, 1.0, 4.0),
        ("Sabine Siebold", 10, 3605.0, 3608.0),
    ]
    assert turns[1].lines == ("What about the Baltic Sea & Estonia?",)


def test_a_cue_before_any_name_has_an_unknown_speaker():
    assert parse_srt("1\n00:00:01,000 --> 00:00:02,000\nHello.\n", "t").turns[0].speaker == UNKNOWN_SPEAKER


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_srt, "1\n00:00:01,000 --> 00:00:02,000\nA.\n\n2\n00:00:0x,000 --> 00:00:04,000\nB.\n", "line 6"),
        (parse_srt, "1\n00:00:01,000 --> 00:00:02,000\nA.\n\nstray text\n", "line 5: no timing line"),
        (
            parse_vtt,
            "WEBVTT\n\n00:01.000 --> 00:02.000\nA.\n\n00:03 --> 00:04.000\nB.\n",
            "timestamp '00:03' at line 6",
        ),
        (parse_vtt, "WEBVTT\n\njust text\nmore text\n", "cue at line 3"),
        (parse_vtt, "00:01.000 --> 00:02.000\nA.\n", "must start with WEBVTT"),
    ],
)
def test_a_malformed_cue_is_reported_with_its_line_never_dropped(parse, text, message):
    with pytest.raises(TranscriptFormatError, match=message):
        parse(text, "t")
