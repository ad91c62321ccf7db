"""PostingService: what is due to send or close, and the retry rule after a failed send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.schedule import MAX_SEND_ATTEMPTS, RETRY_FIRST, RETRY_MAX
from bot.store.posts import SEND_LEASE

G, CH = 11, 12
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


async def test_a_failed_send_is_retried_later_each_time_and_then_given_up(built):
    services, inside = built
    posting = services.posting
    post = await inside.posts.claim(G, "daily", "2026-03-02", "any-question", CH, T0)
    assert post.attempts == 1  # the claim is the first attempt, the claimer's
    assert await posting.to_send(T0) == []  # held for the claimer: nobody else sends it meanwhile

    now, waits = T0, []
    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        if attempt > 1:
            assert await posting.start_attempt(post, now) == attempt
        retry_at = await posting.failed(post, attempt, now)
        if retry_at is None:
            break
        waits.append(retry_at - now)
        assert await posting.to_send(now) == []  # not before its retry
        assert await posting.next_event() == retry_at
        now = retry_at
        assert [p.id for p in await posting.to_send(now)] == [post.id]
    assert retry_at is None and attempt == MAX_SEND_ATTEMPTS
    assert waits[0] == RETRY_FIRST and waits[1] == 2 * RETRY_FIRST and max(waits) == RETRY_MAX
    assert await posting.to_send(now + timedelta(days=1)) == []  # given up: never sent
    assert (await inside.posts.get(post.id)).status == "failed"


async def test_a_sent_post_closes_once_when_its_time_is_over(built):
    services, inside = built
    posting = services.posting
    closes = T0 + timedelta(hours=2)
    post = await inside.posts.claim(G, "daily", "2026-03-02", "any-question", CH, T0, closes)
    assert await posting.sent(post, 999, T0, attempt=1)
    assert await posting.to_send(T0) == []
    assert await posting.to_close(closes - timedelta(seconds=1)) == []
    assert await posting.next_event() == closes
    due = await posting.to_close(closes)
    assert [p.id for p in due] == [post.id] and due[0].message_id == 999
    assert await posting.close(due[0], closes) is True
    assert await posting.close(due[0], closes) is False  # a second close (another tick) does nothing
    assert await posting.to_close(closes + timedelta(hours=1)) == []


async def test_a_post_whose_content_is_gone_is_given_up_at_once(built):
    services, inside = built
    post = await inside.posts.claim(G, "myth", "2026-03-02", "removed-myth", CH, T0)
    await services.posting.give_up(post, attempt=post.attempts)
    assert await services.posting.to_send(T0 + timedelta(days=1)) == []


async def test_a_post_is_sent_by_the_process_that_claimed_it_and_taken_over_only_if_that_one_dies(built):
    services, inside = built
    posting = services.posting
    post = await inside.posts.claim(G, "daily", "2026-03-02", "any-question", CH, T0)
    # a second process holding the same shard loses the claim, and cannot take the send either
    assert await inside.posts.claim(G, "daily", "2026-03-02", "another-question", CH, T0) is None
    assert await posting.start_attempt(post, T0) is None
    assert await posting.to_send(T0 + SEND_LEASE - timedelta(seconds=1)) == []
    # the first died before recording the send: after the lease another process takes it
    # (its attempt number says the message may be in the channel already)
    later = T0 + SEND_LEASE
    assert [p.id for p in await posting.to_send(later)] == [post.id]
    assert await posting.start_attempt(post, later) == 2
    # the first process was only slow: it can neither renew its hold nor record its send
    # or its failure over the second's (its attempt is no longer the post's)
    assert await posting.hold(post, 1, later) is False
    assert await posting.sent(post, 111, later, attempt=1) is False
    assert await posting.failed(post, 1, later) is not None and (await inside.posts.get(post.id)).attempts == 2
    assert await posting.sent(post, 999, later, attempt=2)
    assert await posting.start_attempt(post, later + SEND_LEASE) is None  # sent: nobody sends it again
    await posting.give_up(post, attempt=2)  # a late give-up from the second does not undo the send
    done = await inside.posts.get(post.id)
    assert (done.status, done.message_id) == ("open", 999)
