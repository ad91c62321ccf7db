"""The container's entrypoint: start the bot (or any command given) as the user ``bot``.

The container starts as root for one reason: PaaS volumes (Railway, Fly.io) are mounted
owned by root, so an unprivileged process could not create the SQLite file on them. As
root, this gives the SQLite file's folder (and the file, with its -wal and -shm beside it)
to ``bot``, then drops to ``bot`` for good and runs the command. With DATABASE_URL set
there is no file to look after: it only drops. Started as another user (``--user``), it
runs the command as it is.
"""

from __future__ import annotations

import os
import pwd
import sys
from pathlib import Path

USER = "bot"
DEFAULT_DATABASE_PATH = "/data/revision-bot.sqlite3"  # the image's DATABASE_PATH


def give_database_folder(uid: int, gid: int) -> None:
    path = Path(os.environ.get("DATABASE_PATH", "").strip() or DEFAULT_DATABASE_PATH)
    folder = path.parent
    if folder == Path("/"):
        return  # never the root of the file system
    folder.mkdir(parents=True, exist_ok=True)
    for item in (folder, *folder.glob(path.name + "*")):  # the file, its -wal and -shm
        os.chown(item, uid, gid)


def main(argv: list[str]) -> None:
    command = argv or ["python", "-m", "bot"]
    if os.getuid() == 0:
        user = pwd.getpwnam(USER)
        if not os.environ.get("DATABASE_URL", "").strip():
            give_database_folder(user.pw_uid, user.pw_gid)
        os.initgroups(USER, user.pw_gid)
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
        os.environ["HOME"] = user.pw_dir
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
