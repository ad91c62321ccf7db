"""Build the bot: settings and dependencies in, a ready ``RevisionBot`` out."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.domain.errors import StorageUnavailable
from bot.domain.shards import Shards
from bot.packs.library import ContentLibrary
from bot.services.answering import AnswerService
from bot.services.challenges import ChallengeService
from bot.services.changes import ChangeService
from bot.services.content import ContentService
from bot.services.daily import DailyService
from bot.services.delivery import DeliveryService
from bot.services.flashcards import FlashcardService
from bot.services.health import HealthService
from bot.services.myths import MythService
from bot.services.posting import PostingService
from bot.services.progress import ProgressService
from bot.services.roleplay import RoleplayService
from bot.services.settings import SettingsService
from bot.settings import Settings
from bot.store.answers import AnswerRepo
from bot.store.changes import ChangesRepo
from bot.store.content import ContentRepo
from bot.store.database import Database
from bot.store.flashcards import FlashcardRepo
from bot.store.guilds import GuildRepo, MetaRepo
from bot.store.interactions import HandledCommandsRepo
from bot.store.myths import MythRepo
from bot.store.posts import PostRepo
from bot.store.processes import ProcessRepo
from bot.store.progress import ProgressRepo
from bot.store.roleplay import ChallengeRepo, RoleplayRepo
from bot.store.schedules import ScheduleRepo
from bot.ui.errors import report_app_command_error

log = logging.getLogger(__name__)
C = TypeVar("C", bound=commands.Cog)

COGS = (  # the scheduler first: the feature cogs register their post kinds with it
    "bot.cogs.scheduler",
    "bot.cogs.help",
    "bot.cogs.settings",
    "bot.cogs.content",
    "bot.cogs.questions",
    "bot.cogs.flashcards",
    "bot.cogs.daily",
    "bot.cogs.myths",
    "bot.cogs.roleplay",
    "bot.cogs.challenges",
    "bot.cogs.progress",
    "bot.cogs.stale_buttons",
    "bot.cogs.process",
)


@dataclass
class Store:
    """The database and the repositories several services share (each service builds any
    other it alone uses): handed to the services, never to a cog."""

    db: Database
    guilds: GuildRepo
    posts: PostRepo
    answers: AnswerRepo
    schedules: ScheduleRepo
    shards: Shards  # the servers this process serves

    @classmethod
    def on(cls, db: Database, shards: Shards | None = None) -> Store:
        """The store as one process sees it: its scheduling reads (schedules due, posts to
        send and close) and the uploads it loads are only of the servers on its ``shards``."""
        shards = shards or Shards()
        return cls(db, GuildRepo(db), PostRepo(db, shards), AnswerRepo(db), ScheduleRepo(db, shards), shards)


@dataclass
class Services:
    """The use cases the cogs call, built once in ``setup_hook``. Services only: the
    repositories they use are private to them (tests/test_architecture.py checks)."""

    content: ContentService
    changes: ChangeService
    settings: SettingsService
    posting: PostingService
    answering: AnswerService
    daily: DailyService
    myths: MythService
    roleplay: RoleplayService
    challenges: ChallengeService
    progress: ProgressService
    flashcards: FlashcardService
    health: HealthService
    delivery: DeliveryService

    @classmethod
    async def build(cls, store: Store, library: ContentLibrary) -> Services:
        db, guilds, posts, answers, schedules = store.db, store.guilds, store.posts, store.answers, store.schedules
        content = ContentService(library, ContentRepo(db, store.shards))
        changes = ChangeService(ChangesRepo(db), content)
        await changes.start()
        challenge_repo, roleplay_repo = ChallengeRepo(db), RoleplayRepo(db)
        roleplay = RoleplayService(library, roleplay_repo, challenge_repo, guilds)
        myths = MythService(library, MythRepo(db), posts, guilds, schedules)
        return cls(
            content=content,
            changes=changes,
            settings=SettingsService(guilds, MetaRepo(db)),
            posting=PostingService(posts),
            answering=AnswerService(library, answers, posts),
            daily=DailyService(library, schedules, posts, answers, guilds),
            myths=myths,
            roleplay=roleplay,
            challenges=ChallengeService(roleplay, challenge_repo, posts, library, guilds),
            progress=ProgressService(
                library, ProgressRepo(db), answers, posts, guilds, schedules, myths, roleplay_repo
            ),
            flashcards=FlashcardService(library, FlashcardRepo(db)),
            health=HealthService(ProcessRepo(db)),
            delivery=DeliveryService(HandledCommandsRepo(db)),
        )


class RevisionTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Run a slash command once, though Discord sends it to every process holding its
        shard (``DeliveryService``). Autocomplete is left alone: it reads no database."""
        bot = self.client
        if interaction.type is not discord.InteractionType.application_command or not isinstance(bot, RevisionBot):
            return True
        try:
            first = await bot.svc.delivery.first(interaction.id)
        except StorageUnavailable:
            return True  # the database cannot be written: the command runs, and says what was not saved
        if not first:
            log.info("command %s (interaction %d) was taken by another process", interaction.command, interaction.id)
        return first


class RevisionBot(commands.AutoShardedBot):
    """The bot: discord.py runs its shards (SHARD_COUNT and SHARD_IDS, or Discord's
    recommended number), and the services do the rest."""

    def __init__(self, settings: Settings, *, library: ContentLibrary | None = None) -> None:
        intents = discord.Intents.default()  # no privileged intents
        self.serving = settings.shards
        shards: dict = {"shard_count": self.serving.count}  # None: Discord's recommended number
        if self.serving.ids is not None:
            shards["shard_ids"] = list(self.serving.ids)
        super().__init__(
            **shards,
            owner_ids=settings.owners,  # empty: discord.py asks Discord who owns the application
            tree_cls=RevisionTree,
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.settings = settings
        self._library = library
        self.services: Services | None = None
        self._store: Store | None = None  # the services' store; tests reach it through tests/inside.py
        self.tree.error(report_app_command_error)  # every slash command's errors reach the user privately
        self._item_classes: list[type[discord.ui.DynamicItem]] = []

    def add_dynamic_items(self, *items: type[discord.ui.DynamicItem]) -> None:
        super().add_dynamic_items(*items)
        self._item_classes.extend(items)

    def recognises(self, custom_id: str) -> bool:
        """Whether one of the registered persistent items answers to this custom_id."""
        return any(item.__discord_ui_compiled_template__.fullmatch(custom_id) for item in self._item_classes)

    def cog(self, kind: type[C]) -> C:
        """The loaded cog of this class (cogs find each other by type, not by name)."""
        for cog in self.cogs.values():
            if isinstance(cog, kind):
                return cog
        raise LookupError(f"the {kind.__name__} cog is not loaded")

    @property
    def svc(self) -> Services:
        assert self.services is not None, "setup_hook has not run"
        return self.services

    async def open_store(self) -> None:
        """Open (and migrate) the database; the runner does it before logging in, so a
        database that cannot be reached is reported before anything else."""
        if self._store is None:
            self._store = Store.on(await Database.open(self.settings.database), self.serving)

    async def setup_hook(self) -> None:
        await self.open_store()
        assert self._store is not None
        self._library = self._library or ContentLibrary.from_folder(self.settings.content_dir)
        self.services = await Services.build(self._store, self._library)
        for name in COGS:
            await self.load_extension(name)
        await self.sync_commands()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._store is not None:
                await self._store.db.close()
            self._store = self.services = None

    async def sync_commands(self) -> bool:
        """Sync the command tree when it differs from the last one synced; True if synced."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = str(guild.id) if guild else "global"
        if await self.svc.settings.synced_tree(key) == digest:
            log.info("command tree unchanged; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.svc.settings.remember_synced_tree(key, digest)
        log.info("synced %d commands %s", len(synced), f"to server {guild.id}" if guild else "globally")
        return True


def create_bot(settings: Settings, *, library: ContentLibrary | None = None) -> RevisionBot:
    return RevisionBot(settings, library=library)
