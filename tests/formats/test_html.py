"""HTML (as Moodle stores question text) to Discord markdown."""

from __future__ import annotations

import time

import pytest

from bot.packs.formats.html import escape_markdown, to_markdown


def md(html: str) -> str:
    text, lost = to_markdown(html)
    assert lost == [], lost
    return text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<b>bold</b> <strong>strong</strong>", "**bold** **strong**"),
        ("<i>it</i> <em>em</em>", "*it* *em*"),
        ("<u>under</u>", "__under__"),
        ("<s>gone</s> <del>gone</del>", "~~gone~~ ~~gone~~"),
        ("<code>x = 1</code>", "`x = 1`"),
        ("<code>a`b</code>", "`` a`b ``"),
        ("<b>bold <i>and italic</i></b>", "**bold *and italic***"),
        ("<b><strong>once</strong></b>", "**once**"),
        ("<b> spaced </b>out", "**spaced** out"),
        ("a<b> </b>b", "a b"),
        ("<i>a</i><i>b</i>", "*ab*"),
        ("<b><i>a</i></b><b><i>b</i></b>", "***ab***"),
        ("<p>unclosed <b>bold", "unclosed **bold**"),
        ("<h3>Heading</h3><p>Body</p>", "**Heading**\n\nBody"),
    ],
)
def test_inline_styles(html: str, expected: str) -> None:
    assert md(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>One</div><div>Two</div>", "One\nTwo"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("a<br><br><br><br>b", "a\n\nb"),
        ("<p>a</p><br><br><p>b</p>", "a\n\nb"),
        ("<p></p><p>  </p><p>only</p><p></p>", "only"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"),
        ('<ol start="4"><li>four</li></ol>', "4. four"),
        ("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c"),
        ("<ul><li><p>a</p></li><li><p>b</p></li></ul><p>after</p>", "- a\n- b\n\nafter"),
        ("<ul><li></li><li>x</li></ul>", "- x"),
        ("<p>Intro</p><ul><li>x</li></ul>", "Intro\n\n- x"),
        ("<blockquote><p>q1</p><p>q2</p></blockquote><p>after</p>", "> q1\n> q2\n\nafter"),
        ("<pre>line1\n  line2</pre>", "```\nline1\n  line2\n```"),
        ("<p>x</p><pre><code>a &lt; b</code></pre><p>y</p>", "x\n\n```\na < b\n```\n\ny"),
    ],
)
def test_blocks_and_lines(html: str, expected: str) -> None:
    assert md(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("fish &amp; chips", "fish & chips"),
        ("it&#39;s &quot;fine&quot; &#x2014; ok", 'it\'s "fine" \u2014 ok'),
        ("a&nbsp;b", "a b"),
        ("&lt;tag&gt;", "<tag>"),
        ("  lots \n\t of   space  ", "lots of space"),
        ("<p>\n  Indented\n  source\n</p>", "Indented source"),
        ("a<!-- a comment -->b", "ab"),
        ("<span style='color:red'>red</span> <font>font</font>", "red font"),
        ("<script>alert(1)</script><style>p { color: red }</style>kept", "kept"),
        ("<head><title>T</title></head>body", "body"),
    ],
)
def test_entities_whitespace_and_dropped(html: str, expected: str) -> None:
    assert md(html) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('see <a href="https://example.com/a_b">the site</a>.', "see the site (https://example.com/a_b)."),
        ('<a href="https://example.com">https://example.com</a>', "https://example.com"),
        ('<a href="mailto:help@example.com">help@example.com</a>', "help@example.com"),
        ('<a href="mailto:help@example.com">Email us</a>', "Email us (mailto:help@example.com)"),
        ('<a href="https://example.com"></a>', "https://example.com"),
        ('<a href="#top">Top</a>', "Top"),
        ("<a>no href</a>", "no href"),
    ],
)
def test_links(html: str, expected: str) -> None:
    assert md(html) == expected


@pytest.mark.parametrize(
    ("html", "expected", "lost"),
    [
        ('<p>Look: <img src="@@PLUGINFILE@@/a.png" alt="A"> here</p>', "Look: here", ["an embedded image"]),
        ('<img src="a.png"><img src="b.png">', "", ["an embedded image"]),
        ("<video><source src='v.mp4'>Your browser cannot</video>after", "after", ["an embedded video"]),
        ("<audio src='a.mp3'>fallback</audio>x", "x", ["an embedded audio clip"]),
        ("<iframe src='https://y'></iframe>x", "x", ["an embedded web page"]),
        ("<object data='x'><param name='a'>inner</object><embed src='y'>z", "z", ["an embedded object"]),
        ("<math><mi>x</mi></math> <svg><text>s</text></svg>done", "done", ["a formula", "a drawing"]),
        (
            "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
            "A – B\n1 – 2",
            ["a table"],
        ),
        ('<a href="@@PLUGINFILE@@/notes.pdf">notes</a>', "notes", ["a link to a file stored in Moodle"]),
        ('<a href="javascript:alert(1)">click</a>', "click", ["a link that is not a web address"]),
        ('<a href="../page.html">page</a>', "page", ["a link that is not a web address"]),
        ("<input type='text'> blank", "blank", ["a form field"]),
    ],
)
def test_what_cannot_be_kept_is_named(html: str, expected: str, lost: list[str]) -> None:
    assert to_markdown(html) == (expected, lost)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("5 * 3 * 2", "5 * 3 * 2"),
        ("*stars*", "\\*stars\\*"),
        ("a*b", "a\\*b"),
        ("snake_case_name", "snake_case_name"),
        ("_under_ and a__b", "\\_under\\_ and a\\_\\_b"),
        ("~5 and a~~b", "\\~5 and a\\~\\~b"),
        ("a | b and a||b", "a | b and a\\|\\|b"),
        ("`tick`", "\\`tick\\`"),
        ("C:\\Users and \\* and a\\", "C:\\Users and \\\\\\* and a\\\\"),
        ("[x](https://y) and [plain]", "\\[x](https://y) and [plain]"),
        ("&lt;@123&gt; and &lt;#9&gt; and 1 &lt; 2", "\\<@123> and \\<#9> and 1 < 2"),
        ("<p>&gt; not a quote</p><p>a &gt; b</p>", "\\> not a quote\n\na > b"),
        ("<p># not a heading</p><p>#hashtag</p>", "\\# not a heading\n\n#hashtag"),
        ("<p>- not a list</p><p>+ nor this</p><p>1. nor this</p>", "\\- not a list\n\n\\+ nor this\n\n1\\. nor this"),
        ("<b>* in bold</b>", "**\\* in bold**"),
        ("<code>*raw* _kept_</code>", "`*raw* _kept_`"),
    ],
)
def test_markdown_characters_in_text_are_escaped(html: str, expected: str) -> None:
    assert md(html) == expected


def test_odd_markup_does_not_break_the_parser() -> None:
    assert md("<![if !supportLists]>x<![endif]> <?php echo 1; ?> <!DOCTYPE html>y</b></i></ul>") == "x y"
    assert md("<p>a <b>b <i>c</b> d</i> e</p>") == "a **b *c*** d e"
    assert md("<<>>") == "<<>>"


def test_escape_markdown_works_line_by_line() -> None:
    assert escape_markdown("> one\n- two\nthree*") == "\\> one\n\\- two\nthree\\*"
    assert escape_markdown("plain text, nothing to do") == "plain text, nothing to do"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="https://x.org/?q=a>b" title=\'say "hi"\'>t</a>', "t (https://x.org/?q=a>b)"),
        ("<a href=https://x.org/bare>bare</a>", "bare (https://x.org/bare)"),
        ("<A HREF='https://x.org'>Upper</A>", "Upper (https://x.org)"),
        ("1 <b 2 <i>it</i>", "1 <b 2 *it*"),  # a "<" that starts no complete tag is text
        ("a <!-- never closed <b>x</b>", "a"),  # as in a browser, the comment runs to the end
        ("<video/>after", "after"),
    ],
)
def test_tags_are_read_as_a_browser_would(html: str, expected: str) -> None:
    assert to_markdown(html)[0] == expected


@pytest.mark.parametrize("html", ["<a x" * 25_000, '<a b="' * 25_000, "<b>x" * 25_000, "<ul><li>x" * 10_000])
def test_hostile_markup_is_read_in_linear_time(html: str) -> None:
    started = time.perf_counter()
    text, _ = to_markdown(html)
    assert time.perf_counter() - started < 1.0  # Python's HTMLParser alone takes minutes on half-tags
    assert len(text) <= 2 * len(html)
