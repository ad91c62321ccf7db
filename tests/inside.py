"""What a test looks at behind the services: the bot's store and its content library.

The cogs never see these (tests/test_architecture.py); tests read the database and the
packs directly to check what the bot kept, as an examiner would open the records.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import RevisionBot, Services, Store
from bot.packs.library import ContentLibrary
from bot.store.content import ContentRepo
from bot.store.roleplay import RoleplayRepo


@dataclass
class Inside:
    store: Store
    library: ContentLibrary

    @property
    def db(self):
        return self.store.db

    @property
    def posts(self):
        return self.store.posts

    @property
    def guilds(self):
        return self.store.guilds

    @property
    def answers(self):
        return self.store.answers

    @property
    def content_repo(self) -> ContentRepo:
        return ContentRepo(self.store.db)

    @property
    def roleplay_repo(self) -> RoleplayRepo:
        return RoleplayRepo(self.store.db)


def inside(bot: RevisionBot) -> Inside:
    assert bot._store is not None and bot._library is not None, "setup_hook has not run"
    return Inside(bot._store, bot._library)


async def open_services(db, library: ContentLibrary) -> tuple[Services, Inside]:
    """The services on ``db`` without a bot, and what is behind them."""
    store = Store.on(db)
    return await Services.build(store, library), Inside(store, library)
