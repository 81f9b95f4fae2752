from pathlib import Path

import pytest

from rag.errors import TranscriptFormatError
from rag.lines import is_blank
from rag.parsing import UNKNOWN_SPEAKER, listed_participants, parse_text, read_transcript
from tests.conftest import PRESSER, SAMPLE


def table(transcript):
    return [(t.speaker, t.line_start, t.line_end) for t in transcript.turns]


def test_presser_turns_header_and_aliases():
    t = parse_text(PRESSER, "presser")
    assert t.title == "Press briefing"
    assert t.date == "1 January 2025"
    assert table(t) == [
        ("Jane Doe", 9, 11),  # opening statement belongs to the header's person
        ("Ali Kaya (Daily News)", 14, 14),
        ("Jane Doe", 17, 18),
        ("Maria Lopez (Radio Sur)", 21, 21),
        ("Jane Doe", 24, 24),  # bare role resolved to the person who carried it
    ]
    assert t.turns[4].label == "Chief Spokesperson"


def test_every_text_line_belongs_to_exactly_one_turn():
    t = parse_text(PRESSER, "presser")
    owned = [n for turn in t.turns for n in range(turn.line_start, turn.line_end + 1) if not is_blank(t.line(n))]
    assert len(owned) == len(set(owned))
    labels = {
        n
        for n, line in enumerate(t.lines, 1)
        if line.strip()
        in {"Ali Kaya (Daily News)", "Jane Doe, Chief Spokesperson", "Maria Lopez (Radio Sur)", "Chief Spokesperson"}
    }
    header = set(range(1, 8))
    text_lines = {n for n, line in enumerate(t.lines, 1) if not is_blank(line)} - labels - header
    assert set(owned) == text_lines


def test_inline_labels_as_meeting_transcripts_write_them():
    text = "# Meeting X\n\nProject Manager: Let's start .\n\nMarketing: The budget is twelve euros .\n\nProject Manager: OK .\n"
    t = parse_text(text, "x")
    assert t.title == "Meeting X"
    assert table(t) == [("Project Manager", 3, 3), ("Marketing", 5, 5), ("Project Manager", 7, 7)]
    assert t.turns[1].lines == ("The budget is twelve euros .",)


def test_one_colon_in_prose_is_not_a_speaker():
    text = "Chair, Committee\nWe agreed on one thing: the budget.\nNothing else.\n"
    t = parse_text(text, "x")
    assert table(t) == [("Chair", 2, 3)]


def test_label_without_header_and_crlf_line_ends():
    text = "Jane Doe, Spokesperson\r\nGood afternoon.\r\n\r\nAli Kaya (Daily News)\r\nA question?\r\n"
    assert table(parse_text(text, "x")) == [("Jane Doe", 2, 2), ("Ali Kaya (Daily News)", 5, 5)]


def test_old_mac_line_ends_and_non_ascii_names():
    text = "Łukasz Żółć (TVP)\rCzy Türkiye kupi samoloty?\r\rNATO Secretary General\rTak.\r"
    t = parse_text(text, "x")
    assert table(t) == [("Łukasz Żółć (TVP)", 2, 2), ("NATO Secretary General", 5, 5)]


def test_single_line_without_labels_goes_to_unknown_speaker():
    t = parse_text("Just one line of speech.", "x")
    assert table(t) == [(UNKNOWN_SPEAKER, 1, 1)]


def test_header_by_line_with_comma_form():
    text = "Remarks\n\nby Mark Rutte, NATO Secretary General, at the summit\n\nThank you all.\n\nNATO Secretary General\nYes.\n"
    t = parse_text(text, "x")
    assert table(t) == [("Mark Rutte", 5, 5), ("Mark Rutte", 8, 8)]


def test_generic_question_label_is_not_an_alias_for_one_outlet():
    text = "Question (CNN)\nFirst?\n\nSpeaker A\nYes.\n\nQuestion\nSecond?\n"
    t = parse_text(text, "x")
    assert [s for s, _, _ in table(t)] == ["Question (CNN)", "Speaker A", "Question"]


@pytest.mark.parametrize("content", [b"", b"   \n\t\n"])
def test_empty_file_is_refused(tmp_path: Path, content: bytes):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(TranscriptFormatError, match="empty"):
        read_transcript(path)


def test_binary_file_is_refused(tmp_path: Path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\x89PNG\x00\x00\x01")
    with pytest.raises(TranscriptFormatError, match="binary"):
        read_transcript(path)


def test_utf8_bom_is_not_part_of_the_first_line(tmp_path: Path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffJane Doe, Spokesperson\nHello.\n".encode())
    assert table(read_transcript(path)) == [("Jane Doe", 2, 2)]


SAMPLE_TURNS = [
    ("Mark Rutte", 11, 55),
    ("Allison Hart", 59, 59),
    ("Sabine Siebold (Reuters)", 62, 62),
    ("Mark Rutte", 65, 65),
    ("Allison Hart", 68, 68),
    ("Question (CNN TÜRK)", 71, 71),
    ("Mark Rutte", 74, 74),
    ("Allison Hart", 77, 77),
    ("Thomas Gutschker (FAZ)", 80, 80),
    ("Mark Rutte", 83, 83),
    ("Thomas Gutschker (FAZ)", 86, 86),
    ("Mark Rutte", 89, 89),
    ("Allison Hart", 92, 92),
    ("Max Delany (AFP)", 95, 95),
    ("Mark Rutte", 98, 98),
    ("Allison Hart", 101, 101),
    ("Question (TRT News)", 104, 104),
    ("Mark Rutte", 107, 108),
    ("Allison Hart", 111, 111),
    ("Niels Goedegebuur (ANP)", 114, 114),
    ("Mark Rutte", 117, 117),
    ("Allison Hart", 120, 120),
    ("Mizuho Morioka (Asahi Shimbun)", 123, 123),
    ("Mark Rutte", 126, 127),
    ("Allison Hart", 130, 130),
    ("Maria Ortega (TRT Spanish)", 133, 133),
    ("Mark Rutte", 136, 137),
]


@pytest.mark.slow
def test_sample_turn_table():
    t = read_transcript(SAMPLE)
    assert t.doc == "nato-2025-05-15-antalya"
    assert t.title == "Press conference"
    assert t.date == "15 May. 2025"
    assert table(t) == SAMPLE_TURNS
    assert t.aliases["nato secretary general"] == "Mark Rutte"
    assert t.aliases["acting nato spokesperson"] == "Allison Hart"


def test_hearing_labels_with_surnames_in_capitals():
    text = (
        "HEARING BEFORE THE COMMITTEE ON ENERGY\n\n"
        "Chairman SMITH. The committee will come to order.\n\n"
        "Mr. JONES. Thank you, Mr. Chairman. The wells froze.\n"
        "    They were not winterized.\n\n"
        "Chairman SMITH. What would it cost?\n"
    )
    t = parse_text(text, "x")
    assert table(t) == [("Chairman SMITH", 3, 3), ("Mr. JONES", 5, 6), ("Chairman SMITH", 8, 8)]
    assert t.turns[1].lines == ("Thank you, Mr. Chairman. The wells froze.", "    They were not winterized.")


def test_white_house_briefing_questions_and_the_press_secretary_by_her_surname():
    text = (
        "Press Briefing by Press Secretary Karine Jean-Pierre\n\n"
        "MS. JEAN-PIERRE: Good afternoon.\n\n"
        "Q Thank you, Karine. How much money is going to firefighters?\n\n"
        "MS. JEAN-PIERRE: About two billion dollars.\n\n"
        "Q And on Ukraine?\n"
    )
    t = parse_text(text, "x")
    assert table(t) == [("Karine Jean-Pierre", 3, 3), ("Q", 5, 5), ("Karine Jean-Pierre", 7, 7), ("Q", 9, 9)]
    assert t.turns[0].label == "MS. JEAN-PIERRE"
    assert t.turns[1].lines == ("Thank you, Karine. How much money is going to firefighters?",)


def test_a_news_transcripts_later_surname_labels_are_the_people_introduced_first():
    text = (
        "TOM ASHBY, HOST: Welcome back. My guest is Marisol Vega.\n\n"
        "MARISOL VEGA, URBAN PLANNER: Thank you, Tom.\n\n"
        "ASHBY: How hot did it get?\n\n"
        "VEGA: 118 degrees.\n"
    )
    t = parse_text(text, "x")
    assert table(t) == [("TOM ASHBY", 1, 1), ("MARISOL VEGA", 3, 3), ("TOM ASHBY", 5, 5), ("MARISOL VEGA", 7, 7)]
    assert t.turns[2].label == "ASHBY"


def test_listed_participants_are_names_with_a_firm_or_a_role_under_a_roster_heading():
    assert listed_participants(["Participants", "Marcus Lee - Morgan Stanley"]) == [(2, "Marcus Lee", "Morgan Stanley")]
    listed = ["Analysts", "Jean-Paul Martin \u2013 BNP Paribas", "Dr. Jane Doe, Professor of Economics"]
    assert listed_participants(listed) == [
        (2, "Jean-Paul Martin", "BNP Paribas"),
        (3, "Dr. Jane Doe", "Professor of Economics"),
    ]
    for line, name, what in (
        ("Helen Brandt \u2013 President, Northwind Logistics", "Helen Brandt", "President, Northwind Logistics"),
        ("Daniel Okoro -- Chief Executive Officer", "Daniel Okoro", "Chief Executive Officer"),
        ("Marcus Lee -- Morgan Stanley -- Analyst", "Marcus Lee", "Morgan Stanley"),
        ("A.J. Rice - Credit Suisse", "A.J. Rice", "Credit Suisse"),
        ("MARCUS LEE - MORGAN STANLEY", "Marcus Lee", "Morgan Stanley"),
        ("Daniel Okoro - co-founder and CEO", "Daniel Okoro", "co-founder and CEO"),
    ):
        assert listed_participants(["Participants", "", line]) == [(3, name, what)], line  # a blank line first
    for line in (
        "Marcus Lee, your line is open.",  # speech
        "Jane Smith, Tom Brown, Ann Lee",  # names
        "Opening Remarks - Mayor Jane Smith",  # an agenda's part, then its speaker
        "Fireside Chat - Mayor Jane Smith",  # a titled person after the dash
        "Budget Update - Acme Corp",  # a part's name before it
    ):
        assert listed_participants(["Attendees", line]) == [], line
    assert listed_participants(["Operator", "Marcus Lee - Morgan Stanley"]) == []  # no roster heading


def test_an_earnings_calls_participants_list_gives_analysts_their_firm_and_executives_their_role():
    text = (
        "Northwind Q3 2025 Earnings Call\n\n"
        "Company Participants\n"
        "Helen Brandt - Chief Financial Officer\n\n"
        "Conference Call Participants\n"
        "Marcus Lee - Morgan Stanley\n"
        "- Rebecca Chu, Goldman Sachs - Analyst\n"
        "Please note - lines are muted\n"
        "Tom Abernathy - Wells Fargo\n\n"
        "Operator\nOur first question comes from Marcus Lee.\n\n"
        "Marcus Lee\nHow much of it sticks?\n\n"
        "Chief Financial Officer\nAbout two thirds.\n\n"
        "Rebecca Chu\nAnd the margin?\n\n"
        "Tom Abernathy\nOne more?\n"
    )
    speakers = [turn.speaker for turn in parse_text(text, "x").turns if turn.line_start > 9]
    assert speakers == [
        "Operator",
        "Marcus Lee (Morgan Stanley)",  # a firm, in brackets as an outlet
        "Helen Brandt",  # a role, learnt as her alias
        "Rebecca Chu (Goldman Sachs)",  # a bullet, a comma and a trailing "- Analyst"
        "Tom Abernathy",  # the list ended at the first line naming no one
    ]
    firms = (
        "Call\n\nConference Call Participants\nTom Abernathy - State Street\nRebecca Chu - Analyst\n\n"
        "Tom Abernathy\nHow was pricing?\n\nAnalyst\nAnd volumes?\n"
    )
    assert [turn.speaker for turn in parse_text(firms, "x").turns if turn.line_start > 5] == [
        "Tom Abernathy (State Street)",  # "State" is no role here
        "Analyst",  # a role many hold names no one
    ]
    sections = (
        "Call\n\nExecutives\nHelen Brandt - President, Northwind\n\nAnalysts\nMarcus Lee, Analyst, Morgan Stanley\n"
        "Rebecca Chu - Goldman Sachs, Research Division\n\nMarcus Lee\nQ?\n\nPresident\nA.\n\nRebecca Chu\nQ2?\n"
    )
    assert [(turn.speaker, turn.line_start) for turn in parse_text(sections, "x").turns if turn.line_start > 9] == [
        ("Marcus Lee (Morgan Stanley)", 11),  # the firm after a shared role
        ("Helen Brandt", 14),  # the role before her firm
        ("Rebecca Chu (Goldman Sachs)", 17),  # the firm, not its division
    ]
    headings = {turn.speaker for turn in parse_text(sections, "x").turns}
    assert not headings & {"Executives", "Analysts"}  # the lists' headings are no one's
    minutes = "Minutes\n\nAttendees\nJane Smith, Tom Brown, Ann Lee\n\nJane Smith\nWelcome.\n"
    assert [turn.speaker for turn in parse_text(minutes, "x").turns if turn.line_start > 5] == ["Jane Smith"]


@pytest.mark.parametrize(
    ("header", "title"),
    [
        (  # a title above its date line
            "Northwind Logistics, Inc. Q3 2025 Earnings Call Transcript\nOctober 23, 2025 5:00 PM ET\n",
            "Northwind Logistics, Inc. Q3 2025 Earnings Call Transcript",
        ),
        (  # a title with a colon, above a list of hosts
            'The Long Run Podcast, Episode 112: "Sleep Is a Training Tool"\nHosts: Jenna and Ike.\n',
            'The Long Run Podcast, Episode 112: "Sleep Is a Training Tool"',
        ),
        (  # a show's name above the episode's
            'THE EVENING DESK\nEpisode: "The Heat Next Door"\nAired June 12, 2025\n',
            "THE EVENING DESK",
        ),
    ],
)
def test_a_title_above_a_date_or_a_header_field_is_the_header(header, title):
    t = parse_text(header + "\nOperator: Good afternoon and welcome.\n\nJenna Morales: Hi.\n", "x")
    assert t.title == title
    assert [(turn.speaker, turn.lines) for turn in t.turns] == [
        ("Operator", ("Good afternoon and welcome.",)),
        ("Jenna Morales", ("Hi.",)),
    ]


@pytest.mark.parametrize(
    ("text", "turns"),
    [
        (  # speech going on below a label is no header, even starting with a date
            "Speaker 1:\nJanuary 5, 2024 was the day we launched\n\nSpeaker 2:\nright and it went well\n",
            [("Speaker 1", 2, 2), ("Speaker 2", 5, 5)],
        ),
        (
            "ALICE: We met on\nMarch 3, 2020 at the lab and\nstarted work the same day.\n\nBOB: Yes we did.\n",
            [("ALICE", 1, 3), ("BOB", 5, 5)],
        ),
        (  # a wrapped line of speech saying "by Mr. Olsen" is no examiner's line
            "DEPOSITION OF KAREN LINDGREN\n\nEXAMINATION\nBY MR. HARLAN:\nQ. Where are you employed?\n"
            "A. At the warehouse. I was hired\nby Mr. Olsen\nin 2019.\nQ. Anything else?\nA. No.\n",
            [("MR. HARLAN", 5, 5), ("Karen Lindgren", 6, 8), ("MR. HARLAN", 9, 9), ("Karen Lindgren", 10, 10)],
        ),
        (  # a name starting like a caption ("In Yo-han"), a collective label that speaks
            "Anna Berg\nGood morning.\n\nIn Yo-han\nWe will open the clinic next week.\n",
            [("Anna Berg", 2, 2), ("In Yo-han", 5, 5)],
        ),
        (
            "Hosts: And we are your hosts for tonight.\n\nJane Doe: Thanks.\n",
            [("Hosts", 1, 1), ("Jane Doe", 3, 3)],
        ),
    ],
)
def test_speech_that_looks_like_a_header_caption_or_examiner_line_stays_speech(text, turns):
    assert [t for t in table(parse_text(text, "x")) if t[0] != UNKNOWN_SPEAKER] == turns


def test_a_surname_two_people_carry_names_neither():
    text = "Anna Berg (Reuters)\nFirst?\n\nJohn Berg (AFP)\nSecond?\n\nDr. BERG: Which of us?\n\nJane Doe: Both.\n"
    assert [s for s, _, _ in table(parse_text(text, "x"))][-2:] == ["Dr. BERG", "Jane Doe"]


@pytest.mark.parametrize(
    "text",
    [
        "[00:00:01] ALICE WONG: Let's start.\n[00:00:05] BOB STONE: The budget is short.\n",
        "Alice Wong (00:00:01): Let's start.\nBob Stone (00:00:05): The budget is short.\n",
        "ALICE WONG: (00:01)\nLet's start.\n\nBOB STONE: (00:05)\nThe budget is short.\n",  # Rev
        "Alice Wong  0:01\nLet's start.\n\nBob Stone  0:05\nThe budget is short.\n",  # Otter
    ],
)
def test_timestamped_labels_give_each_turn_its_time(text):
    t = parse_text(text, "x")
    assert [(turn.speaker.title(), turn.time_start, turn.lines) for turn in t.turns] == [
        ("Alice Wong", 1.0, ("Let's start.",)),
        ("Bob Stone", 5.0, ("The budget is short.",)),
    ]


def test_committee_evidence_question_numbers_are_not_part_of_the_label():
    text = "Q1 Chair: Could you introduce yourself?\n\nDr Sarah Hill: I am the chief scientist.\n\nQ2 Chair: Why?\n"
    assert table(parse_text(text, "x")) == [("Chair", 1, 1), ("Dr Sarah Hill", 3, 3), ("Chair", 5, 5)]


def test_markdown_bold_labels():
    text = "# Interview\n\n**Interviewer:** When did you start?\n\n**Jane Doe**\nIn 2009.\n\n**Interviewer**: Why?\n"
    assert table(parse_text(text, "x")) == [("Interviewer", 3, 3), ("Jane Doe", 6, 6), ("Interviewer", 8, 8)]


def test_labels_in_markdown_lists_and_closed_captions():
    bullets = "# Team sync\n\n- **Alice:** We shipped it.\n- **Bob:** Latency went up.\n- **Alice:** Roll back.\n"
    assert table(parse_text(bullets, "x")) == [("Alice", 3, 3), ("Bob", 4, 4), ("Alice", 5, 5)]
    captions = ">> SENATOR SMITH: The bill spends a trillion.\n>> SENATOR JONES: Will he yield?\n"
    assert table(parse_text(captions, "x")) == [("SENATOR SMITH", 1, 1), ("SENATOR JONES", 2, 2)]
    # ">>" alone marks a new speaker whom the captions do not name: a turn of its own
    unnamed = "Floor debate\n\n>> MR. PRESIDENT, I RISE TODAY.\n>> THE SENATOR FROM OHIO.\nCONTINUED.\n"
    t = parse_text(unnamed, "x")
    assert table(t) == [(UNKNOWN_SPEAKER, 3, 3), (UNKNOWN_SPEAKER, 4, 5)]
    assert t.turns[0].lines == ("MR. PRESIDENT, I RISE TODAY.",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # bold inside a speech: a stage direction, a sentence
        (
            "**Gov Lee:** Thank you.\n\n**(Applause)**\n\nWe will win.\n\n**Gov Lee:** Together.\n",
            [("Gov Lee", 1, 5), ("Gov Lee", 7, 7)],
        ),
        ("Host: Welcome.\n\nGuest: Thanks.\n\n**We were wrong.**\n\nWe learned.\n", [("Host", 1, 1), ("Guest", 3, 7)]),
        # list items inside a meeting's speech, a real Bob among them
        (
            "Alice: Action items:\n- Bob: send the report.\n* Note: the study is late.\nBob: I sent it.\n",
            [("Alice", 1, 3), ("Bob", 4, 4)],
        ),
        (
            "Mr. JONES. Thanks.\n- Section 1: definitions.\n- Section 2: funding.\nMs. LEE. Yes.\n",
            [("Mr. JONES", 1, 3), ("Ms. LEE", 4, 4)],
        ),
        # ">>" quoting a message inside a meeting: no captions, where colon labels are as many
        (
            "Alice: He wrote:\n>> We can't ship.\n>> Tests fail.\n\nCarol: Then Monday.\n",
            [("Alice", 1, 3), ("Carol", 5, 5)],
        ),
        # a plan's points in a speech, no one named twice; a bold topic in a speech
        (
            "# Remarks by Governor Lee\n\nThree parts:\n\n* Schools: reading.\n* Roads: bridges.\n* Taxes: none.\n\nThanks.\n",
            [("Lee", 3, 9)],
        ),
        (
            "# Address by Dr. Ana Ruiz\n\nThank you.\n\n**Resilience**\n\nI failed.\n",
            [("Dr Ana Ruiz", 3, 3), (UNKNOWN_SPEAKER, 5, 5), ("Dr Ana Ruiz", 7, 7)],
        ),
        ("Jane: Numbers.\n\n# of votes cast was 12.\n\nBob: Thanks.\n", [("Jane", 1, 3), ("Bob", 5, 5)]),
    ],
)
def test_what_looks_like_a_heading_or_a_listed_label_inside_speech_stays_speech(text, expected):
    assert table(parse_text(text, "x")) == expected


def test_label_lines_with_a_role_or_outlet_are_labels_whatever_their_last_word():
    text = "Briefing\n\nEdward Lawrence, Fox Business\nThank you.\n\nMinister for Business\nYes.\n"
    assert table(parse_text(text, "x")) == [("Edward Lawrence", 4, 4), ("Minister for Business", 7, 7)]


def test_headings_among_inline_labels_and_repeated_sub_headings():
    council = "Mayor Brown: The budget.\nClerk Adams: Page four.\n\n**Budget**\nApproved 5-2.\n\n## Parks\nTabled.\n"
    assert table(parse_text(council, "x")) == [
        ("Mayor Brown", 1, 1),
        ("Clerk Adams", 2, 2),
        (UNKNOWN_SPEAKER, 4, 4),
        ("Clerk Adams", 5, 5),
        (UNKNOWN_SPEAKER, 7, 7),
        ("Clerk Adams", 8, 8),
    ]
    minutes = (
        "Minutes\n\n**Discussion**\n\nTight budget.\n\n**Decision**\n\nApproved.\n\n**Discussion**\n\nLonger hours.\n"
    )
    assert {turn.speaker for turn in parse_text(minutes, "x").turns} == {UNKNOWN_SPEAKER}


def test_bold_labels_written_once_with_the_speech_below():
    text = "# Town hall\n\n**Mayor Brown**\n\nGood evening.\n\n**Resident Jane Kim**\n\nParking.\n\n"
    text += "**Mayor Brown**\n\nWe will study it.\n\n**Ann Lee:**\n\nThanks.\n"
    assert table(parse_text(text, "x")) == [
        ("Mayor Brown", 5, 5),
        ("Resident Jane Kim", 9, 9),  # bold labels are this document's: a bold name is one
        ("Mayor Brown", 13, 13),
        ("Ann Lee", 17, 17),  # the colon says so
    ]


def test_closed_caption_variants():
    caps = ">> GOOD EVENING.\n>> SENATOR SMITH: I RISE.\nTHE BILL IS SIMPLE: IT FUNDS ROADS.\n>> ON THE NEWSHOUR TONIGHT: VOTES.\n"
    assert table(parse_text(caps, "x")) == [(UNKNOWN_SPEAKER, 1, 1), ("SENATOR SMITH", 2, 3), (UNKNOWN_SPEAKER, 4, 4)]
    one_named = ">> GOOD EVENING.\n>> JUDY WOODRUFF: AND NOW THE NEWS.\n>>> TOP STORY.\n>>\nTHANK YOU.\n"
    t = parse_text(one_named, "x")
    assert table(t) == [
        (UNKNOWN_SPEAKER, 1, 1),
        ("JUDY WOODRUFF", 2, 2),
        (UNKNOWN_SPEAKER, 3, 3),
        (UNKNOWN_SPEAKER, 5, 5),
    ]
    assert t.turns[2].lines == ("TOP STORY.",)
    timed = "[00:00:01] >> GOOD EVENING.\n[00:00:04] >> SENATOR SMITH: I YIELD.\n"
    t = parse_text(timed, "x")
    assert table(t) == [(UNKNOWN_SPEAKER, 1, 1), ("SENATOR SMITH", 2, 2)]
    assert [turn.time_start for turn in t.turns] == [1.0, 4.0]


def test_clock_times_and_wrapped_times_are_speech():
    # a time alone among labelled turns, a short agenda, a wrapped line starting with the hour
    for text, kept in (
        ("Chair Davis: Coffee now.\n10:45\nThe meeting resumed.\nChair Davis: Welcome back.\n", "10:45"),
        ("Agenda\n\n09:00 Welcome.\n10:30 Coffee break.\n11:15 Panel.\n12:00 Lunch.\n", "10:30 Coffee break."),
        (
            "[00:00:01] ALICE: When?\n[00:00:04] BOB: Friday at\n2:30 in the afternoon.\n[00:00:09] ALICE: Thanks.\n",
            "2:30 in the afternoon.",
        ),
    ):
        t = parse_text(text, "x")
        assert all(not turn.line_times for turn in t.turns)
        assert any(line == kept for turn in t.turns for line in turn.lines)


def test_times_above_labels_and_a_turn_timed_only_from_its_start():
    t = parse_text("0:00\nAlice: welcome back\n0:04\nBob: thanks\n0:09\nAlice: batteries\n", "yt")
    assert [(turn.speaker, turn.line_start, turn.time_start) for turn in t.turns] == [
        ("Alice", 2, 0.0),
        ("Bob", 4, 4.0),
        ("Alice", 6, 9.0),
    ]
    assert all("0:0" not in line for turn in t.turns for line in turn.lines)
    # a time further down a turn does not time its start
    t = parse_text("Host: Welcome.\nToday we look at it.\n0:07\nit is cheap\n0:12\nvery cheap\n0:20\nthe end\n", "x")
    assert t.turns[0].time_start is None and t.turns[0].line_times[2] == 7.0
    # "0:00" above the first words is no title; a subtitle cue's times pasted as text time their lines
    t = parse_text("0:00\n\nwelcome\n\n0:04\n\nbatteries\n\n0:09\n\nmore\n", "yt")
    assert t.title == "" and t.turns[0].time_start == 0.0
    srt = "00:00:01,000 --> 00:00:04,000\nHello.\n\n00:00:04,500 --> 00:00:07,000\nBudget.\n\n00:00:08,000 --> 00:00:09,000\nBye.\n"
    t = parse_text(srt, "x")
    assert t.turns[0].lines == ("", "Hello.", "", "", "Budget.", "", "", "Bye.")
    assert [x for x in t.turns[0].line_times if x is not None] == [1.0, 4.5, 8.0]


def test_a_timed_turn_ends_when_the_next_starts():
    t = parse_text("[00:00:01] ALICE: Hi.\n[00:00:14] BOB: Venue costs rose.\n[00:00:20] ALICE: Why?\n", "x")
    assert [(turn.time_start, turn.time_end) for turn in t.turns] == [(1.0, 14.0), (14.0, 20.0), (20.0, None)]
    t = parse_text("[00:00:09] ALICE: Hi.\n[00:00:04] BOB: Back in time.\nCAROL: No time.\n", "x")
    assert [turn.time_end for turn in t.turns] == [None, None, None]


def test_a_label_with_a_dash_before_its_time():
    text = "John Smith - 00:00\nThe roadmap first.\n\nMary Jones - 00:12\nA mobile app.\n"
    t = parse_text(text, "x")
    assert table(t) == [("John Smith", 2, 2), ("Mary Jones", 5, 5)]
    assert [turn.time_start for turn in t.turns] == [0.0, 12.0]


def test_headings_are_no_ones_speech_and_name_no_speaker():
    text = (
        "# Board minutes\n\n## Opening Remarks\n**Jane Doe:** Welcome, the budget first.\n"
        "**John Roe:** The budget grew by ten percent.\n\n**Budget discussion**\n\n"
        "**Jane Doe:** Cut travel by half.\n\nPublic Comment\nA resident raised parking.\n"
    )
    t = parse_text(text, "x")
    assert table(t) == [
        (UNKNOWN_SPEAKER, 3, 3),  # the heading, not part of anyone's turn
        ("Jane Doe", 4, 4),
        ("John Roe", 5, 5),  # and not the end of his
        (UNKNOWN_SPEAKER, 7, 7),
        ("Jane Doe", 9, 9),
        (UNKNOWN_SPEAKER, 11, 11),  # a part of the record, not a speaker called "Public Comment"
        ("Jane Doe", 12, 12),  # unlabelled speech after a heading goes on as before it
    ]
    keynote = "# Keynote by Dr. Ana Ruiz\n\nGood morning.\n\n## Resilience\n\nI failed my first exam.\n"
    assert table(parse_text(keynote, "x")) == [("Dr Ana Ruiz", 3, 3), (UNKNOWN_SPEAKER, 5, 5), ("Dr Ana Ruiz", 7, 7)]
    # a part's name alone between blank lines, above a label line or an inline label
    call = "Helen Brandt\nThat is all.\n\nQuestion-and-Answer Session\n\nOperator\nFirst question.\n"
    assert table(parse_text(call, "x")) == [("Helen Brandt", 2, 2), (UNKNOWN_SPEAKER, 4, 4), ("Operator", 7, 7)]
    inline = "Helen Brandt: That is all.\n\nQuestion-and-Answer Session\n\nOperator: First question.\n"
    assert table(parse_text(inline, "x")) == [("Helen Brandt", 1, 1), (UNKNOWN_SPEAKER, 3, 3), ("Operator", 5, 5)]
    # not a sentence that happens to end in such a word, a caption's line in capitals, nor
    # a title with speech beneath it
    said = "Helen Brandt\nThat is all.\n\nA fine session.\n\nOperator\nFirst question.\n"
    assert table(parse_text(said, "x")) == [("Helen Brandt", 2, 4), ("Operator", 7, 7)]
    caps = "COUNCILMEMBER DIAZ\nI MOVE TO APPROVE ITEM FOUR.\n\nI SECOND THE MOTION\n\nMAYOR PARK\nALL IN FAVOR.\n"
    assert table(parse_text(caps, "x")) == [("COUNCILMEMBER DIAZ", 2, 4), ("MAYOR PARK", 7, 7)]
    talk = "Guest\nHello.\n\nMy First Presentation\n\nWas about birds.\n\nHost\nNice.\n"
    assert table(parse_text(talk, "x")) == [("Guest", 2, 6), ("Host", 9, 9)]


def test_a_bold_name_written_above_each_turn_is_a_label():
    text = "# Podcast\n\n**Host**\n\nWelcome back.\n\n**Dr. Amy Chen**\n\nThanks.\n\n**Host**\n\nWhy?\n\n"
    text += "**Dr. Amy Chen**\n\nFactories scaled up.\n"
    assert table(parse_text(text, "x")) == [
        ("Host", 5, 5),
        ("Dr. Amy Chen", 9, 9),
        ("Host", 13, 13),
        ("Dr. Amy Chen", 17, 17),
    ]


def test_times_written_above_caption_lines_or_before_them_time_the_lines():
    # YouTube's transcript, copied: a time above each caption line
    t = parse_text("Energy explained\n\n0:00\nwelcome back\n0:04\nlook at why\n\n1:02:03\nnext week\n", "yt")
    assert table(t) == [(UNKNOWN_SPEAKER, 3, 9)]
    turn = t.turns[0]
    assert turn.lines == ("", "welcome back", "", "look at why", "", "", "next week")  # the times are not speech
    assert turn.line_times == (0.0, None, 4.0, None, None, 3723.0, None)
    assert turn.time_start == 0.0
    # or before each line, with a label's time read as before
    t = parse_text(
        "[00:00:01] ALICE WONG: Welcome.\n[00:00:05] Today we cover venue costs.\n[00:00:09] BOB STONE: Hi.\n", "x"
    )
    assert table(t) == [("ALICE WONG", 1, 2), ("BOB STONE", 3, 3)]
    assert t.turns[0].lines == ("Welcome.", "Today we cover venue costs.") and t.turns[0].line_times == (None, 5.0)
    assert t.turns[0].time_start == 1.0


def test_clock_times_are_not_times_into_the_recording():
    briefing = (
        "Press Briefing\n\nJames S. Brady Press Briefing Room\n\n1:02 P.M. EDT\n\nGood afternoon.\n\n1:45 P.M. EDT\n"
    )
    assert all(not turn.line_times and turn.time_start is None for turn in parse_text(briefing, "x").turns)
    # a few lines of minutes that start with the hour do not make a timed transcript
    minutes = "Minutes\n\nThe chair opened.\nWe read the report.\nWe voted.\n10:30 Meeting resumed.\n"
    minutes += "We heard the treasurer.\nWe adjourned.\nAll agreed.\n11:00 Close.\n"
    t = parse_text(minutes, "x")
    assert "10:30 Meeting resumed." in t.turns[0].lines and not t.turns[0].line_times


def test_deposition_questions_and_answers():
    text = (
        "DEPOSITION TRANSCRIPT\n\nQ. Please state your name.\nA. John Doe.\nQ. Where do you work?\nA. At the plant.\n"
    )
    assert table(parse_text(text, "x")) == [("Q", 3, 3), ("A", 4, 4), ("Q", 5, 5), ("A", 6, 6)]


def test_a_depositions_caption_is_no_ones_and_its_q_and_a_are_the_lawyer_and_the_witness():
    text = (
        "IN THE CIRCUIT COURT OF COOK COUNTY, ILLINOIS\n"
        "LUIS ORTEGA, Plaintiff, v. BRIGHTLINE, LLC, Defendant.\n\n"
        "DEPOSITION OF KAREN LINDGREN\n"
        "Taken on September 9, 2024, in Chicago\n\n"
        "APPEARANCES:\n"
        "On behalf of the Plaintiff: MARK HARLAN, ESQ.\n\n"
        "EXAMINATION\n"
        "BY MR. HARLAN:\n"
        "Q. Where are you employed?\n"
        "A. At the warehouse.\n"
        "BY MS. TRENT:\n"
        "Q. Did you see it?\n"
        "A. No.\n"
    )
    speakers = [(s, start) for s, start, _ in table(parse_text(text, "x"))]
    assert [s for s, _ in speakers if s != UNKNOWN_SPEAKER] == [
        "MR. HARLAN",
        "Karen Lindgren",
        "MS. TRENT",
        "Karen Lindgren",
    ]
    # the caption and the title above the first label are the header, no turn's (2026-11-30:
    # they had been turns of nobody's); the lists and "BY" lines below are nobody's turns
    assert all(start > 7 for _, start in speakers)
    assert {start for s, start in speakers if s == UNKNOWN_SPEAKER} >= {8, 11}


def test_a_list_of_who_is_present_is_no_ones_words():
    text = (
        "The subcommittee met at 10:02 a.m.\n\n"
        "Present: Senators Holloway and Pratt.\n\n"
        "Chairman HOLLOWAY: The subcommittee will come to order.\n\n"
        "Senator PRATT: Thank you.\n\n"
        "Chairman HOLLOWAY: Go ahead.\n"
    )
    assert [s for s, _, _ in table(parse_text(text, "x"))][-4:] == [
        UNKNOWN_SPEAKER,
        "Chairman HOLLOWAY",
        "Senator PRATT",
        "Chairman HOLLOWAY",
    ]


def test_hearing_prose_that_looks_like_a_label_stays_prose():
    text = (
        "NATO Secretary General Mark Rutte\nGood afternoon.\nThe EU. Another point.\n\n"
        "Question (Reuters)\nWhat about the US?\n\nNATO Secretary General Mark Rutte\nIn NATO. We agree.\nOn NATO. Again.\n"
    )
    speakers = [s for s, _, _ in table(parse_text(text, "x"))]
    assert speakers == ["NATO Secretary General Mark Rutte", "Question (Reuters)", "NATO Secretary General Mark Rutte"]


def test_a_by_line_of_two_people_names_both():
    text = (
        "Remarks by President Joe Biden and First Lady Jill Biden at a Reception\n\n"
        "THE PRESIDENT: Thank you.\n\nDR. BIDEN: Good evening.\n\nMR. BIDEN: Hi.\n"
    )
    # "THE PRESIDENT" is the header's President; two Bidens are known, so "DR. BIDEN" is neither.
    assert [s for s, _, _ in table(parse_text(text, "x"))] == ["Joe Biden", "DR. BIDEN", "MR. BIDEN"]


@pytest.mark.parametrize(
    "text",
    [
        "[00:00:01] ALICE WONG: okay let's get started\n\n[00:00:05] BOB STONE: sure\n",  # not a title
        "Alice Wong: (00:01)\n\nokay let's get started\n\nBob Stone: (00:05)\nsure\n",  # Rev, a blank line
    ],
)
def test_a_first_label_is_not_a_title_and_a_time_alone_is_not_speech(text):
    t = parse_text(text, "x")
    assert t.title == ""
    assert [(turn.speaker.title(), turn.time_start, turn.lines[0]) for turn in t.turns] == [
        ("Alice Wong", 1.0, "okay let's get started"),
        ("Bob Stone", 5.0, "sure"),
    ]


def test_one_rev_label_in_a_speech():
    t = parse_text("Joe Biden: (00:00)\nThank you.\nIt's good to be back.\n", "x")
    assert [(turn.speaker, turn.label, turn.time_start) for turn in t.turns] == [("Joe Biden", "Joe Biden", 0.0)]


def test_a_metadata_block_is_header_not_speakers():
    text = (
        "Title: Budget hearing\nDate: 12 March 2024\nParticipants: Alice Wong, Bob Stone\n\n"
        "Alice Wong: Let us start.\nBob Stone: Fine.\n"
    )
    t = parse_text(text, "x")
    assert (t.title, t.date) == ("Budget hearing", "12 March 2024")
    assert table(t) == [("Alice Wong", 5, 5), ("Bob Stone", 6, 6)]
    interview = parse_text("Interviewer: When did you start?\nJane Doe: In 2009.\n", "x")  # a speaker, not a field
    assert table(interview) == [("Interviewer", 1, 1), ("Jane Doe", 2, 2)]


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("Interview with Jane Doe, CEO of Acme\n\nQ: When did you start?\nA: In 2009.\nQ: Why?\nA: Fun.\n", "Jane Doe"),
        ("DEPOSITION OF JOHN DOE\n\nQ. Your name?\nA. John Doe.\nQ. Your work?\nA. The plant.\n", "John Doe"),
        ("Interview with Senator Maria Lopez\n\nINTERVIEWER: Why?\n\nSEN. LOPEZ: Because.\n", "Maria Lopez"),
        ("An interview with the Minister\n\nQ: Why?\nA: Because.\nQ: When?\nA: Now.\n", "A"),  # no name to give
    ],
)
def test_the_person_a_title_says_is_interviewed_answers(text, answers):
    speakers = [s for s, _, _ in table(parse_text(text, "x"))]
    assert speakers[1] == speakers[-1] == answers


def test_a_joint_press_conference_names_both_hosts_whichever_way_round():
    text = (
        "Joint press conference by NATO Secretary General Mark Rutte and the Prime Minister of the"
        " Netherlands, Dick Schoof\n\n"
        "NATO Secretary General Mark Rutte\nGood morning.\n\n"
        "Dick Schoof\nThank you.\n\n"
        "Question (NOS)\nWhy?\n\n"
        "Prime Minister of the Netherlands\nBecause.\n\n"
        "Prime Minister of Denmark, Mette Frederiksen\nAnd us.\n"
    )
    assert [s for s, _, _ in table(parse_text(text, "x"))] == [
        "Mark Rutte",  # a role, then a name known from the by-line
        "Dick Schoof",
        "Question (NOS)",
        "Dick Schoof",  # his role, named "Role, Name" in the by-line
        "Mette Frederiksen",  # a label in that order too
    ]


def test_a_by_line_with_a_guest():
    text = "Press conference by NATO Secretary General Mark Rutte with President Alar Karis\n\nHello.\n\nMR. KARIS: Thanks.\n\nMR. RUTTE: Welcome.\n"
    assert [s for s, _, _ in table(parse_text(text, "x"))] == ["Mark Rutte", "Alar Karis", "Mark Rutte"]


def test_a_label_with_brackets_inside_brackets():
    text = (
        "The Chair (Hon. Anthony Rota (Nipissing, Lib.)): I call the meeting to order.\n\n"
        "Hon. Bill Morneau (Minister of Finance): Thank you.\n"
    )
    t = parse_text(text, "x")
    assert table(t) == [
        ("The Chair (Hon. Anthony Rota (Nipissing, Lib.))", 1, 1),
        ("Hon. Bill Morneau (Minister of Finance)", 3, 3),
    ]
    assert t.turns[0].lines == ("I call the meeting to order.",)


def test_a_title_with_header_fields_right_beneath_it_is_the_header():
    t = parse_text(
        "Project Harbour evaluation interview\nDate: 4 February 2025\nLocation: Leeds\n\n"
        "Interviewer: Can you describe your role?\nRespondent: I coordinated the volunteers.\n",
        "harbour",
    )
    assert (t.title, t.date) == ("Project Harbour evaluation interview", "4 February 2025")
    assert [u.speaker for u in t.turns] == ["Interviewer", "Respondent"]  # no "Date", no "Location"


COURT_CAPTION = (
    "UNITED STATES DISTRICT COURT\nFOR THE DISTRICT OF COLORADO\nUNITED STATES OF AMERICA, Plaintiff,\nv.\n"
    "GREGORY ALAN PRUITT, Defendant.\nREPORTER'S TRANSCRIPT -- SENTENCING HEARING\n"
    "Denver, Colorado, Thursday, January 9, 2025, 10:04 a.m.\n\n"
    "THE CLERK: All rise.\nTHE COURT: Please be seated.\nMR. BALDWIN: Good morning.\nTHE COURT: Go on.\n"
)
BRIEFING_HEADER = (
    "THE WHITE HOUSE\nOffice of the Press Secretary\nFOR IMMEDIATE RELEASE\n\n"
    "James S. Brady Press Briefing Room\nWashington, D.C.\nTuesday, March 11, 2025\n\n"
    "MS. DALTON: Good afternoon.\nQ: Thanks. Is the trip on?\nMS. DALTON: It is.\n"
)


@pytest.mark.parametrize(
    ("text", "title", "date", "first_turn"),
    [
        (COURT_CAPTION, "UNITED STATES DISTRICT COURT", "January 9, 2025", ("THE CLERK", 9, 9)),
        (BRIEFING_HEADER, "THE WHITE HOUSE", "March 11, 2025", ("MS. DALTON", 9, 9)),
        (
            "CITY OF MILLBROOK\nREGULAR MEETING OF THE CITY COUNCIL\nMonday, October 6, 2025 -- 6:00 p.m.\n\n"
            "MAYOR PRICE: Good evening.\nCLERK: Councilmember Reyes.\nCOUNCILMEMBER REYES: Here.\n",
            "CITY OF MILLBROOK",
            "October 6, 2025",
            ("MAYOR PRICE", 5, 5),
        ),
        (
            'HARWOOD UNIVERSITY -- PUBLIC LECTURE SERIES\n"Sinking Cities: Groundwater and Subsidence"\n'
            "Speaker: Professor Funmilayo Adeyemi, Department of Geography\nVenue: Marlowe Auditorium\n"
            "[Transcript of the lecture and the questions after it.]\n\n"
            "DR. HOLLIS: Welcome, everyone.\nPROF. ADEYEMI: Thank you.\n",
            "HARWOOD UNIVERSITY -- PUBLIC LECTURE SERIES",
            "",
            ("DR. HOLLIS", 7, 7),
        ),
        (
            'KPNW 88.5 FM -- "THE AFTERNOON LINE"\nAir date: Thursday, January 16, 2025\n'
            'Segment: "Staying Warm" -- heat pumps\nThis transcript was produced from the audio and may contain errors.\n\n'
            "DANA: Good afternoon.\nRAMON: Thanks, Dana.\n",
            'KPNW 88.5 FM -- "THE AFTERNOON LINE"',
            "January 16, 2025",
            ("DANA", 6, 6),
        ),
    ],
)
def test_a_header_of_several_lines_is_no_ones_words(text, title, date, first_turn):
    # A court's caption, a briefing's letterhead, a council's heading, a lecture's or a
    # broadcast's metadata above the first labelled turn: read as a block label, its first
    # line had been a speaker, the rest their words, quoted as answers.
    t = parse_text(text, "x")
    assert (t.title, t.date) == (title, date)
    assert table(t)[0] == first_turn


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("MODERATOR\nWelcome.\nJANE DOE: Thanks.\nMODERATOR: Next.\n", "MODERATOR"),  # a block label's speech, no date
        ("MARK RUTTE\nOn May 5, 2024 we met the ministers in Brussels and agreed.\n\nJANE: Thanks.\n", "MARK RUTTE"),
        ("Speaker: Good morning, everyone, and welcome.\nGuest: Thank you.\n", "Speaker"),  # "Speaker:" with speech
        ("Speaker: Jane Doe, thanks for coming tonight.\nJane Doe: Glad to.\n", "Speaker"),  # a name, then speech
        ("MODERATOR\nGood evening. Tonight is March 5, 2024.\nJANE DOE: Thanks for having me.\n", "MODERATOR"),
        ("Q. Have you read the transcript of your testimony?\nA. Yes.\nQ. Good.\nA. Fine.\n", "Q"),
    ],
)
def test_speech_at_the_top_is_no_header(text, speaker):
    t = parse_text(text, "x")
    assert t.title == "" and (t.turns[0].speaker, t.turns[0].line_start) == (
        speaker,
        1 + (speaker == "MODERATOR" or speaker == "MARK RUTTE"),
    )


def test_a_role_before_a_name_in_brackets_is_that_person_and_their_later_labels_too():
    t = parse_text(
        "HOST (Dana Whitfield): Welcome to the show.\nGUEST (Dr. Ramon Castillo): Thanks, Dana.\n"
        "DANA: What is a heat pump?\nDR. CASTILLO: A pump for heat.\nCALLER (MARCO): Hi.\nHOST: Go ahead.\n",
        "x",
    )
    assert [u.speaker for u in t.turns] == [
        "Dana Whitfield",
        "Dr. Ramon Castillo",
        "Dana Whitfield",
        "Dr. Ramon Castillo",
        "CALLER (MARCO)",  # a first name alone in brackets names no one person
        "Dana Whitfield",
    ]
    assert t.turns[0].label == "HOST (Dana Whitfield)"  # the label keeps the role for "who is" questions
    # a role many may hold names no one when written alone; brackets that hold no person stay as written
    many = parse_text("REPORTER (Jane Doe): A question.\nMAYOR: Answer.\nREPORTER: Another.\n", "x")
    assert [u.speaker for u in many.turns] == ["Jane Doe", "MAYOR", "REPORTER"]
    for label in ("WITNESS (Through Interpreter)", "REPORTER (Fox News)"):
        assert parse_text(f"{label}: I saw it.\nMR. SMITH: When?\n", "x").turns[0].speaker == label


def test_a_header_naming_several_witnesses_names_no_a():
    text = (
        "INDEX\nTESTIMONY OF KAREN LINDGREN 5\nTESTIMONY OF MARCUS WEBB 40\nDate: May 5, 2024\n\n"
        "Q. Please state your name.\nA. Marcus Webb.\nQ. Thanks.\nA. Sure.\n"
    )
    assert [u.speaker for u in parse_text(text, "x").turns] == ["Q", "A", "Q", "A"]
