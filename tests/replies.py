"""Written replies for tests: one that uses every rubric idea in plain sentences."""

from bot.domain.replies import score_reply
from bot.packs.schema import Reply

FILLER = "Thinking it through carefully, {phrase}, honestly and properly."


def full_reply(reply: Reply) -> str:
    """A reply that uses the first phrase of every rubric idea, each in a sentence of its
    own among ordinary words (so it is neither negated nor a list of key words), and
    that earns the whole rubric."""
    text = " ".join(FILLER.format(phrase=idea.phrases[0]) for idea in reply.rubric)
    score = score_reply(reply, text)
    assert score.missing == () and not score.avoided, (text, score)
    return text
