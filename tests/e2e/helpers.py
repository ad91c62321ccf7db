"""Small helpers for reading what a simulated user sees."""

from __future__ import annotations


def reply(result):
    """The message the user was shown for an interaction: the last follow-up, or the response."""
    if result.followups:
        return result.followups[-1]
    return result.response


def embed_text(message) -> str:
    """Everything written in a message's embeds, for `in` checks."""
    parts = [message.content or ""]
    for e in message.embeds:
        parts += [e.title or "", e.description or "", e.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in e.fields]
    return "\n".join(parts)


def _msg(message):
    """A discord.Message, from a SimCord ResponseMessage or a message."""
    return getattr(message, "message", message)


def button_labels(message) -> list[str]:
    message = _msg(message)
    labels = []
    for row in message.components:
        for child in getattr(row, "children", []):
            if getattr(child, "label", None):
                labels.append(child.label)
    return labels


def custom_ids(message) -> list[str]:
    message = _msg(message)
    return [
        c.custom_id for row in message.components for c in getattr(row, "children", []) if getattr(c, "custom_id", None)
    ]


def post_id_of(message) -> int:
    """The cohort-post id a question message's buttons carry (rb:...:p<id>...)."""
    for cid in custom_ids(message):
        for part in cid.split(":"):
            if part.startswith("p") and part[1:].isdigit():
                return int(part[1:])
    raise AssertionError(f"no post id in {custom_ids(message)}")


def _button_with_index(message, kind: str, part: int, index: int) -> str:
    """The custom_id ``rb:<kind>:...`` whose ``part``-th field is the pack's ``index``
    (buttons are shown shuffled, so their letters say nothing about the index)."""
    for cid in custom_ids(message):
        parts = cid.split(":")
        if parts[:2] == ["rb", kind] and parts[part : part + 1] == [str(index)]:
            return cid
    raise AssertionError(f"no {kind} button for index {index} in {custom_ids(message)}")


def option_button(message, index: int) -> str:
    """The answer button for the pack's option ``index`` (rb:ans:<target>:<index>[:<seed>])."""
    return _button_with_index(message, "ans", 3, index)


def choice_button(message, index: int) -> str:
    """The role-play button for the pack's choice ``index`` (rb:rp:<session>:<step>:<index>)."""
    return _button_with_index(message, "rp", 4, index)


def shown_letter(message, index: int) -> str:
    """The letter the pack's option ``index`` is shown under on ``message``."""
    message = _msg(message)
    for row in message.components:
        for child in getattr(row, "children", []):
            if getattr(child, "custom_id", "").split(":")[3:4] == [str(index)]:
                return child.label
            for option in getattr(child, "options", None) or []:
                if option.value == str(index):
                    return option.label.split(".")[0]
    raise AssertionError(f"option {index} is not on the message")


async def question_of(cohort, message):
    post = await cohort.inside.posts.get(post_id_of(message))
    return cohort.inside.library.question(cohort.guild.id, post.item_id)[0]


def wrong_option(q) -> int:
    return next(k for k in range(len(q.options)) if k != q.answer)


def wrong_choice(q):
    """The wrong answer ``answer(..., right=False)`` gives, as the choice ``grade`` takes."""
    if q.kind == "single":
        return wrong_option(q)
    if q.kind == "true_false":
        return not q.answer
    if q.kind == "multiple":
        return tuple([k for k in range(len(q.options)) if k not in q.answer][:1])
    if q.kind == "short_answer":
        return "Not the answer"
    return tuple(range(len(q.steps)))[::-1]


async def answer(member, message, q, *, right: bool):
    """Answer a question message the way a learner would; returns the last interaction result."""
    from bot.domain.questions import LETTERS, display_order

    if q.kind == "single":
        k = q.answer if right else wrong_option(q)
        return await member.click(message, custom_id=option_button(message, k))
    if q.kind == "true_false":
        return await member.click(message, label="True" if q.answer == right else "False")
    if q.kind == "multiple":
        values = q.answer if right else [k for k in range(len(q.options)) if k not in q.answer][:1]
        return await member.select(message, [str(v) for v in values])
    if q.kind == "short_answer":
        box = await member.click(message, label="Type your answer")
        return await member.submit_modal(box, {"answer": q.answers[0] if right else "Not the answer"})
    # order: open the private picker if on a channel post, then click the shown letters
    shown = display_order(q)
    steps = list(range(len(q.steps))) if right else list(range(len(q.steps)))[::-1]
    picker_result = None
    target_msg = message
    if "Put in order" in button_labels(message):
        picker_result = await member.click(message, label="Put in order")
        target_msg = reply(picker_result).message
    result = None
    for step in steps:
        result = await member.click(target_msg, label=LETTERS[shown.index(step)])
    return result
