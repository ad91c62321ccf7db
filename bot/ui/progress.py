"""Progress on screen: leaderboards, the weekly top three, stats and the PNG progress card,
the cohort report and CSV, and the privacy dialogs.

custom_id scheme:
  rb:board:p<post id>     "Where am I?" on a weekly post: that week's board, privately
  rb:forget:<user id>     /privacy delete, confirmed
  rb:keep:<user id>       /privacy delete, cancelled
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import discord
from PIL import Image, ImageDraw, ImageFont

from bot.domain.leaderboard import TIE_RULE, Ranked
from bot.services.progress import ExportRow, LeaderboardView, Report, Stats
from bot.ui.handlers import ShowsProgress, handler

GOLD = discord.Colour.gold()
INFO = discord.Colour.blurple()
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
CARD_FILE = "progress.png"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines(lines: list[str], limit: int = 1024, more: str = "…and {n} more") -> str:
    """Join lines up to Discord's field limit, saying how many did not fit."""
    out: list[str] = []
    for i, line in enumerate(lines):
        tail = more.format(n=len(lines) - i)
        if len("\n".join([*out, line])) > limit - len(tail) - 1:
            return "\n".join([*out, tail])
        out.append(line)
    return "\n".join(out)


def _pts(n: int) -> str:
    return f"{n} pt" if n == 1 else f"{n} pts"


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
        title=_clip(title, 256), colour=GOLD, description="\n".join(lines) or "Nobody has scored in this period yet."
    )
    if view.caller_hidden:
        you = (
            f"You have left the leaderboards, so you are not shown. Your points in this period: "
            f"**{view.caller_points}**. `/privacy leaderboard show` puts you back."
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
        title=f"🏆 Top three · {period_label}"[:256],
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


def _criterion_label(c) -> str:
    return f"{c.criterion_id} ({c.pack_id})"


def stats_embed(s: Stats, name: str) -> discord.Embed:
    o = s.overall
    desc = (
        f"**{o.answers}** answer{'s' if o.answers != 1 else ''} · **{o.percent}%** right"
        if o.answers
        else "No answers yet: answer the daily question or try `/quiz`."
    )
    embed = discord.Embed(title=_clip(f"📈 Progress · {name}", 256), description=desc, colour=INFO)
    embed.add_field(name="Streak", value=f"**{s.streak.current}** (best {s.streak.best})", inline=True)
    embed.add_field(name="Revision", value=f"**{s.cards_due}** card(s) due in `/revise`", inline=True)
    embed.add_field(name="Role-plays completed", value=str(s.roleplays_completed), inline=True)
    board = f"**{_pts(s.points_all)}** all time · {_pts(s.points_week)} this week"
    if s.hidden:
        board += "\nYou have left the leaderboards (`/privacy leaderboard show` to rejoin)."
    embed.add_field(name="Points", value=board, inline=False)
    if s.packs:
        embed.add_field(
            name="By pack",
            inline=False,
            value=_lines(
                [
                    f"{_clip(p.title, 60)}: {_plural(p.tally.answers, 'answer')} · **{p.tally.percent}%**"
                    for p in s.packs
                ]
            ),
        )
    if s.criteria:
        embed.add_field(
            name="By assessment criterion",
            value=_lines(
                [
                    f"`{c.tally.percent:>3}%` **{_criterion_label(c)}** {_plural(c.tally.answers, 'answer')} · "
                    f"{_clip(c.text, 60)}"
                    for c in s.criteria
                ]
            ),
            inline=False,
        )
    embed.add_field(
        name="Open misconceptions",
        value=_lines(
            [f"“{_clip(m.statement, 120)}” (shown {n}×) · `/myth card` to bust it" for m, n in s.misconceptions]
        )
        if s.misconceptions
        else "None 🎉",
        inline=False,
    )
    embed.set_image(url=f"attachment://{CARD_FILE}")
    return embed


CARD_WIDTH = 800
PAD = 40
HEAD = 200  # the name, the answers line and the streak badge
GROUP = 56  # a pack's title above its criteria
ROW = 84  # one criterion: a label line and its bar
FOOT = 80
MAX_ROWS = 20
BG, INK, MUTED, TRACK = (255, 255, 255), (32, 34, 37), (96, 101, 110), (229, 231, 235)
STREAK = (255, 122, 26)
BAR_COLOURS = ((50, (220, 68, 55)), (80, (240, 165, 0)), (101, (46, 160, 67)))  # below 50 %, below 80 %, the rest


def card_height(criteria: int, packs: int = 1) -> int:
    """The card's height in pixels (its width is always 800): ``criteria`` bars under
    ``packs`` pack titles; past 20 criteria, one line says how many more."""
    rows = min(criteria, MAX_ROWS) + (1 if criteria > MAX_ROWS else 0)
    return HEAD + (packs * GROUP if criteria else 0) + max(rows, 1) * ROW + FOOT


def _font(size: int):
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def progress_card(s: Stats, name: str) -> bytes:
    """A PNG readable on a phone: 800 px wide, large type, the streak in a badge and one
    bar per assessment criterion (the share of answers right), grouped by pack."""
    shown = s.criteria[:MAX_ROWS]
    packs = list(dict.fromkeys(c.pack_id for c in shown))
    height = card_height(len(s.criteria), len(packs))
    img = Image.new("RGB", (CARD_WIDTH, height), BG)
    d = ImageDraw.Draw(img)
    inner = CARD_WIDTH - 2 * PAD
    huge, big, mid, small = _font(60), _font(42), _font(30), _font(26)

    badge = (CARD_WIDTH - PAD - 160, PAD, CARD_WIDTH - PAD, PAD + 130)
    d.rounded_rectangle(badge, radius=20, fill=STREAK)
    centre = (badge[0] + badge[2]) // 2
    d.text((centre, PAD + 8), str(s.streak.current), font=huge, fill=BG, anchor="ma")
    d.text((centre, PAD + 74), "streak", font=small, fill=BG, anchor="ma")
    d.text((centre, PAD + 102), f"best {s.streak.best}", font=_font(22), fill=BG, anchor="ma")
    text_width = badge[0] - PAD - 20
    d.text((PAD, PAD), _fit(d, name, big, text_width), font=big, fill=INK)
    o = s.overall
    d.text(
        (PAD, PAD + 60),
        _fit(
            d, f"{_plural(o.answers, 'answer')}, {o.percent}% right" if o.answers else "No answers yet", mid, text_width
        ),
        font=mid,
        fill=MUTED,
    )
    d.text((PAD, PAD + 100), "Mastery by criterion", font=mid, fill=INK)

    titles = {p.pack_id: p.title for p in s.packs}
    y = HEAD
    if not shown:
        d.text((PAD, y + 20), "Answer questions to see your mastery here.", font=small, fill=MUTED)
        y += ROW
    current = None
    for c in shown:
        if c.pack_id != current:
            current = c.pack_id
            d.text((PAD, y + 14), _fit(d, titles.get(c.pack_id, c.pack_id), small, inner), font=small, fill=MUTED)
            d.line((PAD, y + GROUP - 8, PAD + inner, y + GROUP - 8), fill=TRACK, width=2)
            y += GROUP
        pct = c.tally.percent
        right = f"{pct}% of {c.tally.answers}"
        label = _fit(d, f"{c.criterion_id}  {c.text}", small, inner - int(d.textlength(right, font=small)) - 20)
        d.text((PAD, y), label, font=small, fill=INK)
        d.text((CARD_WIDTH - PAD, y), right, font=small, fill=MUTED, anchor="ra")
        bar_y = y + 36
        d.rounded_rectangle((PAD, bar_y, PAD + inner, bar_y + 28), radius=14, fill=TRACK)
        if pct:
            colour = next((col for limit, col in BAR_COLOURS if pct < limit), BAR_COLOURS[-1][1])
            filled = PAD + max(28, inner * min(pct, 100) // 100)
            d.rounded_rectangle((PAD, bar_y, filled, bar_y + 28), radius=14, fill=colour)
        y += ROW
    if len(s.criteria) > MAX_ROWS:
        d.text((PAD, y + 10), f"…and {len(s.criteria) - MAX_ROWS} more criteria in /stats", font=small, fill=MUTED)
    footer = (
        f"{_plural(s.cards_due, 'card')} due · {_plural(len(s.misconceptions), 'open misconception')} · "
        f"{_plural(s.roleplays_completed, 'role-play')} done"
    )
    d.text((PAD, height - FOOT + 24), _fit(d, footer, small, inner), font=small, fill=MUTED)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- tutors ---------------------------------------------------------------------------------


def report_embed(r: Report) -> discord.Embed:
    p = r.participation
    embed = discord.Embed(title=f"📋 Cohort report · last {r.days} day{'s' if r.days != 1 else ''}", colour=INFO)
    share = f" ({round(100 * len(p.active) / p.seen)}%)" if p.seen else ""
    embed.description = (
        f"**{len(p.active)}** of **{p.seen}** learners seen were active{share} · "
        f"**{r.answers}** answers since {discord.utils.format_dt(r.since, 'f')}."
    )
    hard = []
    for i, h in enumerate(r.hardest, start=1):
        line = f"{i}. **{h.tally.percent}%** right of {h.tally.answers} · {_clip(h.prompt, 90)}"
        if h.common_wrong:
            line += f"\n  Most chosen wrong: {_clip(h.common_wrong, 80)} ({h.common_wrong_count})"
        hard.append(line)
    embed.add_field(name="Hardest questions", value=_lines(hard) or "No answers in this period.", inline=False)
    embed.add_field(
        name="Weakest criteria",
        value=_lines(
            [
                f"**{c.tally.percent}%** of {c.tally.answers} · **{_criterion_label(c)}** {_clip(c.text, 70)}"
                for c in r.weakest
            ]
        )
        or "No answers in this period.",
        inline=False,
    )
    embed.add_field(
        name="Most common open misconceptions",
        value=_lines([f"“{_clip(text, 100)}” · {n} learner{'s' if n != 1 else ''}" for text, n in r.misconceptions])
        or "None open 🎉",
        inline=False,
    )
    embed.add_field(
        name=f"Quiet learners ({len(p.quiet)})",
        value=_lines([f"<@{u}> · last active {discord.utils.format_dt(at, 'R')}" for u, at in p.quiet])
        or "Nobody: everyone seen before was active.",
        inline=False,
    )
    embed.set_footer(
        text="Learners seen: anyone who has answered or earned points here. /cohort export gives the per-criterion CSV."
    )
    return embed


EXPORT_COLUMNS = (
    "user_id",
    "display_name",
    "pack",
    "criterion",
    "criterion_text",
    "answers",
    "correct",
    "accuracy_percent",
    "last_activity",
)


def _cell(value: object) -> object:
    """Keep spreadsheet programs from running text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(rows: list[ExportRow], names: dict[int, str]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for r in rows:
        w.writerow(
            [
                _cell(v)
                for v in (
                    str(r.user_id),
                    names.get(r.user_id, ""),
                    r.pack_id,
                    r.criterion_id,
                    r.criterion_text,
                    r.tally.answers,
                    r.tally.right,
                    r.tally.percent,
                    r.tally.last.isoformat() if r.tally.last else "",
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read accents right


def export_file(rows: list[ExportRow], names: dict[int, str], now: datetime) -> discord.File:
    return discord.File(io.BytesIO(export_csv(rows, names)), filename=f"cohort-progress-{now:%Y-%m-%d}.csv")


# --- each learner's data --------------------------------------------------------------------


def data_file(data: dict) -> discord.File:
    text = json.dumps(data, indent=2, default=str)
    return discord.File(io.BytesIO(text.encode()), filename="my-revision-bot-data.json")


def data_summary(data: dict) -> str:
    counts = {t: len(rows) for t, rows in data["tables"].items() if rows}
    listed = ", ".join(f"{t} {n}" for t, n in counts.items()) or "nothing"
    return (
        f"Here is everything this bot stores about you, in every server it serves "
        f"({sum(counts.values())} rows: {listed}). Only you can see this message."
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
        f"🗑️ Done: {sum(counts.values())} rows deleted ({done}). Nothing about you is left in the bot's "
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
