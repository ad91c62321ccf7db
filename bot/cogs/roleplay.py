"""/roleplay: difficult-customer conversations, played privately and saved at every step."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import utcnow

from bot.app import RevisionBot
from bot.services.roleplay import Play, RoleplayService
from bot.ui import choices
from bot.ui import roleplay as ui
from bot.ui.challenges import ReflectButton
from bot.ui.errors import guild_id, reports_errors, send_ephemeral


class Roleplay(
    commands.GroupCog,
    group_name="roleplay",
    group_description="Practise difficult customers: the bot plays the customer.",
):
    def __init__(self, bot: RevisionBot) -> None:
        self.bot = bot

    @property
    def svc(self) -> RoleplayService:
        return self.bot.svc.roleplay

    @app_commands.command(name="list", description="The role-plays you can play: choose one to start it.")
    @app_commands.guild_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        gid = guild_id(interaction)
        rows = self.svc.scenarios(gid)
        if not rows:
            await send_ephemeral(interaction, "No role-plays are available in the enabled packs.")
            return
        standing = await self.svc.standing(gid, interaction.user.id)
        await interaction.response.send_message(
            embed=ui.list_embed(rows, standing), view=ui.list_view(rows, standing), ephemeral=True
        )

    @app_commands.command(name="start", description="Start a role-play (a random one if you leave the scenario out).")
    @app_commands.describe(scenario="The role-play: its title, or part of it (start typing to search).")
    @app_commands.guild_only()
    async def start(self, interaction: discord.Interaction, scenario: str | None = None) -> None:
        play = await self.svc.start(guild_id(interaction), interaction.user.id, scenario, utcnow())
        await interaction.response.send_message(embed=ui.step_embed(play), view=ui.step_view(play), ephemeral=True)

    @start.autocomplete("scenario")
    async def _scenario(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return choices.scenarios(self.svc, interaction.guild_id, current)

    @app_commands.command(name="resume", description="Carry on with your role-play where you left it.")
    @app_commands.guild_only()
    async def resume(self, interaction: discord.Interaction) -> None:
        play = await self.svc.resume(guild_id(interaction), interaction.user.id)
        await interaction.response.send_message(embed=ui.step_embed(play), view=ui.step_view(play), ephemeral=True)

    @app_commands.command(name="quit", description="Drop the role-play you have under way.")
    @app_commands.guild_only()
    async def quit(self, interaction: discord.Interaction) -> None:
        dropped = await self.svc.quit(guild_id(interaction), interaction.user.id, utcnow())
        await send_ephemeral(
            interaction,
            "Role-play dropped. Start another with `/roleplay start`."
            if dropped
            else "You have no free role-play under way.",
        )

    # -- buttons and menus ---------------------------------------------------------------
    @reports_errors
    async def start_chosen(self, interaction: discord.Interaction, scenario_id: str) -> None:
        """A role-play chosen in the list's menu: started, or carried on if it is under way."""
        play = await self.svc.start_or_resume(guild_id(interaction), interaction.user.id, scenario_id, utcnow())
        await interaction.response.send_message(embed=ui.step_embed(play), view=ui.step_view(play), ephemeral=True)

    @reports_errors
    async def choose(self, interaction: discord.Interaction, session_id: int, step: int, k: int) -> None:
        await interaction.response.defer()
        play = await self.svc.choose(session_id, interaction.user.id, step, k, utcnow())
        await self._show(interaction, play)

    @reports_errors
    async def open_reply(self, interaction: discord.Interaction, session_id: int, step: int) -> None:
        play = await self.svc.current(session_id, interaction.user.id)
        node = play.scenario.nodes.get(play.state.node)
        if play.session.steps != step or node is None or node.reply is None:
            await self._show_fresh(interaction, play)
            return

        @reports_errors
        async def submitted(modal_interaction: discord.Interaction, text: str) -> None:
            await modal_interaction.response.defer()
            after = await self.svc.reply(session_id, modal_interaction.user.id, step, text, utcnow())
            await self._show(modal_interaction, after)

        await interaction.response.send_modal(ui.ReplyModal(node.reply.prompt, node.reply.max_length, submitted))

    async def _show(self, interaction: discord.Interaction, play: Play) -> None:
        if play.state.finished:
            view = None
            if play.session.challenge_id is not None:
                view = discord.ui.View(timeout=None)
                view.add_item(ReflectButton(play.session.id))
            await interaction.edit_original_response(embed=ui.report_embed(play), view=view)
        else:
            await interaction.edit_original_response(embed=ui.step_embed(play), view=ui.step_view(play))

    async def _show_fresh(self, interaction: discord.Interaction, play: Play) -> None:
        if play.session.status == "active":
            await interaction.response.send_message(embed=ui.step_embed(play), view=ui.step_view(play), ephemeral=True)
        else:
            await send_ephemeral(interaction, "This role-play has ended.")


async def setup(bot: RevisionBot) -> None:
    bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)
    await bot.add_cog(Roleplay(bot))
