"""Role-play sessions (every step saved) and challenge reflections."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from bot.domain.errors import AlreadyActive
from bot.domain.records import Award, Reflection, Session, StepSaved
from bot.domain.timestamps import iso

from .database import Database
from .points import add_points

_COLUMNS = "id, guild_id, user_id, scenario_id, pack_id, challenge_id, state, steps, status, outcome, score, best_score"


def _session(r) -> Session:
    return Session(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8], r[9], r[10], r[11])


def _get(c: sqlite3.Connection, session_id: int) -> Session | None:
    r = c.execute(f"SELECT {_COLUMNS} FROM roleplay_sessions WHERE id = ?", (session_id,)).fetchone()
    return _session(r) if r else None


class RoleplayRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, session_id: int) -> Session | None:
        return await self.db.read(lambda c: _get(c, session_id))

    async def active(self, guild_id: int, user_id: int) -> Session | None:
        def q(c):
            r = c.execute(
                f"SELECT {_COLUMNS} FROM roleplay_sessions WHERE guild_id = ? AND user_id = ? AND status = 'active'",
                (guild_id, user_id),
            ).fetchone()
            return _session(r) if r else None

        return await self.db.read(q)

    async def start(
        self,
        guild_id: int,
        user_id: int,
        scenario_id: str,
        pack_id: str,
        state: dict,
        now: datetime,
        challenge_id: int | None = None,
    ) -> Session:
        def w(c):
            try:
                cur = c.execute(
                    "INSERT INTO roleplay_sessions (guild_id, user_id, scenario_id, pack_id, challenge_id, state, "
                    "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (guild_id, user_id, scenario_id, pack_id, challenge_id, json.dumps(state), iso(now), iso(now)),
                )
                session_id = cur.fetchone()[0]
            except sqlite3.IntegrityError as exc:
                raise AlreadyActive(str(exc)) from None
            return _get(c, session_id)

        return await self.db.write(w)

    async def save_step(
        self,
        session_id: int,
        expected_steps: int,
        state: dict,
        now: datetime,
        finished: tuple[str, int, int] | None = None,
        award: Award | None = None,
    ) -> StepSaved:
        """Save the state after a step, with ``award`` if it is new, in one transaction;
        not saved if the session moved on meanwhile (a double click). ``finished``:
        (outcome, score, best score) when this step ended the role-play."""

        def w(c: sqlite3.Connection) -> StepSaved:
            status, outcome, score, best = ("finished", *finished) if finished else ("active", None, None, None)
            cur = c.execute(
                "UPDATE roleplay_sessions SET state = ?, steps = steps + 1, updated_at = ?, status = ?, "
                "outcome = ?, score = ?, best_score = ? WHERE id = ? AND steps = ? AND status = 'active'",
                (json.dumps(state), iso(now), status, outcome, score, best, session_id, expected_steps),
            )
            if cur.rowcount != 1:
                return StepSaved(False)
            return StepSaved(True, award is not None and add_points(c, award, now))

        return await self.db.write(w)

    async def quit(self, guild_id: int, user_id: int, now: datetime) -> bool:
        return await self.db.write(
            lambda c: (
                c.execute(
                    "UPDATE roleplay_sessions SET status = 'quit', updated_at = ? WHERE guild_id = ? AND user_id = ? "
                    "AND status = 'active' AND challenge_id IS NULL",
                    (iso(now), guild_id, user_id),
                ).rowcount
                == 1
            )
        )

    async def finished_scores(self, guild_id: int, user_id: int) -> dict[str, tuple[int, int]]:
        """The scenarios this learner has finished (free play or a challenge), each with
        their best score and the best path's score (the highest recorded, should the
        pack have changed between plays)."""
        return await self.db.read(
            lambda c: {
                r[0]: (r[1], r[2])
                for r in c.execute(
                    "SELECT scenario_id, MAX(score), MAX(best_score) FROM roleplay_sessions "
                    "WHERE guild_id = ? AND user_id = ? AND status = 'finished' GROUP BY scenario_id",
                    (guild_id, user_id),
                )
            }
        )

    async def completed(self, guild_id: int, user_id: int) -> int:
        """Distinct scenarios this learner has finished."""
        return await self.db.read(
            lambda c: c.execute(
                "SELECT COUNT(DISTINCT scenario_id) FROM roleplay_sessions WHERE guild_id = ? AND user_id = ? "
                "AND status = 'finished'",
                (guild_id, user_id),
            ).fetchone()[0]
        )


class ChallengeRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, post_id: int, points: int) -> None:
        await self.db.write(
            lambda c: c.execute("INSERT INTO challenges (post_id, points) VALUES (?, ?)", (post_id, points))
        )

    async def points(self, post_id: int) -> int | None:
        def q(c):
            row = c.execute("SELECT points FROM challenges WHERE post_id = ?", (post_id,)).fetchone()
            return row[0] if row else None

        return await self.db.read(q)

    async def attempt(self, post_id: int, user_id: int) -> Session | None:
        def q(c):
            r = c.execute(
                f"SELECT {_COLUMNS} FROM roleplay_sessions WHERE challenge_id = ? AND user_id = ?", (post_id, user_id)
            ).fetchone()
            return _session(r) if r else None

        return await self.db.read(q)

    async def attempts(self, post_id: int) -> list[Session]:
        return await self.db.read(
            lambda c: [
                _session(r)
                for r in c.execute(
                    f"SELECT {_COLUMNS} FROM roleplay_sessions WHERE challenge_id = ? ORDER BY id", (post_id,)
                )
            ]
        )

    async def reflect(
        self, session_id: int, guild_id: int, user_id: int, star: tuple[str, str, str, str], now: datetime
    ) -> bool:
        """Keep the learner's STAR reflection; False if they already sent one."""
        return await self.db.write(
            lambda c: (
                c.execute(
                    "INSERT OR IGNORE INTO reflections (session_id, guild_id, user_id, situation, task, action, "
                    "result, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (session_id, guild_id, user_id, *star, iso(now)),
                ).rowcount
                == 1
            )
        )

    async def reflections(self, post_id: int) -> dict[int, Reflection]:
        """Reflections on a challenge's attempts, by session id."""
        return await self.db.read(
            lambda c: {
                r[0]: Reflection(*r)
                for r in c.execute(
                    "SELECT r.session_id, r.user_id, r.situation, r.task, r.action, r.result, r.status, r.feedback, "
                    "r.bonus "
                    "FROM reflections r JOIN roleplay_sessions s ON s.id = r.session_id WHERE s.challenge_id = ?",
                    (post_id,),
                )
            }
        )

    async def mark(
        self, session_id: int, status: str, feedback: str, bonus: int, tutor_id: int, now: datetime, award: Award | None
    ) -> bool:
        def w(c):
            changed = (
                c.execute(
                    "UPDATE reflections SET status = ?, feedback = ?, bonus = ?, marked_by = ?, marked_at = ? "
                    "WHERE session_id = ? AND status != 'accepted'",
                    (status, feedback, bonus, tutor_id, iso(now), session_id),
                ).rowcount
                == 1
            )
            if changed and award is not None:
                add_points(c, award, now)
            return changed

        return await self.db.write(w)
