"""Progress on screen: leaderboards, the weekly top three, stats and the PNG progress card,
the cohort report and CSVs, and the privacy dialogs.

Discord shows markdown, mentions and ``<t:...>`` timestamps only in an embed's description
and field values: titles, footers and author names here are plain text.

custom_id scheme:
  rb:board:p<post id>     "Where am I?" on a weekly post: that week's board, privately
  rb:forget:<user id>     /privacy delete, confirmed
  rb:keep:<user id>       /privacy delete, cancelled
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import discord
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from bot.domain.leaderboard import TIE_RULE, Ranked
from bot.domain.progress import Evidence, Tally, labels_text, weakness
from bot.services.progress import (
    CohortExport,
    CriterionStat,
    LeaderboardView,
    LearnerLine,
    PackStat,
    Report,
    Stats,
)
from bot.ui.handlers import ShowsProgress, handler
from bot.ui.text import clip, plural

GOLD = discord.Colour.gold()
INFO = discord.Colour.blurple()
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
CARD_FILE = "progress.png"
EMBED_TOTAL = 6000  # characters in all of a message's embeds
FIELD_VALUE = 1024
MAX_FIELDS = 25


def _lines(lines: list[str], limit: int = FIELD_VALUE, more: str = "…and {n} more") -> str:
    """Join lines up to ``limit`` (Discord's field limit by default), saying how many did not fit."""
    if len(whole := "\n".join(lines)) <= limit:
        return whole
    out: list[str] = []
    for i, line in enumerate(lines):
        tail = more.format(n=len(lines) - i)
        if len("\n".join([*out, line])) > limit - len(tail) - 1:
            return "\n".join([*out, tail])
        out.append(line)
    return "\n".join(out)


@dataclass(frozen=True)
class _Field:
    name: str
    lines: list[str]
    empty: str = ""  # the value when there are no lines
    inline: bool = False


def _caps(sizes: list[int], room: int) -> list[int]:
    """The most each value may take so that all of them fit in ``room``: the short ones
    whole, the long ones cut to an equal share of what is left."""
    caps = list(sizes)
    if sum(sizes) <= room:
        return caps
    order = sorted(range(len(sizes)), key=lambda i: sizes[i])
    left = room
    for k, i in enumerate(order):
        share = left // (len(order) - k)
        if sizes[i] <= share:
            left -= sizes[i]
            continue
        for j in order[k:]:
            caps[j] = share
        break
    return caps


def _add_fields(embed: discord.Embed, fields: list[_Field], total: int = EMBED_TOTAL) -> discord.Embed:
    """Add ``fields`` within Discord's limits: 25 fields, 1,024 characters a value, and
    ``total`` characters in the embed: the longest values give way first, each saying how
    many of its lines were left out."""
    fields = fields[: MAX_FIELDS - len(embed.fields)]
    names = [clip(f.name, 256) for f in fields]
    full = [min(len("\n".join(f.lines)) if f.lines else len(f.empty), FIELD_VALUE) for f in fields]
    room = total - len(embed) - sum(len(n) for n in names)
    for f, name, cap in zip(fields, names, _caps(full, max(room, 0)), strict=True):
        value = _lines(f.lines, max(cap, 20)) if f.lines else clip(f.empty, max(cap, 20))
        embed.add_field(name=name, value=value or "…", inline=f.inline)
    return embed


def _pts(n: int) -> str:
    return plural(n, "pt")


def _bold(n: int, word: str, many: str | None = None) -> str:
    return f"**{plural(n, word, many)}**"


def _rank_line(r: Ranked, caller_id: int | None) -> str:
    place = MEDALS.get(r.rank, f"**{r.rank}.**")
    you = " ← you" if r.user_id == caller_id else ""
    return f"{place} <@{r.user_id}> · **{_pts(r.points)}**{you}"


# --- leaderboards ---------------------------------------------------------------------------


def leaderboard_embed(view: LeaderboardView, caller_id: int) -> discord.Embed:
    b = view.board
    title = f"🏆 Leaderboard · {view.period.label}"
    if view.pack_title:
        title += f" · {view.pack_title}"
    lines = [_rank_line(r, caller_id) for r in b.top]
    if b.me is not None and not b.me_in_top:
        lines += ["…", _rank_line(b.me, caller_id)]
    embed = discord.Embed(
        title=clip(title, 256), colour=GOLD, description="\n".join(lines) or "Nobody has scored in this period yet."
    )
    if view.caller_hidden:
        you = (
            f"You have left the leaderboards, so you are not shown. Your points in this period: "
            f"**{_pts(view.caller_points)}**. `/privacy leaderboard show` puts you back."
        )
    elif b.me is None:
        you = "You have no points in this period yet: answer the daily question or a cohort myth to get on the board."
    else:
        you = f"You are **#{b.me.rank}** of {b.size} with **{_pts(b.me.points)}**."
    embed.add_field(name="You", value=you, inline=False)
    embed.set_footer(
        text=f"{TIE_RULE} Points come from cohort posts, challenges and role-plays; "
        "practice (/quiz, /revise, /myth card) earns none."
    )
    return embed


def weekly_embed(period_label: str, top: list[Ranked]) -> discord.Embed:
    lines = [_rank_line(r, None) for r in top] or ["Nobody is on the board for that week."]
    embed = discord.Embed(
        title=clip(f"🏆 Top three · {period_label}", 256),
        colour=GOLD,
        description="\n".join(lines) + "\n\nWell done! A new week starts now: every point counts again.",
    )
    embed.set_footer(text=f"{TIE_RULE} Learners who left the leaderboards are not shown.")
    return embed


def weekly_view(post_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(BoardButton(post_id))
    return view


# --- a learner's stats ----------------------------------------------------------------------

# Some packs carry the source material's heading in a criterion's text ("Learning
# objective: Reflects on ..."): shown without it, the pack's text unchanged.
_HEADING = re.compile(r"^\s*(?:learning objectives?|key concepts?)\s*:\s*", re.IGNORECASE)


def criterion_text(text: str) -> str:
    """A criterion's text as shown: without a leading "Learning objective:" or "Key concept:"."""
    rest = _HEADING.sub("", text, count=1)
    return rest[:1].upper() + rest[1:] if rest else text


def _by_pack(criteria: Sequence[CriterionStat]) -> list[tuple[str, str, list[CriterionStat]]]:
    """(pack id, pack title, its criteria), in the order given."""
    out: dict[str, tuple[str, str, list[CriterionStat]]] = {}
    for c in criteria:
        out.setdefault(c.pack_id, (c.pack_id, c.pack_title, []))[2].append(c)
    return list(out.values())


def _credit(e: Evidence) -> str:
    """Role-play credit: earned of what the best path earns (a path off the best can earn more)."""
    return f"{e.score} of {e.out_of}" if e.score <= e.out_of else f"{e.score} (best path {e.out_of})"


def _questions(t: Tally) -> str:
    return f"{t.right} of {t.answers} right"


def _evidence(c: CriterionStat) -> list[str]:
    """What a criterion was tried with, each kind on its own terms: answers right of answered,
    role-play credit of the best paths'; never one percentage of both."""
    return ([f"questions {_questions(c.tally)}"] if c.tally.answers else []) + (
        [f"role-plays {_credit(c.roleplays)}"] if c.roleplays.attempts else []
    )


def _pack_line(p: PackStat) -> str:
    parts = [f"questions {_questions(p.tally)} (**{p.tally.percent}%**)"] if p.tally.answers else []
    if p.roleplays.attempts:
        parts.append(f"role-plays {_credit(p.roleplays)}")
    return f"{clip(p.title, 60)}: {' · '.join(parts)}"


def _chunks(lines: list[str], limit: int = FIELD_VALUE) -> list[list[str]]:
    """``lines`` in runs that each fit one field value."""
    out: list[list[str]] = []
    for line in lines:
        if out and len("\n".join([*out[-1], line])) <= limit:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def stats_embed(s: Stats, name: str) -> discord.Embed:
    o = s.overall
    tried = sum(1 for c in s.criteria if c.tried)
    reach = f"**{tried}** of {plural(len(s.criteria), 'criterion', 'criteria')} tried"
    if o.answers:
        desc = f"{_bold(o.answers, 'answer')} · **{o.percent}%** right · {reach}"
    elif tried:
        desc = f"No question answers yet (try `/quiz`) · {reach}"
    else:
        desc = "No answers yet: answer the daily question or try `/quiz`."
    embed = discord.Embed(title=clip(f"📈 Progress · {name}", 256), description=desc, colour=INFO)
    fields = [
        _Field("Streak", [f"**{s.streak.current}** (best {s.streak.best})"], inline=True),
        _Field("Revision", [f"{_bold(s.cards_due, 'card')} due in `/revise`"], inline=True),
        _Field("Role-plays completed", [str(s.roleplays_completed)], inline=True),
        _Field(
            "Points",
            [f"**{_pts(s.points_all)}** all time · {_pts(s.points_week)} this week"]
            + (["You have left the leaderboards (`/privacy leaderboard show` to rejoin)."] if s.hidden else []),
        ),
    ]
    if s.packs:
        fields.append(_Field("By pack", [_pack_line(p) for p in s.packs]))
    groups = _by_pack(s.criteria)
    started = [(title, cs) for _, title, cs in groups if any(c.tried for c in cs)]
    room = MAX_FIELDS - len(fields) - 2  # leaves room for the packs not started and the misconceptions
    shown = 0
    for title, criteria in started:
        lines = [
            f"**{c.criterion_id}** {' · '.join(_evidence(c))} · {clip(criterion_text(c.text), 60)}"
            for c in criteria
            if c.tried
        ]
        untried = [c.criterion_id for c in criteria if not c.tried]
        if untried:
            lines.append(f"Not yet tried: {', '.join(untried)}")
        chunks = _chunks(lines)
        if len(chunks) > room:
            break
        for i, chunk in enumerate(chunks):
            fields.append(_Field(f"Criteria · {title}{' (continued)' if i else ''}", chunk))
        room -= len(chunks)
        shown += 1
    waiting = [
        f"{clip(title, 80)} ({plural(len(cs), 'criterion', 'criteria')})"
        for _, title, cs in groups
        if not any(c.tried for c in cs)
    ]
    if len(started) > shown:
        waiting.append(f"…and {plural(len(started) - shown, 'more pack')} started")
    if waiting:
        fields.append(_Field("Packs not yet tried", waiting))
    fields.append(
        _Field(
            "Open misconceptions",
            [f"“{clip(m.statement, 120)}” (shown {n}×) · `/myth card` to bust it" for m, n in s.misconceptions],
            empty="None 🎉",
        )
    )
    _add_fields(embed, fields)
    if any(c.roleplays.attempts for c in s.criteria):
        embed.set_footer(text=f"Questions: {Q_KEY} Role-plays: {RP_KEY}")
    embed.set_image(url=f"attachment://{CARD_FILE}")
    return embed


CARD_WIDTH = 800
MAX_CARD_HEIGHT = 1600  # Discord's preview shrinks a taller card to a strip
PAD = 40
TILE_H = 150  # the points, accuracy and streak tiles
HEAD = PAD + 64 + TILE_H + 116  # the name, the tiles, the heading and its two-line key
GROUP = 52  # a pack's title above its criteria
LABEL = 36  # a criterion's label line
BAR = 32  # one bar under it: questions or role-plays
ROW_GAP = 6
MORE = 48  # the line saying what is left out
FOOT = 76
BAR_WIDTH = 400  # the bar; its numbers are written to its right (about 300 px)
BG, INK, MUTED, TRACK = (255, 255, 255), (32, 34, 37), (96, 101, 110), (229, 231, 235)
POINTS, STREAK, ACCURACY = (88, 101, 242), (255, 122, 26), (22, 128, 110)
BAR_COLOURS = ((50, (220, 68, 55)), (80, (240, 165, 0)), (101, (46, 160, 67)))  # below 50 %, below 80 %, the rest
Q_KEY = "the share of your answers right."
RP_KEY = "the credit you earned of what the best path earns."


def _row_height(c: CriterionStat) -> int:
    return LABEL + BAR * max(len(_evidence(c)), 1) + ROW_GAP


@dataclass(frozen=True)
class _Layout:
    """What the card draws: the criteria shown (in the packs' order), how many tried ones
    did not fit, how many are not yet tried, and the height."""

    shown: list[CriterionStat]
    left_out: int
    untried: int
    height: int


def _layout(s: Stats) -> _Layout:
    """The tried criteria, weakest first, as many as fit in MAX_CARD_HEIGHT, then drawn in
    the packs' order; a criterion not yet tried is counted, not drawn (/stats lists them)."""
    order = {(c.pack_id, c.criterion_id): i for i, c in enumerate(s.criteria)}
    tried = sorted(
        (c for c in s.criteria if c.tried),
        key=lambda c: (*weakness(c.tally, c.roleplays), order[(c.pack_id, c.criterion_id)]),
    )
    untried = len(s.criteria) - len(tried)
    room = MAX_CARD_HEIGHT - HEAD - FOOT - MORE
    body, packs, chosen = 0, set(), []
    for c in tried:
        cost = _row_height(c) + (0 if c.pack_id in packs else GROUP)
        if body + cost > room:
            break
        body += cost
        packs.add(c.pack_id)
        chosen.append(c)
    left_out = len(tried) - len(chosen)
    if not chosen:
        body = LABEL + BAR  # a line saying nothing is tried yet (or no packs are enabled)
    more = MORE if left_out or untried else 0
    chosen.sort(key=lambda c: order[(c.pack_id, c.criterion_id)])
    return _Layout(chosen, left_out, untried, HEAD + body + more + FOOT)


def card_height(s: Stats) -> int:
    """The card's height in pixels (its width is always 800), never above 1,600."""
    return _layout(s).height


def _font(size: int):
    return ImageFont.load_default(size=size)


_SWAPS = {"—": "-", "–": "-", "‑": "-", "×": "x", "£": "GBP "}  # for glyphs the card's font does not have


@cache
def _has_glyph(ch: str) -> bool:
    font = _font(24)
    return ch.isspace() or bytes(font.getmask(ch)) != bytes(font.getmask("\ue000"))


def _drawable(text: str) -> str:
    """``text`` in glyphs the card's font has (Pillow's own, Aileron: no dashes, no £, no
    accents): a dash as a hyphen, an accented letter as its plain one; anything else
    missing as "?", never an empty box."""
    out = []
    for ch in text:
        if _has_glyph(ch):
            out.append(ch)
        elif ch in _SWAPS:
            out.append(_SWAPS[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if base and all(_has_glyph(c) for c in base) else "?")
    return "".join(out)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """``text`` cut at a word, with an ellipsis, to fit ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    lo, hi = 1, len(text)
    while lo < hi:  # the longest clip that fits
        mid = (lo + hi + 1) // 2
        if draw.textlength(clip(text, mid), font=font) <= width:
            lo = mid
        else:
            hi = mid - 1
    return clip(text, lo)


def _tile(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fill, big: str, label: str, note: str, ink=BG):
    d.rounded_rectangle(box, radius=20, fill=fill)
    centre, width = (box[0] + box[2]) // 2, box[2] - box[0] - 24

    def size(text: str, sizes: tuple[int, ...]) -> int:  # the largest that fits, else the smallest (cut)
        return next((n for n in sizes if d.textlength(text, font=_font(n)) <= width), sizes[-1])

    big_size, note_size = size(big, (60, 48, 40, 34)), size(note, (22, 19))
    top = box[1] + 14 + (60 - big_size) // 2  # a smaller line sits where the large one is centred
    d.text((centre, top), _fit(d, big, _font(big_size), width), font=_font(big_size), fill=ink, anchor="ma")
    d.text((centre, box[1] + 84), _fit(d, label, _font(26), width), font=_font(26), fill=ink, anchor="ma")
    d.text((centre, box[1] + 116), _fit(d, note, _font(note_size), width), font=_font(note_size), fill=ink, anchor="ma")


def _tiles(s: Stats) -> list[tuple[object, str, str, str, object]]:
    """(fill, big text, label, note, ink) for the points, accuracy and streak tiles; a
    streak not started yet is a quiet tile, not a big 0."""
    o = s.overall
    accuracy = (
        (ACCURACY, f"{o.percent}%", "right", f"of {plural(o.answers, 'answer')}", BG)
        if o.answers
        else (TRACK, "No answers", "yet", "try /quiz", MUTED)
    )
    streak = (
        (STREAK, str(s.streak.current), "streak", f"best {s.streak.best}", BG)
        if s.streak.current
        else (TRACK, "Start again", "streak", f"best {s.streak.best}", MUTED)
        if s.streak.best
        else (TRACK, "No streak", "yet", "answer the daily post", MUTED)
    )
    return [(POINTS, f"{s.points_all:,}", "points", f"{s.points_week:,} this week", BG), accuracy, streak]


def _left_out(layout: _Layout) -> str:
    """What the card does not draw, and where to see it."""
    parts = []
    if layout.left_out:
        parts.append(f"{layout.left_out} more tried")
    if layout.untried:
        parts.append(f"{plural(layout.untried, 'criterion', 'criteria')} not yet tried")
    lead = "…and " if layout.shown else ""
    return f"{lead}{', '.join(parts)}: see /stats" if parts else ""


def card_text(s: Stats, name: str) -> str:
    """What the card shows, as text: its alt text (up to Discord's 1,024 characters)."""
    o = s.overall
    layout = _layout(s)
    parts = [
        f"Progress card for {name}: {plural(s.points_all, 'point')} all time, {s.points_week:,} this week",
        f"{plural(o.answers, 'answer')}, {o.percent}% right" if o.answers else "no answers yet",
        f"streak {s.streak.current} (best {s.streak.best})",
        f"{sum(1 for c in s.criteria if c.tried)} of {plural(len(s.criteria), 'criterion', 'criteria')} tried",
    ]
    text = "; ".join(parts)
    if layout.shown:
        text += ": " + ", ".join(
            f"{c.criterion_id} {' and '.join(_evidence(c))} ({clip(c.pack_title, 40)})" for c in layout.shown
        )
    if more := _left_out(layout):
        text += f"; {more.removeprefix('…and ')}"
    return clip(text + ".", 1024)


def progress_card(s: Stats, name: str) -> bytes:
    """A PNG readable in Discord's preview: 800 px wide and at most 1,600 high, large type,
    three tiles (points, accuracy, streak), then the criteria tried, grouped by pack: a bar
    for the share of the answers on it right and one for the role-play credit earned of
    what the best path earns. When they do not all fit, the weakest are drawn; one line
    says how many more were tried and how many are not yet tried. Every line drawn is
    kept as the PNG's Description too."""
    layout = _layout(s)
    height = layout.height
    img = Image.new("RGB", (CARD_WIDTH, height), BG)
    d = ImageDraw.Draw(img)
    inner = CARD_WIDTH - 2 * PAD
    big, mid, small, tiny = _font(42), _font(30), _font(24), _font(21)
    drawn: list[str] = []

    def text(xy, value: str, font, fill, width: int = inner, **kw) -> None:
        value = _fit(d, _drawable(value), font, width)
        d.text(xy, value, font=font, fill=fill, **kw)
        drawn.append(value)

    def bar(y: int, share: float, label: str) -> None:
        d.rounded_rectangle((PAD, y, PAD + BAR_WIDTH, y + 18), radius=9, fill=TRACK)
        pct = round(100 * min(share, 1.0))
        if pct:
            colour = next((col for limit, col in BAR_COLOURS if pct < limit), BAR_COLOURS[-1][1])
            d.rounded_rectangle((PAD, y, PAD + max(18, BAR_WIDTH * pct // 100), y + 18), radius=9, fill=colour)
        text((PAD + BAR_WIDTH + 16, y - 4), label, small, INK, inner - BAR_WIDTH - 16)

    text((PAD, PAD), name, big, INK)
    gap = 16
    width = (inner - 2 * gap) // 3
    for i, (fill, value, label, note, ink) in enumerate(_tiles(s)):
        x = PAD + i * (width + gap)
        _tile(d, (x, PAD + 64, x + width, PAD + 64 + TILE_H), fill, value, label, note, ink)
        drawn.append(f"{value} {label} ({note})")
    y = PAD + 64 + TILE_H + 24
    heading = "The criteria you have tried"
    if layout.left_out:
        heading = "Your weakest criteria"
    text((PAD, y), heading, mid, INK)
    text((PAD, y + 40), f"Questions: {Q_KEY}", tiny, MUTED)
    text((PAD, y + 66), f"Role-plays: {RP_KEY}", tiny, MUTED)

    y = HEAD
    if not layout.shown:
        empty = (
            "Nothing tried yet: answer the daily question, /quiz or /roleplay."
            if s.criteria
            else "No packs are enabled here yet."
        )
        text((PAD, y + 20), empty, small, MUTED)
        y += LABEL + BAR
    for _, title, criteria in _by_pack(layout.shown):
        text((PAD, y + 12), title, small, MUTED)
        d.line((PAD, y + GROUP - 8, PAD + inner, y + GROUP - 8), fill=TRACK, width=2)
        y += GROUP
        for c in criteria:
            text((PAD, y), f"{c.criterion_id}  {criterion_text(c.text)}", small, INK)
            bar_y = y + LABEL + 4
            if c.tally.answers:
                bar(bar_y, c.tally.right / c.tally.answers, f"Questions {_questions(c.tally)}")
                bar_y += BAR
            if c.roleplays.attempts:
                e = c.roleplays
                bar(bar_y, e.score / e.out_of if e.out_of else 1.0, f"Role-plays {_credit(e)}")
            y += _row_height(c)
    if more := _left_out(layout):
        text((PAD, y + 12), more, small, MUTED)
    footer = (
        f"{plural(s.cards_due, 'card')} due · {plural(len(s.misconceptions), 'open misconception')} · "
        f"{plural(s.roleplays_completed, 'role-play')} done"
    )
    text((PAD, height - FOOT + 22), footer, small, MUTED)
    info = PngInfo()
    info.add_itxt("Description", "\n".join(drawn))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True, pnginfo=info)
    return out.getvalue()


def card_file(s: Stats, name: str) -> discord.File:
    """The progress card as an attachment, with what it shows as its alt text."""
    return discord.File(io.BytesIO(progress_card(s, name)), filename=CARD_FILE, description=card_text(s, name))


# --- tutors ---------------------------------------------------------------------------------


def _criterion_line(c: CriterionStat, text_limit: int) -> str:
    return f"**{c.criterion_id}** · {clip(c.pack_title, 50)}: {clip(criterion_text(c.text), text_limit)}"


def _learner_line(place: int, line: LearnerLine) -> str:
    t = line.tally
    answered = f"{_bold(t.answers, 'answer')} · {t.percent}% right" if t.answers else "no answers in the period"
    return (
        f"{place}. <@{line.user_id}> · {answered} · streak {line.streak.current} · "
        f"{plural(line.roleplays_completed, 'role-play')} · "
        f"{plural(line.open_misconceptions, 'open misconception')}"
    )


def _period(days: int) -> str:
    return f"last {plural(days, 'day')}" if days != 1 else "last day"


def learners_embed(r: Report) -> discord.Embed:
    """A page of the cohort's learners, one line each."""
    page = r.learners
    embed = discord.Embed(title=f"👥 Learners · {_period(r.days)}", colour=INFO)
    if not page.total:
        embed.description = "Nobody has answered or earned points here yet."
        return embed
    head = (
        "Lowest accuracy first. Answers and accuracy in the period; the streak, role-plays "
        "completed and open misconceptions as they are now."
    )
    lines = [_learner_line(page.first + i, line) for i, line in enumerate(page.items)]
    embed.description = _lines([head, "", *lines], 4096)
    last = page.first + len(page.items) - 1
    footer = f"Learners {page.first} to {last} of {page.total} · page {page.number} of {page.pages}"
    if page.number < page.pages:
        footer += f" · /cohort report page:{page.number + 1} shows the next"
    embed.set_footer(text=footer)
    return embed


def report_embeds(r: Report) -> list[discord.Embed]:
    """The report and a page of its learners, within one message's 6,000 characters."""
    learners = learners_embed(r)
    p = r.participation
    embed = discord.Embed(title=f"📋 Cohort report · {_period(r.days)}", colour=INFO)
    share = f" ({round(100 * len(p.active) / p.seen)}%)" if p.seen else ""
    embed.description = (
        f"Active: **{len(p.active)}** of the {plural(p.seen, 'learner')} seen{share} · "
        f"{_bold(r.answers, 'answer')} since {discord.utils.format_dt(r.since, 'f')}."
    )
    hard = []
    for i, h in enumerate(r.hardest, start=1):
        line = f"{i}. **{h.tally.percent}%** right of {h.tally.answers} · {clip(h.prompt, 90)}"
        if h.common_wrong:
            line += f"\n  Most chosen wrong: {clip(h.common_wrong, 80)} ({h.common_wrong_count})"
        hard.append(line)
    embed.set_footer(
        text="Learners seen: anyone who has answered or earned points here. "
        "/cohort export gives the evidence per learner and criterion as CSV."
    )
    _add_fields(
        embed,
        [
            _Field("Hardest questions", hard, "No answers in this period."),
            _Field(
                "Weakest criteria",
                [f"**{c.tally.percent}%** of {c.tally.answers} · {_criterion_line(c, 70)}" for c in r.weakest],
                "No answers in this period.",
            ),
            _Field(
                "Most common open misconceptions",
                [f"“{clip(text, 100)}” · {plural(n, 'learner')}" for text, n in r.misconceptions],
                "None open 🎉",
            ),
            _Field(
                f"Quiet learners ({len(p.quiet)})",
                [f"<@{u}> · last active {discord.utils.format_dt(at, 'R')}" for u, at in p.quiet],
                "Nobody: everyone seen before was active.",
            ),
        ],
        total=EMBED_TOTAL - len(learners),
    )
    return [embed, learners]


EXPORT_COLUMNS = (
    "user_id",
    "display_name",
    "source",
    "pack",
    "pack_title",
    "criterion",
    "criterion_text",
    "attempts",
    "score",
    "out_of",
    "percent",
    "last_activity",
    "detail",
)
REFLECTION_COLUMNS = (
    "user_id",
    "display_name",
    "pack",
    "pack_title",
    "scenario",
    "scenario_title",
    "criteria",
    "outcome",
    "roleplay_score",
    "roleplay_best",
    "status",
    "situation",
    "task",
    "action",
    "result",
    "feedback",
    "bonus",
    "submitted_at",
    "marked_at",
)


def _cell(value: object) -> object:
    """Keep spreadsheet programs from running text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell("" if v is None else v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read accents right


def _when(at: datetime | None) -> str:
    return at.isoformat() if at else ""


def export_csv(export: CohortExport, names: dict[int, str]) -> bytes:
    """One row per learner, criterion and source (the README lists the columns)."""
    return _csv(
        EXPORT_COLUMNS,
        [
            [
                str(r.user_id),
                names.get(r.user_id, ""),
                r.source,
                r.pack_id,
                r.pack_title,
                r.criterion_id,
                r.criterion_text,
                r.evidence.attempts,
                r.evidence.score,
                r.evidence.out_of,
                r.evidence.percent,
                _when(r.evidence.last),
                labels_text(r.evidence.labels),
            ]
            for r in export.rows
        ],
    )


def reflections_csv(export: CohortExport, names: dict[int, str]) -> bytes:
    """Every challenge reflection in full, with its attempt's result and the marking."""
    rows = []
    for x in export.reflections:
        r = x.reflection
        rows.append(
            [
                str(r.user_id),
                names.get(r.user_id, ""),
                r.pack_id,
                x.pack_title,
                r.scenario_id,
                x.scenario_title,
                " ".join(x.criteria),
                r.outcome,
                r.score,
                r.best_score,
                r.status,
                r.situation,
                r.task,
                r.action,
                r.result,
                r.feedback,
                r.bonus,
                _when(r.submitted_at),
                _when(r.marked_at),
            ]
        )
    return _csv(REFLECTION_COLUMNS, rows)


def export_files(export: CohortExport, names: dict[int, str], now: datetime) -> list[discord.File]:
    return [
        discord.File(io.BytesIO(export_csv(export, names)), filename=f"cohort-evidence-{now:%Y-%m-%d}.csv"),
        discord.File(io.BytesIO(reflections_csv(export, names)), filename=f"cohort-reflections-{now:%Y-%m-%d}.csv"),
    ]


def export_text(export: CohortExport) -> str:
    return (
        f"Portfolio evidence for {plural(export.learners, 'learner')}: "
        f"{plural(len(export.rows), 'row')} in the first file, one per learner, criterion and source "
        f"(question answers, myth answers, role-plays, reflections), and "
        f"{plural(len(export.reflections), 'reflection')} in full in the second."
    )


# --- each learner's data --------------------------------------------------------------------


def data_file(data: dict) -> discord.File:
    text = json.dumps(data, indent=2, default=str)
    return discord.File(io.BytesIO(text.encode()), filename="my-revision-bot-data.json")


def data_summary(data: dict) -> str:
    counts = {t: len(rows) for t, rows in data["tables"].items() if rows}
    listed = ", ".join(f"{t} {n}" for t, n in counts.items()) or "nothing"
    return (
        f"Here is everything this bot stores about you, in every server it serves "
        f"({plural(sum(counts.values()), 'row')}: {listed}). Only you can see this message."
    )


def delete_embed() -> discord.Embed:
    return discord.Embed(
        title="Delete all your data?",
        colour=discord.Colour.red(),
        description="This deletes **everything this bot stores about you, in every server it serves**: your "
        "answers, points and leaderboard places, revision cards, misconceptions, myth answers, "
        "role-plays and reflections. Your streak and stats start again from zero, and you disappear "
        "from leaderboards and tutor reports.\n\n**This cannot be undone.** "
        "`/privacy export` first if you want a copy.",
    )


def delete_view(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(user_id))
    view.add_item(KeepButton(user_id))
    return view


def deleted_text(counts: dict[str, int]) -> str:
    done = ", ".join(f"{t} {n}" for t, n in counts.items() if n) or "there was nothing to delete"
    return (
        f"🗑️ Done: {plural(sum(counts.values()), 'row')} deleted ({done}). Nothing about you is left in the bot's "
        "database. Messages already posted in channels, such as a weekly top three, are not changed."
    )


# --- persistent components ------------------------------------------------------------------


def _cog(interaction: discord.Interaction) -> ShowsProgress:
    return handler(interaction, ShowsProgress)


class BoardButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:board:p(?P<post>\d{1,19})"):
    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Where am I?", emoji="🔎", style=discord.ButtonStyle.secondary, custom_id=f"rb:board:p{post_id}"
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).show_weekly_board(interaction, self.post_id)


class ForgetButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:forget:(?P<user>\d{1,20})"):
    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Delete everything", emoji="🗑️", style=discord.ButtonStyle.danger, custom_id=f"rb:forget:{user_id}"
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).confirm_delete(interaction, self.user_id)


class KeepButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rb:keep:(?P<user>\d{1,20})"):
    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id=f"rb:keep:{user_id}")
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _cog(interaction).cancel_delete(interaction, self.user_id)


DYNAMIC_ITEMS = (BoardButton, ForgetButton, KeepButton)
