"""The git command line, run through subprocess: the few commands the sync needs, typed.

Nothing here writes git's files by hand. Credentials for HTTPS remotes come
from the environment (or a file it names) at each call and are handed to git
by an inline credential helper reading them from its own environment: they
are never written to the repository's configuration or to disk.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import TranslateAppError

#: Seconds any one git command may take (a network command may hang on a dead remote).
GIT_TIMEOUT = 120.0
_CREDENTIAL_HELPER = (
    '!f() { test "$1" = get || exit 0; '
    'echo "username=${TRANSLATE_APP_GIT_HELPER_USER:-git}"; '
    'echo "password=$TRANSLATE_APP_GIT_HELPER_SECRET"; }; f'
)


class GitError(TranslateAppError):
    """A git command failed; the message is git's own last line."""

    def __init__(self, message: str, *, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class NotAGitCloneError(GitError):
    """The project folder is not a git working copy, or its branch has no upstream."""


@dataclass(frozen=True)
class Identity:
    """Who commits: the service, never a volunteer's address."""

    name: str
    email: str


@dataclass(frozen=True)
class Credentials:
    """A user name and secret for HTTPS remotes, read from the environment at each call."""

    username: str | None = None
    secret: str | None = None


class Repo:
    """A git working copy, driven through the git command line."""

    def __init__(self, root: Path | str, *, identity: Identity, credentials: Credentials | None = None) -> None:
        self.root = Path(root)
        self.identity = identity
        self.credentials = credentials or Credentials()

    # -- running ----------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "GIT_AUTHOR_NAME": self.identity.name,
                "GIT_AUTHOR_EMAIL": self.identity.email,
                "GIT_COMMITTER_NAME": self.identity.name,
                "GIT_COMMITTER_EMAIL": self.identity.email,
                "GIT_TERMINAL_PROMPT": "0",
                "LC_ALL": "C",
            }
        )
        env.pop("TRANSLATE_APP_GIT_HELPER_SECRET", None)
        if self.credentials.secret:
            env["TRANSLATE_APP_GIT_HELPER_SECRET"] = self.credentials.secret
            env["TRANSLATE_APP_GIT_HELPER_USER"] = self.credentials.username or "git"
        return env

    def run(self, *args: str, input: bytes | None = None, check: bool = True, network: bool = False) -> bytes:
        """Run one git command in the working copy and return its standard output."""
        prefix = ["git", "-c", "core.quotepath=off"]
        if network and self.credentials.secret:
            prefix += ["-c", "credential.helper=", "-c", f"credential.helper={_CREDENTIAL_HELPER}"]
        try:
            proc = subprocess.run(
                prefix + list(args),
                cwd=self.root,
                input=input,
                capture_output=True,
                env=self._env(),
                timeout=GIT_TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            raise GitError(f"git {args[0]}: no answer within {GIT_TIMEOUT:.0f} s") from exc
        except FileNotFoundError as exc:
            raise GitError("git is not installed") from exc
        if check and proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git {args[0]}: {reason(err, proc.returncode)}", stderr=err)
        return proc.stdout

    def text(self, *args: str, **kwargs) -> str:
        """Run a git command and return its output as stripped text."""
        return self.run(*args, **kwargs).decode("utf-8", "replace").strip()

    # -- questions ----------------------------------------------------------------
    def is_clone(self) -> bool:
        """Say whether the root is the top of a git working copy."""
        try:
            top = self.text("rev-parse", "--show-toplevel")
        except GitError:
            return False
        return Path(top).resolve() == self.root.resolve()

    def branch(self) -> str:
        """Return the current branch."""
        name = self.text("symbolic-ref", "--short", "-q", "HEAD", check=False)
        if not name:
            raise NotAGitCloneError(f"{self.root}: not on a branch (detached HEAD)")
        return name

    def upstream(self, remote: str | None = None, branch: str | None = None) -> tuple[str, str]:
        """Return the remote and branch to sync with: given ones, else the current branch's upstream."""
        if not self.is_clone():
            raise NotAGitCloneError(f"{self.root} is not a git clone (no .git at its top)")
        current = self.branch()
        if remote is None:
            remote = self.text("config", "--get", f"branch.{current}.remote", check=False) or None
        if branch is None:
            merge = self.text("config", "--get", f"branch.{current}.merge", check=False)
            branch = merge.removeprefix("refs/heads/") if merge else None
        if not remote:
            remotes = self.text("remote").split()
            if len(remotes) != 1:
                raise NotAGitCloneError(f"branch {current} has no upstream; set TRANSLATE_APP_GIT_REMOTE")
            remote = remotes[0]
        return remote, branch or current

    def rev(self, name: str) -> str | None:
        """Return the commit a name points at, or None."""
        out = self.text("rev-parse", "-q", "--verify", f"{name}^{{commit}}", check=False)
        return out or None

    def head(self) -> str:
        """Return the commit HEAD points at; GitError while the branch has none."""
        commit = self.rev("HEAD")
        if commit is None:
            raise GitError("the current branch has no commit yet")
        return commit

    def merge_base(self, a: str, b: str) -> str | None:
        """Return the best common ancestor of two commits, or None (unrelated histories)."""
        return self.text("merge-base", a, b, check=False) or None

    def is_ancestor(self, a: str, b: str) -> bool:
        """Say whether commit a is an ancestor of (or equal to) commit b."""
        proc = subprocess.run(
            ["git", "merge-base", "--is-ancestor", a, b],
            cwd=self.root,
            capture_output=True,
            env=self._env(),
            timeout=GIT_TIMEOUT,
        )
        return proc.returncode == 0

    def show(self, rev: str | None, path: str) -> bytes | None:
        """Return a file's content at a commit, or None when it is not there."""
        if rev is None:
            return None
        proc = subprocess.run(
            ["git", "cat-file", "blob", f"{rev}:{path}"],
            cwd=self.root,
            capture_output=True,
            env=self._env(),
            timeout=GIT_TIMEOUT,
        )
        return proc.stdout if proc.returncode == 0 else None

    def changed_paths(self, a: str | None, b: str, *pathspecs: str) -> list[str]:
        """Return the files that differ between two commits (every file of b when a is None)."""
        if a is None:
            out = self.run("ls-tree", "-r", "-z", "--name-only", b, "--", *pathspecs)
        else:
            out = self.run("diff", "--no-renames", "-z", "--name-only", a, b, "--", *pathspecs)
        return [p for p in out.decode("utf-8").split("\0") if p]

    def dirty_paths(self, *pathspecs: str) -> list[str]:
        """Return the files whose working copy differs from the index, and untracked ones."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *pathspecs)
        paths = []
        items = out.decode("utf-8").split("\0")
        i = 0
        while i < len(items):
            item = items[i]
            if len(item) > 3:
                paths.append(item[3:])
                if item[0] in "RC":
                    i += 1  # the rename's source follows
            i += 1
        return paths

    # -- changing -----------------------------------------------------------------
    def stage(self, path: str, content: bytes | None) -> None:
        """Put exactly these bytes into the index for a path (None: remove it), whatever the working file holds."""
        if content is None:
            self.run("update-index", "--force-remove", "--", path)
            return
        blob = self.text("hash-object", "-w", "--stdin", input=content)
        self.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")

    def reset_index(self) -> None:
        """Make the index match HEAD again (the working files are not touched)."""
        self.run("read-tree", "HEAD")

    def show_many(self, rev: str | None, paths: list[str]) -> dict[str, bytes | None]:
        """Return several files' content at a commit with one `git cat-file --batch` (None: not there)."""
        if rev is None or not paths:
            return {path: None for path in paths}
        out = self.run("cat-file", "--batch", input="".join(f"{rev}:{p}\n" for p in paths).encode("utf-8"))
        result: dict[str, bytes | None] = {}
        pos = 0
        for path in paths:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            result[path] = None  # "missing", or not a file
            if len(header) == 3:
                size = int(header[2])
                if header[1] == b"blob":
                    result[path] = out[pos : pos + size]
                pos += size + 1
        return result

    def commit_files(self, parent: str | None, commits: list[tuple[str, dict[str, bytes | None]]]) -> str:
        """Make a chain of commits on `parent` with `git fast-import`, each setting some files; return the last.

        One process for any number of commits; the index, the working files
        and the branch are not touched (see move_head).
        """
        ref = "refs/translate-app/commit"
        self.run("update-ref", "-d", ref, check=False)
        when = f"{int(time.time())} +0000"
        who = f"{self.identity.name} <{self.identity.email}>"
        stream = bytearray()
        for i, (message, files) in enumerate(commits):
            data = message.encode("utf-8")
            stream += f"commit {ref}\nauthor {who} {when}\ncommitter {who} {when}\ndata {len(data)}\n".encode()
            stream += data + b"\n"
            if i == 0 and parent:
                stream += f"from {parent}\n".encode()
            for path, content in files.items():
                if any(c in path for c in '"\n\\') or path.startswith(" "):
                    raise GitError(f"{path!r}: a file name fast-import cannot take as it is")
                if content is None:
                    stream += f"D {path}\n".encode()
                else:
                    stream += f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n"
            stream += b"\n"
        stream += b"done\n"
        self.run("fast-import", "--quiet", "--done", input=bytes(stream))
        tip = self.rev(ref)
        self.run("update-ref", "-d", ref)
        if tip is None:
            raise GitError("fast-import made no commit")
        return tip

    def move_head(self, commit: str, expected: str | None, why: str) -> None:
        """Move the current branch to a commit, if it is still at `expected`."""
        self.run("update-ref", "-m", f"translate-app sync: {why}", "HEAD", commit, *([expected] if expected else []))

    def commit_merge(self, message: str, other: str) -> str:
        """Commit the index as a merge of HEAD and another commit, moving the current branch to it."""
        tree = self.text("write-tree")
        head = self.head()
        commit = self.text("commit-tree", tree, "-p", head, "-p", other, "-F", "-", input=message.encode("utf-8"))
        self.run("update-ref", "-m", "translate-app sync: merge", "HEAD", commit, head)
        return commit

    def fast_forward(self, other: str) -> None:
        """Move the current branch to a descendant commit whose tree the index already holds."""
        head = self.head()
        self.run("update-ref", "-m", "translate-app sync: fast-forward", "HEAD", other, head)

    def fetch(self, remote: str, branch: str, *, missing_ok: bool = False) -> str | None:
        """Fetch a branch of a remote into its remote-tracking ref and return its commit (None: no such branch)."""
        tracking = f"refs/remotes/{remote}/{branch}"
        if missing_ok:
            listed = self.text("ls-remote", "--heads", remote, f"refs/heads/{branch}", network=True)
            if not listed:
                self.run("update-ref", "-d", tracking, check=False)
                return None
        self.run("fetch", "-q", "--no-tags", remote, f"+refs/heads/{branch}:{tracking}", network=True)
        return self.rev(tracking)

    def push(self, remote: str, branch: str, *, lease: str | None = None, source: str = "HEAD") -> tuple[bool, str]:
        """Push HEAD (or `source`) to a remote branch; return (pushed, git's message); a rejection raises.

        With `lease` (the commit the remote branch is expected at, "" for none),
        the branch is replaced even if HEAD does not descend from it, unless
        someone moved it meanwhile (a rejection then).
        """
        helper = (
            ["-c", "credential.helper=", "-c", f"credential.helper={_CREDENTIAL_HELPER}"]
            if self.credentials.secret
            else []
        )
        force = [f"--force-with-lease=refs/heads/{branch}:{lease}"] if lease is not None else []
        proc = subprocess.run(
            ["git", *helper, "push", "--porcelain", *force, remote, f"{source}:refs/heads/{branch}"],
            cwd=self.root,
            capture_output=True,
            env=self._env(),
            timeout=GIT_TIMEOUT,
        )
        out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        if proc.returncode == 0:
            return True, ""
        if "[rejected]" in out or "non-fast-forward" in out or "fetch first" in out or "stale info" in out:
            raise PushRejectedError("the remote branch moved on; pull first")
        return False, reason(out, proc.returncode)


_USERINFO = re.compile(r"(://)[^/@\s]+@")


def reason(output: str, code: int) -> str:
    """Return the line of git's output that says why it failed, without credentials in URLs."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    line = fatal[0].split(":", 1)[1].strip() if fatal else (lines[-1] if lines else f"exit code {code}")
    return _USERINFO.sub(r"\1***@", line)


class PushRejectedError(GitError):
    """The remote branch has commits this clone lacks: pull, merge, and push again."""
