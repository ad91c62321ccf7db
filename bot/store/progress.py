"""Reads behind leaderboards, stats and cohort reports; leaving the leaderboards; and each
learner's data: export and delete.

How the reads stay fast:
- a whole-server board is the first rows of the rank index ``score_totals_rank``; the
  board's size and the caller's rank are sums over ``score_counts`` (one row per distinct
  score), plus a count of the ties at the caller's score: about 1 ms at 100,000 learners;
- a board for one pack cannot use the totals (they are not kept per pack): SQLite sums the
  pack's awards in the period from one range of ``points_by_pack``, which holds every
  column it reads, and ranks the learners (a window function), so only the top and the
  caller come back;
- stats, reports and the CSV read the answers (``answers_by_user``) and sum in Python;
  stats also read the learner's finished role-plays (``roleplay_by_learner``), and the
  CSV the server's myth answers, finished role-plays and reflections.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from bot.domain.progress import AnswerRow, MythRow, PlayedRow, ReflectionRow
from bot.domain.timestamps import iso

from .database import Database

# Every table holding rows about a learner, with the column that names them. /privacy
# export reads exactly these and /privacy delete empties them, in this order: a table
# whose rows reference another table's rows comes before it (foreign keys). A new table
# with a user_id column must be added here (tests/store/test_progress.py checks).
USER_DATA: tuple[tuple[str, str], ...] = (
    ("answers", "user_id"),
    ("cards", "user_id"),
    ("flashcards", "user_id"),
    ("points", "user_id"),
    ("score_totals", "user_id"),
    ("streaks", "user_id"),
    ("misconceptions", "user_id"),
    ("myth_answers", "user_id"),
    ("leaderboard_hidden", "user_id"),
    ("reflections", "user_id"),  # references roleplay_sessions: deleted first
    ("roleplay_sessions", "user_id"),
)

_FIRST, _LAST = "", "~"  # bounds that every ISO timestamp sorts between
_NEVER = "9999-12-31T00:00:00+00:00"


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value or _NEVER)


def _bounds(start: datetime | None, end: datetime | None) -> tuple[str, str]:
    return (iso(start) if start else _FIRST, iso(end) if end else _LAST)


def _answers(c: sqlite3.Connection, where: str, args: tuple) -> list[AnswerRow]:
    return [
        AnswerRow(r[0], r[1], r[2], json.loads(r[3]), bool(r[4]), datetime.fromisoformat(r[5]), r[6])
        for r in c.execute(
            "SELECT user_id, question_id, pack_id, choice, correct, answered_at, source FROM answers "
            f"WHERE {where} ORDER BY answered_at, id",
            args,
        )
    ]


def _played(c: sqlite3.Connection, where: str, args: tuple) -> list[PlayedRow]:
    return [
        PlayedRow(
            r[0],
            r[1],
            r[2],
            r[3] is not None,
            {str(k): int(v) for k, v in json.loads(r[4]).get("credit", {}).items()},
            r[5] or "",
            datetime.fromisoformat(r[6]),
        )
        for r in c.execute(
            "SELECT user_id, scenario_id, pack_id, challenge_id, state, outcome, updated_at FROM roleplay_sessions "
            f"WHERE {where} AND status = 'finished' ORDER BY updated_at, id",
            args,
        )
    ]


def _reflection(r: sqlite3.Row | tuple) -> ReflectionRow:
    return ReflectionRow(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
        submitted_at=datetime.fromisoformat(r[13]),
        marked_at=datetime.fromisoformat(r[14]) if r[14] else None,
    )  # fmt: skip


def export_user(c: sqlite3.Connection, user_id: int) -> dict[str, list[dict]]:
    """Every row about the learner, table by table, as column -> value."""
    out = {}
    for table, column in USER_DATA:
        rows = c.execute(f"SELECT * FROM {table} WHERE {column} = ?", (user_id,))
        out[table] = [{name: row[name] for name in row.keys()} for row in rows]
    return out


def delete_user(c: sqlite3.Connection, user_id: int) -> dict[str, int]:
    """Delete every row about the learner, in the caller's transaction; rows deleted per table."""
    _leave_score_counts(c, user_id)
    return {
        table: c.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,)).rowcount for table, column in USER_DATA
    }


def _leave_score_counts(c: sqlite3.Connection, user_id: int) -> None:
    """Take the learner's totals out of the score_counts buckets (how many learners hold
    each score; awards move learners between them in bot/store/points.py), before the
    totals are deleted. Nothing else keeps the counts: no trigger (migration 0012)."""
    held = c.execute(
        "SELECT guild_id, period, points FROM score_totals WHERE user_id = ? AND points > 0", (user_id,)
    ).fetchall()  # one row per (guild, period): one learner each
    c.executemany(
        "UPDATE score_counts SET learners = learners - 1 WHERE guild_id = ? AND period = ? AND points = ?", held
    )


def _hidden_totals(c: sqlite3.Connection, guild_id: int, period: str) -> dict[int, tuple[int, str, int]]:
    """Learners who left the leaderboards but have points in the period: (points, reached at, user).
    CROSS JOIN keeps the (short) hidden list as the outer loop."""
    return {
        r[2]: (r[0], r[1], r[2])
        for r in c.execute(
            "SELECT s.points, s.reached_at, s.user_id FROM leaderboard_hidden h CROSS JOIN score_totals s "
            "ON s.guild_id = h.guild_id AND s.period = ? AND s.user_id = h.user_id "
            "WHERE h.guild_id = ? AND s.points > 0",
            (period, guild_id),
        )
    }


class ProgressRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- leaving the leaderboards --------------------------------------------------------
    async def set_hidden(self, guild_id: int, user_id: int, hidden: bool) -> None:
        sql = (
            "INSERT OR IGNORE INTO leaderboard_hidden (guild_id, user_id) VALUES (?, ?)"
            if hidden
            else "DELETE FROM leaderboard_hidden WHERE guild_id = ? AND user_id = ?"
        )
        await self.db.write(lambda c: c.execute(sql, (guild_id, user_id)))

    async def hidden(self, guild_id: int) -> set[int]:
        return await self.db.read(
            lambda c: {
                r[0] for r in c.execute("SELECT user_id FROM leaderboard_hidden WHERE guild_id = ?", (guild_id,))
            }
        )

    # -- leaderboards --------------------------------------------------------------------
    async def ranked(
        self, guild_id: int, period: str, caller_id: int | None, top: int
    ) -> tuple[list[tuple[int, int, int, datetime]], tuple[int, int, int, datetime] | None, int]:
        """A board straight from the maintained totals and their index: the first ``top``
        visible learners as (rank, user, points, reached at), the caller's row, and how
        many are on the board. Order: points, then who reached them first, then user id."""

        def q(c):
            period_rows = "FROM score_totals WHERE guild_id = ? AND period = ? AND points > 0"
            args = (guild_id, period)
            rows = c.execute(
                f"SELECT user_id, points, reached_at {period_rows} AND user_id NOT IN "
                "(SELECT user_id FROM leaderboard_hidden WHERE guild_id = ?) "
                "ORDER BY points DESC, reached_at, user_id LIMIT ?",
                (*args, guild_id, top),
            ).fetchall()
            best = [(i, r[0], r[1], _when(r[2])) for i, r in enumerate(rows, start=1)]
            # The board's size and the learners above the caller come from score_counts
            # (one row per distinct score); ties at the caller's score from the rank index.
            # The few hidden learners are counted separately and taken off.
            hidden = _hidden_totals(c, guild_id, period)
            size = c.execute(
                "SELECT COALESCE(SUM(learners), 0) FROM score_counts WHERE guild_id = ? AND period = ?", args
            ).fetchone()[0] - len(hidden)
            mine = (
                c.execute(f"SELECT points, reached_at {period_rows} AND user_id = ?", (*args, caller_id)).fetchone()
                if caller_id is not None
                else None
            )
            me = None
            if mine and caller_id not in hidden:
                points, reached = mine
                above = c.execute(
                    "SELECT COALESCE(SUM(learners), 0) FROM score_counts WHERE guild_id = ? "
                    "AND period = ? AND points > ?",
                    (*args, points),
                ).fetchone()[0]
                tied = c.execute(
                    "SELECT COUNT(*) FROM score_totals WHERE guild_id = ? AND period = ? AND points = ? "
                    "AND (reached_at, user_id) < (?, ?)",
                    (*args, points, reached, caller_id),
                ).fetchone()[0]
                hidden_ahead = sum(1 for h in hidden.values() if (-h[0], h[1], h[2]) < (-points, reached, caller_id))
                me = (above + tied - hidden_ahead + 1, caller_id, points, _when(reached))
            return best, me, size

        return await self.db.read(q)

    async def pack_ranked(
        self, guild_id: int, pack_id: str, start: datetime | None, end: datetime | None, caller_id: int | None, top: int
    ) -> tuple[list[tuple[int, int, int, datetime]], tuple[int, int, int, datetime] | None, int, int]:
        """One pack's board for the period, summed from that pack's awards, in the order of
        ``ranked``: the first ``top`` visible learners as (rank, user, points, reached at),
        the caller's row, how many are on the board, and the caller's own points (counted
        even when they have left the leaderboards). A learner reached their total with
        their last award that raised it."""
        lo, hi = _bounds(start, end)

        def q(c):
            return c.execute(
                "WITH totals AS ("
                " SELECT user_id, SUM(points) AS points,"
                "  COALESCE(MAX(CASE WHEN points > 0 THEN created_at END), MIN(created_at)) AS reached_at"
                " FROM points WHERE guild_id = ? AND pack_id = ? AND created_at >= ? AND created_at < ?"
                " GROUP BY user_id"
                "), marked AS ("
                " SELECT *, CASE WHEN points > 0 AND user_id NOT IN"
                "  (SELECT user_id FROM leaderboard_hidden WHERE guild_id = ?) THEN 1 ELSE 0 END AS shown FROM totals"
                "), board AS ("
                " SELECT *, ROW_NUMBER() OVER (PARTITION BY shown ORDER BY points DESC, reached_at, user_id) AS place,"
                "  SUM(shown) OVER () AS size FROM marked"
                ") SELECT shown, place, user_id, points, reached_at, size FROM board "
                "WHERE (shown = 1 AND place <= ?) OR user_id = ?",
                (guild_id, pack_id, lo, hi, guild_id, top, caller_id),
            ).fetchall()

        rows = await self.db.read(q)
        board = sorted((r[1], r[2], r[3], _when(r[4])) for r in rows if r[0])
        mine = next((r for r in rows if r[2] == caller_id), None)
        me = next((r for r in board if r[1] == caller_id), None)
        return [r for r in board if r[0] <= top], me, rows[0][5] if rows else 0, mine[3] if mine else 0

    async def user_totals(self, guild_id: int, user_id: int, periods: tuple[str, ...]) -> dict[str, int]:
        marks = ", ".join("?" * len(periods))
        return await self.db.read(
            lambda c: {
                r[0]: r[1]
                for r in c.execute(
                    "SELECT period, points FROM score_totals WHERE guild_id = ? AND user_id = ? "
                    f"AND period IN ({marks})",
                    (guild_id, user_id, *periods),
                )
            }
        )

    # -- answers and activity ------------------------------------------------------------
    async def user_answers(self, guild_id: int, user_id: int) -> list[AnswerRow]:
        return await self.db.read(lambda c: _answers(c, "guild_id = ? AND user_id = ?", (guild_id, user_id)))

    async def answers_since(self, guild_id: int, since: datetime | None) -> list[AnswerRow]:
        lo, _ = _bounds(since, None)
        return await self.db.read(lambda c: _answers(c, "guild_id = ? AND answered_at >= ?", (guild_id, lo)))

    async def last_activity(self, guild_id: int) -> dict[int, datetime]:
        """Each learner's latest answer, myth answer or award in the server."""
        return await self.db.read(
            lambda c: {
                r[0]: datetime.fromisoformat(r[1])
                for r in c.execute(
                    "SELECT user_id, MAX(at) FROM ("
                    " SELECT user_id, answered_at AS at FROM answers WHERE guild_id = ?"
                    " UNION ALL SELECT user_id, answered_at FROM myth_answers WHERE guild_id = ?"
                    " UNION ALL SELECT user_id, created_at FROM points WHERE guild_id = ?"
                    ") AS activity GROUP BY user_id",
                    (guild_id, guild_id, guild_id),
                )
            }
        )

    # -- the evidence beyond answers, for the cohort CSV ----------------------------------
    async def myth_answers(self, guild_id: int) -> list[MythRow]:
        """Every myth answer in the server: cards and cohort posts."""
        return await self.db.read(
            lambda c: [
                MythRow(r[0], r[1], r[2], r[3] is not None, bool(r[4]), datetime.fromisoformat(r[5]))
                for r in c.execute(
                    "SELECT user_id, myth_id, pack_id, post_id, correct, answered_at FROM myth_answers "
                    "WHERE guild_id = ? ORDER BY answered_at, id",
                    (guild_id,),
                )
            ]
        )

    async def finished_roleplays(self, guild_id: int) -> list[PlayedRow]:
        """Every finished role-play in the server (free play and challenge attempts), with
        the credit its path earned per criterion."""
        return await self.db.read(lambda c: _played(c, "guild_id = ?", (guild_id,)))

    async def user_finished_roleplays(self, guild_id: int, user_id: int) -> list[PlayedRow]:
        """The learner's finished role-plays in the server, as ``finished_roleplays`` (the
        index ``roleplay_by_learner`` serves it)."""
        return await self.db.read(lambda c: _played(c, "guild_id = ? AND user_id = ?", (guild_id, user_id)))

    async def reflections(self, guild_id: int) -> list[ReflectionRow]:
        """Every challenge reflection in the server, with its attempt's result."""
        return await self.db.read(
            lambda c: [
                _reflection(r)
                for r in c.execute(
                    "SELECT r.user_id, s.scenario_id, s.pack_id, s.outcome, s.score, s.best_score, r.situation, "
                    "r.task, r.action, r.result, r.status, r.feedback, r.bonus, r.submitted_at, r.marked_at "
                    "FROM reflections r JOIN roleplay_sessions s ON s.id = r.session_id "
                    "WHERE r.guild_id = ? ORDER BY r.submitted_at, r.session_id",
                    (guild_id,),
                )
            ]
        )

    # -- each learner's data -------------------------------------------------------------
    async def export_user(self, user_id: int) -> dict[str, list[dict]]:
        return await self.db.read(lambda c: export_user(c, user_id))

    async def delete_user(self, user_id: int) -> dict[str, int]:
        return await self.db.write(lambda c: delete_user(c, user_id))
