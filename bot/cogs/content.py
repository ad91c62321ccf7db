"""/content: list the packs, upload a pack of your own or import a question bank, export a pack
for Moodle, enable or disable packs."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.access import tutor_only
from bot.app import RevisionBot
from bot.packs import MAX_PACK_BYTES
from bot.packs.formats.convert import MAX_IMPORT_BYTES
from bot.services.content import ContentService
from bot.ui import choices
from bot.ui.content import export_text, import_text, pack_list_embed, upload_errors_text, upload_ok_text
from bot.ui.errors import UserError, guild_id

IMPORT_FORMATS = {
    "gift": "GIFT",
    "aiken": "Aiken",
    "moodle-xml": "Moodle XML",
    "delimited": "Term list (Anki, Quizlet)",
}


class Content(commands.GroupCog, group_name="content", group_description="The content packs questions come from."):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    @property
    def content(self) -> ContentService:
        return self.bot.svc.content

    @app_commands.command(name="list", description="The content packs in this server, with their counts.")
    async def list_(self, interaction: discord.Interaction) -> None:
        gid = interaction.guild_id
        packs = self.content.pack_states(gid)
        await interaction.response.send_message(embed=pack_list_embed(packs), ephemeral=True)

    @app_commands.command(name="upload", description="Add or update a content pack of your own (YAML, up to 256 KB).")
    @app_commands.describe(file="A .yaml content pack; see the README for the format.")
    @app_commands.guild_only()
    @tutor_only()
    async def upload(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        if file.size > MAX_PACK_BYTES:
            raise UserError(f"`{file.filename}` is {file.size // 1024} KB; a pack may be at most 256 KB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await _download(file)
        outcome = await self.bot.svc.content.upload(
            guild_id(interaction), interaction.user.id, file.filename, data, utcnow()
        )
        if outcome.pack is None:
            await interaction.followup.send(upload_errors_text(file.filename, outcome.errors), ephemeral=True)
        else:
            await interaction.followup.send(upload_ok_text(outcome.pack, outcome.warnings), ephemeral=True)

    @app_commands.command(
        name="import", description="Make a pack from a Moodle question bank (GIFT, Aiken, XML) or an Anki/Quizlet list."
    )
    @app_commands.describe(
        file="A GIFT, Aiken or Moodle XML export, or a term list exported from Anki or Quizlet (up to 1 MB).",
        pack_id="The new pack's id (default: from the file name); an id already uploaded here gets a new version.",
        then="Send the pack's YAML for you to finish (the default), or install it for learners now.",
        format="The file's format, when the name and content do not say.",
    )
    @app_commands.choices(
        then=[
            app_commands.Choice(name="Send me the YAML to finish first", value="draft"),
            app_commands.Choice(name="Install it for learners now", value="install"),
        ],
        format=[app_commands.Choice(name=name, value=value) for value, name in IMPORT_FORMATS.items()],
    )
    @app_commands.guild_only()
    @tutor_only()
    async def import_(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        pack_id: app_commands.Range[str, 1, 40] | None = None,
        then: str = "draft",
        format: str | None = None,
    ) -> None:
        if file.size > MAX_IMPORT_BYTES:
            raise UserError(f"`{file.filename}` is {file.size // 1024} KB; an import may be at most 1 MB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await _download(file)
        outcome = await self.content.import_bank(
            guild_id(interaction),
            interaction.user.id,
            file.filename,
            data,
            utcnow(),
            fmt=format,
            pack_id=pack_id,
            install=then == "install",
        )
        files = [] if outcome.imported is None else [_attachment(outcome.yaml_name, outcome.imported.yaml_text)]
        await interaction.followup.send(import_text(file.filename, outcome), files=files, ephemeral=True)

    @app_commands.command(name="export", description="A pack's questions as a file for a Moodle quiz (GIFT or XML).")
    @app_commands.describe(
        pack="The pack id, as /content list shows it.",
        format="GIFT (a text file) or Moodle XML; both import into Moodle.",
    )
    @app_commands.choices(
        format=[
            app_commands.Choice(name="GIFT", value="gift"),
            app_commands.Choice(name="Moodle XML", value="moodle-xml"),
        ]
    )
    @app_commands.guild_only()
    @tutor_only()
    async def export(self, interaction: discord.Interaction, pack: str, format: str = "gift") -> None:
        exported = self.content.export(guild_id(interaction), pack, format)
        if exported is None:
            raise UserError(f"There is no pack `{pack}` here. `/content list` shows the pack ids.")
        await interaction.response.send_message(
            export_text(exported), file=_attachment(exported.filename, exported.text), ephemeral=True
        )

    @app_commands.command(name="disable", description="Stop serving a pack in this server.")
    @app_commands.describe(pack="The pack id, as /content list shows it.")
    @app_commands.guild_only()
    @tutor_only()
    async def disable(self, interaction: discord.Interaction, pack: str) -> None:
        await self._set(interaction, pack, False)

    @app_commands.command(name="enable", description="Serve a disabled pack again in this server.")
    @app_commands.describe(pack="The pack id, as /content list shows it.")
    @app_commands.guild_only()
    @tutor_only()
    async def enable(self, interaction: discord.Interaction, pack: str) -> None:
        await self._set(interaction, pack, True)

    @export.autocomplete("pack")
    @disable.autocomplete("pack")
    @enable.autocomplete("pack")
    async def _pack_autocomplete(self, interaction: discord.Interaction, current: str):
        return choices.packs(self.content, interaction.guild_id, current, enabled_only=False)

    async def _set(self, interaction: discord.Interaction, pack_id: str, enabled: bool) -> None:
        pack = await self.bot.svc.content.set_enabled(guild_id(interaction), pack_id, enabled)
        if pack is None:
            raise UserError(f"There is no pack `{pack_id}` here. `/content list` shows the pack ids.")
        state = "enabled" if enabled else "disabled"
        await interaction.response.send_message(
            f"**{pack.pack.title}** (pack `{pack.id}`) is now **{state}** in this server.", ephemeral=True
        )


async def _download(file: discord.Attachment) -> bytes:
    try:
        return await file.read()
    except discord.HTTPException:
        raise UserError("I could not download that attachment from Discord. Please try again.") from None


def _attachment(filename: str, text: str) -> discord.File:
    return discord.File(io.BytesIO(text.encode()), filename=filename)


async def setup(bot: RevisionBot) -> None:
    await bot.add_cog(Content(bot))
