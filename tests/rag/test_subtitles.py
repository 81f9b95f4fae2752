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
        (
            parse_srt,
            "1\n00:00:01,000 --> 00:00:02,000\nA.\n\nstray text\n",
            "line 5: 'stray text' is not a timing line",
        ),
        (
            parse_srt,
            "1\n00:00:01,000 --> 00:00:02,000\nA.\n\n2\n00:00:0X,000 -> 00:00:04,000\nB.\n",
            "line 6: '00:00:0X,000 -> 00:00:04,000' is not a timing line",
        ),
        (
            parse_vtt,
            "WEBVTT\n\nintro\n00:01.000 -> 00:02.000\nA.\n",
            "line 4: '00:01.000 -> 00:02.000' is not a timing line",
        ),
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


# YouTube's automatic captions as yt-dlp saves them: a line of one space after each timing
# line, words timed inside the text, and each cue showing the previous cue's line again.
YOUTUBE_AUTO = (
    "WEBVTT\nKind: captions\nLanguage: en\n\n"
    "00:00:00.000 --> 00:00:03.110 align:start position:0%\n \n"
    "so<00:00:00.480><c> today</c><00:00:00.900><c> we look at housing</c>\n\n"
    "00:00:03.110 --> 00:00:03.120 align:start position:0%\nso today we look at housing\n \n\n"
    "00:00:03.120 --> 00:00:06.590 align:start position:0%\nso today we look at housing\n"
    "prices<00:00:03.600><c> fell</c><00:00:03.900><c> in Denver</c>\n"
)


def test_youtube_automatic_captions_are_read_once_each_line_with_its_time():
    t = parse_vtt(YOUTUBE_AUTO, "yt")
    assert [(u.line_start, u.line_end, u.lines, u.time_start, u.time_end) for u in t.turns] == [
        (7, 7, ("so today we look at housing",), 0.0, 3.11),
        (15, 15, ("prices fell in Denver",), 3.12, 6.59),
    ]


def test_a_cue_repeating_a_line_is_kept_where_captions_do_not_roll():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nYes.\n\n00:02.000 --> 00:03.000\nYes.\n"
    assert [u.lines for u in parse_vtt(text, "plain").turns] == [("Yes.",), ("Yes.",)]
