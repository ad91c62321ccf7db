"""The list of tables holding a learner's data stays complete."""

from bot.store.database import Database
from bot.store.progress import USER_DATA


def user_columns(c) -> set[tuple[str, str]]:
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {(t, col[1]) for t in tables for col in c.execute(f"PRAGMA table_info({t})") if col[1] == "user_id"}


async def test_every_table_with_a_user_id_column_is_in_user_data(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    found = await db.read(user_columns)
    await db.close()
    missing = found - set(USER_DATA)
    assert not missing, f"add these to USER_DATA in bot/store/progress.py (export and delete use it): {missing}"
    assert set(USER_DATA) <= found, "USER_DATA names a table or column the schema does not have"


async def test_a_referencing_table_is_deleted_before_the_table_it_references(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    order = [t for t, _ in USER_DATA]
    refs = await db.read(lambda c: [(t, r[2]) for t in order for r in c.execute(f"PRAGMA foreign_key_list({t})")])
    await db.close()
    for table, parent in refs:
        if parent in order:
            assert order.index(table) < order.index(parent), f"{table} references {parent}: delete it first"
