"""Sync the project folder with the organisation's git repository: commit, pull, merge, push.

A sync never locks anyone out. It takes no lock that saving takes, except each
catalog's own lock for the few milliseconds of reading or writing that one
file, as any save does. It runs in this order:

1. **commit**: each catalog changed in the service becomes one commit (one per
   release and language) naming the release, the language and the number of
   segments, with the volunteers who changed it as `Co-authored-by:` trailers
   under the name they chose and a no-reply address; the service commits.
   Which volunteers: the audit-log rows of that catalog since the last commit,
   read under the catalog's lock, so every change in the file is credited once.
2. **pull**: fetch the branch; every file the remote changed since the merge
   base (the last synchronised version) is merged: catalogs entry by entry
   (core/pomerge.py; when both sides changed an entry our text stays and
   theirs becomes an open Proposal, listed for coordinators), other files
   taken when only they changed them. The merge commit is built in the index
   from exactly the merged bytes, never from whatever a save wrote meanwhile.
3. **update**: a release whose source changed is re-extracted and merged into
   every language (msgmerge semantics, Project.update), and committed.
4. **push**: rejected because the branch moved on: pull and push again; any
   other failure is recorded with its reason and retried with backoff, and the
   commits wait in the clone: nothing is lost and saving goes on.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import polib
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from .. import storage
from ..config import Settings
from ..core import catalog as cat
from ..core import pomerge
from ..core.catalog import entry_id, entry_version
from ..core.errors import TranslateAppError
from ..core.languages import get_language
from ..core.states import now_iso
from ..models import AuditLog, Proposal, User
from ..project import Project
from ..storage import write_atomic
from .repo import Credentials, GitError, Identity, NotAGitCloneError, PushRejectedError, Repo
from .state import SyncState

log = logging.getLogger(__name__)

# Hidden files (locks, temporary files, working folders) are never anybody's content.
_CATALOG = re.compile(r"^locales/([^/.][^/]*)/LC_MESSAGES/([^/.][^/]*)\.po$")
_TEMPLATE = re.compile(r"^locales/templates/([^/.][^/]*)\.pot$")
_SOURCE = re.compile(r"^source/([^/.][^/]*?)(?:\.glossary)?\.(md|yml)$")
PATHSPECS = ("source", "locales")
#: Audit actions that do not change a catalog (so credit nobody in a commit).
_NOT_EDITS = ("propose", "reject proposal", "git conflict")
MERGE_REASON = "git merge"
#: Seconds before the first retry of a failed push or pull; doubled per failure, at most MAX_BACKOFF.
FIRST_BACKOFF = 30.0
MAX_BACKOFF = 1800.0
PUSH_ROUNDS = 3


@dataclass
class SyncReport:
    """What one sync did."""

    commits: list[str] = field(default_factory=list)  # subjects
    pulled: str | None = None  # the remote commit merged, if any
    merged_files: int = 0
    conflicts: int = 0
    updated_releases: list[str] = field(default_factory=list)
    pushed: bool = False
    rebuilt: bool = False  # the translation branch was squash-merged and rebuilt on the branch
    error: str | None = None
    busy: bool = False  # another sync of this instance was running
    held: list[str] = field(default_factory=list)  # releases under embargo whose files were left out

    def lines(self) -> list[str]:
        """Describe the sync in a few lines for people."""
        if self.busy:
            return ["another sync is running; nothing done"]
        out = [f"committed: {subject}" for subject in self.commits]
        out += [
            f"held back under embargo: {name} (not committed or pushed; goes in with the first sync after the embargo)"
            for name in self.held
        ]
        if self.pulled:
            out.append(
                f"pulled {self.pulled[:10]}: {self.merged_files} file(s) merged, "
                f"{self.conflicts} entr{'y' if self.conflicts == 1 else 'ies'} changed on both sides"
            )
        out += [f"updated from the changed source: {name}" for name in self.updated_releases]
        if self.rebuilt:
            out.append("the translation branch was merged: rebuilt on the current branch")
        if self.pushed:
            out.append("pushed")
        if self.error:
            out.append(f"error: {self.error}")
        return out or ["nothing to do"]


def noreply_address(user: User, domain: str) -> str:
    """Return the address that credits a volunteer without revealing their e-mail."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", user.name).strip("-.") or "volunteer"
    return f"{user.id}+{slug}@{domain}"


def trailer_name(name: str) -> str:
    """Return a name that fits in a trailer: one line, no angle brackets, no e-mail domain.

    Login names may be e-mail addresses: what follows an @ is dropped.
    """
    name = re.sub(r"<?([^\s<>@]*)@[^\s>]*>?", r"\1", name)
    return " ".join(re.sub(r"[<>\x00-\x1f\x7f]", " ", name).split()) or "volunteer"


class GitSync:
    """The sync of one instance's project folder with its git remote."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session] | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self.project: Project = settings.project()
        domain = settings.git_noreply_domain
        self.repo = Repo(
            self.project.root,
            identity=Identity(settings.git_committer_name, settings.git_committer_email or f"translate-app@{domain}"),
            credentials=Credentials(settings.git_username, settings.git_password),
        )
        self.state = SyncState(settings.instance_dir)
        self.held: set[str] = set()  # releases under embargo whose files a commit left out (this run)

    # -- the whole loop ----------------------------------------------------------
    def sync(self, *, pull: bool = True, push: bool | None = None) -> SyncReport:
        """Commit pending changes, pull and merge, update changed sources, push; record the outcome."""
        report = SyncReport()
        self.held = set()
        with self.state.exclusive() as mine:
            if not mine:
                report.busy = True
                return report
            try:
                self._sync(report, pull=pull, push=self.settings.git_push != "none" if push is None else push)
                self._register_releases()
            except TranslateAppError as exc:
                report.error = str(exc)
            except OSError as exc:
                report.error = f"{exc.strerror or exc}"
            except Exception as exc:  # noqa: BLE001 - recorded and retried with backoff like any failure
                log.exception("git sync failed")
                report.error = f"unexpected error: {type(exc).__name__}: {exc}"
            report.held = sorted(self.held)
            self._record(report)
        return report

    def _sync(self, report: SyncReport, *, pull: bool, push: bool) -> None:
        remote, branch = self.repo.upstream(self.settings.git_remote, self.settings.git_branch)
        report.commits += self.commit_pending()
        if not pull:
            return
        if self.settings.git_push == "pull-request":
            self._sync_translation_branch(report, remote, branch, push=push)
            return
        for _ in range(PUSH_ROUNDS):
            theirs = self.repo.fetch(remote, branch)
            if theirs is not None:
                self.merge_remote(theirs, report)
                report.commits += self.commit_pending(why=set(report.updated_releases))
            if not push:
                return
            head = self.repo.rev("HEAD")
            if theirs is not None and head == theirs:
                return  # nothing of ours to push
            try:
                pushed, message = self.repo.push(remote, branch)
            except PushRejectedError:
                continue  # someone pushed in between: pull again
            if not pushed:
                raise GitError(
                    f"push to {remote}/{branch} failed: {message}; the commits wait here and the push is retried"
                )
            report.pushed = True
            return
        raise GitError(
            f"push to {remote}/{branch} rejected {PUSH_ROUNDS} times (the branch keeps moving); retried later"
        )

    def _register_releases(self) -> None:
        """Make the database row of each release a pull brought (a release's row is never made by a GET)."""
        from .. import workflow

        session = self._session()
        if session is None:
            return
        with session:
            for name in workflow.registered_releases(self.project):
                workflow.register_release(session, self.project, name)
            session.commit()

    # -- pull-request mode: a translation branch, rebuilt when it was squash-merged ---------------
    def _sync_translation_branch(self, report: SyncReport, remote: str, branch: str, *, push: bool) -> None:
        """Pull the branch; push each release's work to a translation branch of its own, for a pull request.

        A release's translation branch is made afresh on each push: the current
        branch plus that release's files as they are here, in one commit naming
        the work and its volunteers. It is never rebased, so a squash merge of
        an earlier one does not get in its way.

        The clone's own branch still has the commits the squash left out, so
        git's merge base would be older than the merged work and every entry
        changed again since would look changed on both sides. So when the
        branch holds exactly what was last pushed for a release, the clone's
        commits that the branch lacks are replayed on top of it (by plumbing;
        the working files keep their saves) before merging.
        """
        for _ in range(PUSH_ROUNDS):
            theirs = self.repo.fetch(remote, branch)
            pushed: dict[str, dict] = dict(self.state.load().get("translation_branches", {}))
            if theirs is not None:
                absorbed = [
                    name
                    for name, info in pushed.items()
                    if self.repo.rev(info.get("commit", ""))
                    and not self.repo.is_ancestor(info["commit"], theirs)
                    and self._absorbed(info.get("files", {}), theirs)
                ]
                if absorbed:
                    self.rebuild_on(theirs, pushed[absorbed[0]]["commit"], report)
                    report.rebuilt = True
                    for name in absorbed:
                        pushed.pop(name)
                self.merge_remote(theirs, report)
            tips = {}
            for name, info in pushed.items():  # someone added commits to one of our translation branches
                tip = tips[name] = self.repo.fetch(remote, self._branch_name(name), missing_ok=True)
                if tip is not None and tip != info.get("commit") and not self.repo.is_ancestor(tip, self.repo.head()):
                    ours = info.get("commit")
                    self.merge_remote(tip, report, base=ours if ours and self.repo.is_ancestor(ours, tip) else None)
            report.commits += self.commit_pending(why=set(report.updated_releases))
            self.state.update(translation_branches=pushed)
            if not push:
                return
            try:
                self._push_release_branches(remote, theirs, pushed, tips, report)
            except PushRejectedError:
                continue
            return
        raise GitError(f"push to the translation branches of {remote} rejected {PUSH_ROUNDS} times; retried later")

    def _branch_name(self, release: str) -> str:
        return f"{self.settings.git_translation_branch_prefix}{release}"

    def _push_release_branches(
        self, remote: str, theirs: str | None, pushed: dict[str, dict], tips: dict[str, str | None], report: SyncReport
    ) -> None:
        """Make and push the translation branch of every release whose files differ from the branch's."""
        head = self.repo.head()
        by_release: dict[str, list[str]] = defaultdict(list)
        for rel in self.repo.changed_paths(theirs, head, *PATHSPECS):
            name = self._release_of(rel) or (m.group(2) if (m := _CATALOG.match(rel)) else None)
            if name is not None:
                by_release[name].append(rel)
        failures = []
        for name, paths in sorted(by_release.items()):
            target = self._branch_name(name)
            tip = tips[name] if name in tips else self.repo.fetch(remote, target, missing_ok=True)
            contents = self.repo.show_many(head, paths)
            commit = self.repo.commit_files(theirs, [(self._branch_message(name, theirs, head, paths), contents)])
            if tip is not None and self.repo.text("rev-parse", f"{tip}^{{tree}}") == self.repo.text(
                "rev-parse", f"{commit}^{{tree}}"
            ):
                continue  # the branch already holds exactly this
            ok, message = self.repo.push(remote, target, lease=tip or "", source=commit)
            if not ok:
                failures.append(f"{target}: {message}")
                continue
            pushed[name] = {
                "commit": commit,
                "files": {
                    rel: self.repo.text("rev-parse", f"{commit}:{rel}")
                    for rel, data in contents.items()
                    if data is not None
                },
            }
            self.state.update(translation_branches=pushed)
            report.pushed = True
        if failures:
            raise GitError(
                f"push to {remote} failed: {'; '.join(failures)}; the commits wait here and the push is retried"
            )

    def _branch_message(self, name: str, theirs: str | None, head: str, paths: list[str]) -> str:
        """Describe a release's translation branch: the commits it gathers and everyone they credit."""
        since = [f"{theirs}..{head}"] if theirs else [head]
        log_text = self.repo.run("log", "--no-merges", "--format=%B%x00", *since, "--", *paths).decode("utf-8")
        subjects, trailers = [], []
        for body in log_text.split("\x00"):
            lines = [line for line in body.strip().splitlines()]
            if not lines:
                continue
            subjects.append(lines[0])
            trailers += [line for line in lines if line.startswith("Co-authored-by: ")]
        message = f"{name}: translations from translate-app\n\n"
        message += "".join(f"- {subject}\n" for subject in reversed(subjects))
        if trailers:
            message += "\n" + "".join(f"{line}\n" for line in dict.fromkeys(trailers))
        return message

    def _absorbed(self, files: dict[str, str], commit: str) -> bool:
        """Say whether a commit holds every file exactly as we last pushed it (a squash or rebase merge)."""
        if not files:
            return False
        for rel, blob in files.items():
            if self.repo.text("rev-parse", "-q", "--verify", f"{commit}:{rel}", check=False) != blob:
                return False
        return True

    def rebuild_on(self, new_base: str, pushed: str, report: SyncReport) -> None:
        """Replay our commits made since `pushed` on top of `new_base` and move the branch there.

        Each commit's change is merged into what the branch holds by then, file
        by file (catalogs entry by entry): the branch may have other changes to
        the same files, made after the merge of the pull request, and they stay.
        """
        old_head = self.repo.head()
        # Ours since the push; not the branch's own commits that came in through earlier merges.
        commits = self.repo.text("rev-list", "--reverse", "--no-merges", old_head, f"^{pushed}", f"^{new_base}").split()
        self.repo.run("read-tree", new_base)
        tip = new_base
        for commit in commits:
            changed = self.repo.changed_paths(f"{commit}^", commit)
            before, mine, there = (self.repo.show_many(rev, changed) for rev in (f"{commit}^", commit, tip))
            for rel in changed:
                if there[rel] == before[rel] or there[rel] == mine[rel]:
                    result = mine[rel]
                elif m := _CATALOG.match(rel):
                    result, conflicts = self._merge_bytes(before[rel], mine[rel], there[rel], rel)
                    if conflicts:
                        self._keep_their_side(m.group(2), m.group(1), conflicts, result, rel, new_base)
                        report.conflicts += len(conflicts)
                else:
                    result = there[rel]  # changed there too: theirs stays, ours is in the old commit
                self.repo.stage(rel, result)
            tree = self.repo.text("write-tree")
            if tree == self.repo.text("rev-parse", f"{tip}^{{tree}}"):
                continue  # already in the branch
            message = self.repo.run("log", "-1", "--format=%B", commit)
            tip = self.repo.text("commit-tree", tree, "-p", tip, "-F", "-", input=message)
        self.repo.run(
            "update-ref", "-m", "translate-app sync: rebuild on the squash-merged branch", "HEAD", tip, old_head
        )
        self.repo.reset_index()
        self._update_working(old_head, tip)

    def _update_working(self, old: str, new: str) -> None:
        """Bring the working files from commit `old` to commit `new`, keeping changes saved since `old`."""
        for rel in self.repo.changed_paths(old, new):
            old_b, new_b = self.repo.show(old, rel), self.repo.show(new, rel)
            path = self.project.root / rel
            if _CATALOG.match(rel):
                with storage.catalog_lock(path):
                    local_b = path.read_bytes() if path.is_file() else None
                    result, _ = self._merge_bytes(old_b, local_b, new_b, rel)
                    self._write(path, local_b, result)
            else:
                local_b = path.read_bytes() if path.is_file() else None
                if local_b == old_b:
                    self._write(path, local_b, new_b)

    @staticmethod
    def _write(path: Path, before: bytes | None, after: bytes | None) -> None:
        if after == before:
            return
        if after is None:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, after, later_mtime=True)

    def _record(self, report: SyncReport) -> None:
        data = self.state.load()
        now = time.time()
        data["last_sync_at"] = now_iso()
        data["held"] = report.held  # releases under embargo left out, for the coordinator's page
        if report.error:
            failures = int(data.get("failures", 0)) + 1
            data.update(
                failures=failures,
                last_error=report.error,
                last_error_at=now_iso(),
                next_retry_at=now + min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (failures - 1)),
            )
        else:
            data.update(failures=0, last_error=None, next_retry_at=None, last_success_at=now_iso())
            head = self.repo.rev("HEAD")
            if head:
                data["last_synced"] = head
                if report.pushed:
                    data["last_pushed"] = head
        self.state.save(data)

    # -- 1. commit ---------------------------------------------------------------
    def commit_pending(self, *, why: set[str] | None = None) -> list[str]:
        """Commit every changed file of source/ and locales/: one commit per catalog, one per release's other files."""
        self.repo.reset_index()
        snapshot = self._max_audit_id()
        subjects: list[str] = []
        other: dict[str, list[str]] = defaultdict(list)
        credits = dict(self.state.load().get("audit_ids", {}))
        start = self.repo.rev("HEAD")
        embargoed = self._embargoed()
        dirty = []
        for rel in self.repo.dirty_paths(*PATHSPECS):
            m = _CATALOG.match(rel)
            name = m.group(2) if m else self._release_of(rel)
            if name in embargoed:  # left out of every commit until the embargo time (embargo.py)
                self.held.add(name)
                continue
            dirty.append(rel)
        committed = self.repo.show_many(start, [rel for rel in dirty if _CATALOG.match(rel)])
        commits: list[tuple[str, dict[str, bytes | None]]] = []
        for rel in dirty:
            m = _CATALOG.match(rel)
            if m:
                message, content = self._catalog_commit(
                    rel, m.group(2), m.group(1), m.group(2) in (why or ()), credits, committed.get(rel)
                )
                commits.append((message, {rel: content}))
                continue
            name = self._release_of(rel)
            if name is not None:
                other[name].append(rel)
        for name, paths in sorted(other.items()):
            files = {}
            for rel in paths:
                path = self.project.root / rel
                files[rel] = path.read_bytes() if path.is_file() else None
            subject = f"{name}: source and template ({len(paths)} file{'s' if len(paths) != 1 else ''})"
            commits.append((subject + "\n\nChanged in translate-app.\n", files))
        if commits:
            head = self.repo.commit_files(start, commits)
            self.repo.move_head(head, start, "commit")
            self.repo.reset_index()
            subjects = [message.split("\n", 1)[0] for message, _ in commits]
        # Written once per run: a crash before this line credits someone twice, never nobody.
        changes: dict = {"audit_ids": credits}
        if snapshot is not None:
            changes["counted_audit_id"] = snapshot
        self.state.update(**changes)
        return subjects

    @staticmethod
    def _release_of(rel: str) -> str | None:
        for pattern in (_TEMPLATE, _SOURCE):
            m = pattern.match(rel)
            if m:
                return m.group(1)
        return None

    def _catalog_commit(
        self, rel: str, release: str, language: str, updated: bool, credits: dict[str, int], old: bytes | None
    ) -> tuple[str, bytes | None]:
        """Return the message and content of the commit of one catalog, read under its lock."""
        path = self.project.root / rel
        with storage.catalog_lock(path):
            content = path.read_bytes() if path.is_file() else None
            credited_to = self._max_audit_id(release, language)
        if content is None:
            count = pomerge.count_changed(None, old.decode("utf-8", "replace")) if old else 0
        else:
            count = pomerge.count_changed(
                old.decode("utf-8", "replace") if old else None, content.decode("utf-8", "replace")
            )
        key = f"{release}/{language}"
        credited = credits.get(key, 0)
        people = self._volunteers(release, language, credited, credited_to) if credited_to else []
        try:
            lang_name = get_language(language).english_name
        except TranslateAppError:
            lang_name = language
        subject = f"{release}: {lang_name} ({language}), {count} segment{'s' if count != 1 else ''}"
        body = [subject, ""]
        if content is None:
            body.append("Catalog removed in translate-app.")
        else:
            if updated:
                body.append("Catalog updated from the changed source (msgmerge semantics).")
            if people or not updated:
                body.append("Translated or reviewed in translate-app.")
        body += [f"Release: {release}", f"Language: {language}", f"Segments: {count}"]
        if people:
            body.append("")
            body += [
                f"Co-authored-by: {trailer_name(u.shown_name)} <{noreply_address(u, self.settings.git_noreply_domain)}>"
                for u in people
            ]
        if credited_to:
            credits[key] = max(credited_to, credited)
        return "\n".join(body) + "\n", content

    # -- the database: who changed what ------------------------------------------
    def _embargoed(self) -> set[str]:
        """Return the releases under embargo now, whose files stay out of commits (none without a database)."""
        from ..embargo import embargoed_names

        session = self._session()
        if session is None:
            return set()
        with session:
            return embargoed_names(session)

    def _session(self) -> Session | None:
        return self.sessions() if self.sessions is not None else None

    def _max_audit_id(self, release: str | None = None, language: str | None = None) -> int | None:
        session = self._session()
        if session is None:
            return None
        with session:
            query = select(func.max(AuditLog.id))
            if release is not None:
                query = query.where(AuditLog.release == release, AuditLog.language == language)
            return session.scalar(query) or 0

    def _volunteers(self, release: str, language: str, after: int, upto: int) -> list[User]:
        """Return the people whose changes of a catalog have audit ids in (after, upto], first change first."""
        session = self._session()
        if session is None:
            return []
        with session:
            rows = session.execute(
                select(AuditLog.user_id, func.min(AuditLog.id))
                .where(
                    AuditLog.release == release,
                    AuditLog.language == language,
                    AuditLog.id > after,
                    AuditLog.id <= upto,
                    AuditLog.user_id.is_not(None),
                    AuditLog.action.not_in(_NOT_EDITS),
                )
                .group_by(AuditLog.user_id)
                .order_by(func.min(AuditLog.id))
            ).all()
            users = [session.get(User, user_id) for user_id, _ in rows]
            for user in users:
                if user is not None:
                    session.expunge(user)
            return [u for u in users if u is not None and u.credited]  # "not at all": no trailer

    def pending_changes(self) -> dict[str, Any]:
        """Return how many changes wait for a commit and when the latest was made."""
        counted = self.state.load().get("counted_audit_id", 0)
        session = self._session()
        if session is None:
            return {"changes": 0, "latest": None}
        with session:
            count, latest = session.execute(
                select(func.count(AuditLog.id), func.max(AuditLog.at)).where(
                    AuditLog.id > counted, AuditLog.action.not_in(_NOT_EDITS)
                )
            ).one()
        return {"changes": count or 0, "latest": latest}

    # -- 2. pull and merge ---------------------------------------------------------
    def merge_remote(self, theirs: str, report: SyncReport, *, base: str | None = None) -> None:
        """Merge a fetched remote commit into HEAD and the working files, file by file, entry by entry.

        `base` is the last synchronised version; by default git's merge base.
        """
        head = self.repo.rev("HEAD")
        if head is None:
            raise NotAGitCloneError(f"{self.project.root}: the branch has no commit yet")
        if self.repo.is_ancestor(theirs, head):
            return
        base = base or self.repo.merge_base(head, theirs)
        self.repo.reset_index()
        changed = self.repo.changed_paths(base, theirs)
        sources: set[str] = set()
        file_conflicts: list[str] = []
        contents = [self.repo.show_many(rev, changed) for rev in (base, head, theirs)]  # three git calls in all
        for rel in changed:
            versions = tuple(c[rel] for c in contents)
            m = _CATALOG.match(rel)
            if m:
                report.conflicts += self._merge_catalog(rel, m.group(2), m.group(1), versions, theirs, file_conflicts)
            else:
                if (
                    self._merge_file(rel, versions, theirs, file_conflicts)
                    and rel.startswith("source/")
                    and rel.endswith(".md")
                    and "/" not in rel[len("source/") :]
                ):
                    sources.add(rel[len("source/") : -3])
            report.merged_files += 1
        tree = self.repo.text("write-tree")
        if head == base and tree == self.repo.text("rev-parse", f"{theirs}^{{tree}}"):
            self.repo.fast_forward(theirs)
        else:
            message = f"Merge the repository's {theirs[:10]} into translate-app's work\n\n" + "".join(
                f"Kept both sides: {item}\n" for item in file_conflicts
            )
            self.repo.commit_merge(message, theirs)
        report.pulled = theirs
        if file_conflicts:
            self.state.update(
                file_conflicts=(
                    self.state.load().get("file_conflicts", [])
                    + [{"at": now_iso(), "what": item} for item in file_conflicts]
                )[-50:]
            )
        for name in sorted(sources):
            try:
                if self.project.source_path(name).is_file() and self.project.languages(name):
                    self.project.update(name)
                    report.updated_releases.append(name)
            except TranslateAppError as exc:
                file_conflicts.append(f"source/{name}.md: not merged into the catalogs: {exc}")
                report.error = f"source/{name}.md: {exc}"

    def _merge_catalog(
        self,
        rel: str,
        release: str,
        language: str,
        versions: tuple[bytes | None, ...],
        theirs: str,
        file_conflicts: list[str],
    ) -> int:
        """Merge one catalog three ways; stage the merge of HEAD, write the merge of the working file."""
        base_b, head_b, theirs_b = versions
        path = self.project.root / rel
        try:
            with storage.catalog_lock(path):
                local_b = path.read_bytes() if path.is_file() else None
                staged_b, _ = self._merge_bytes(base_b, head_b, theirs_b, rel)
                if local_b == head_b:
                    working_b, conflicts = staged_b, _
                else:  # saved since the last commit: merge into what is on disk now
                    working_b, conflicts = self._merge_bytes(base_b, local_b, theirs_b, rel)
                if working_b != local_b:
                    if working_b is None:
                        path.unlink()
                    else:
                        write_atomic(path, working_b, later_mtime=True)
        except TranslateAppError as exc:  # their catalog cannot be read: ours stays, theirs is in history
            file_conflicts.append(f"{rel}: theirs not merged ({exc})")
            self.repo.stage(rel, head_b)
            return 0
        self.repo.stage(rel, staged_b)
        if conflicts:
            self._keep_their_side(release, language, conflicts, working_b, rel, theirs)
        return len(conflicts)

    def _merge_bytes(
        self, base_b: bytes | None, ours_b: bytes | None, theirs_b: bytes | None, rel: str
    ) -> tuple[bytes | None, list[pomerge.Conflict]]:
        if ours_b == theirs_b or theirs_b == base_b:
            return ours_b, []
        if ours_b == base_b and theirs_b is not None:
            theirs = self._parse(theirs_b, rel)
            return cat.serialise(pomerge.scrub_emails(theirs)).encode("utf-8"), []
        if theirs_b is None:
            return ours_b, []  # they removed it, we changed it: ours stays
        if ours_b is None:
            return None, []  # we removed it (a release's language dropped here): stays removed
        result = pomerge.merge(self._parse(base_b, rel), self._parse(ours_b, rel), self._parse(theirs_b, rel))
        return cat.serialise(result.po).encode("utf-8"), result.conflicts

    def _merge_file(self, rel: str, versions: tuple[bytes | None, ...], theirs: str, file_conflicts: list[str]) -> bool:
        """Take a non-catalog file the remote changed, unless we changed it too; say whether it changed here."""
        base_b, head_b, theirs_b = versions
        path = self.project.root / rel
        local_b = path.read_bytes() if path.is_file() else None
        if head_b == theirs_b:
            return False
        if head_b != base_b or local_b != head_b:
            # Both changed it: ours stays; a template is remade from its source anyway.
            if not _TEMPLATE.match(rel):
                file_conflicts.append(f"{rel}: changed on both sides; ours kept, theirs is in {theirs[:10]}")
            self.repo.stage(rel, head_b)
            return False
        if theirs_b is None:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, theirs_b, durable=True)
        self.repo.stage(rel, theirs_b)
        return True

    @overload
    def _parse(self, content: bytes, rel: str) -> polib.POFile: ...
    @overload
    def _parse(self, content: None, rel: str) -> None: ...
    @overload
    def _parse(self, content: bytes | None, rel: str) -> polib.POFile | None: ...

    def _parse(self, content: bytes | None, rel: str) -> polib.POFile | None:
        """Read a catalog from bytes (through a file, as polib must), or None."""
        if content is None:
            return None
        folder = self.state.folder / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".po") as fh:
            fh.write(content)
            fh.flush()
            try:
                return cat.load(fh.name)
            except TranslateAppError as exc:
                raise type(exc)(str(exc).replace(fh.name, rel)) from exc

    def _keep_their_side(
        self,
        release: str,
        language: str,
        conflicts: list[pomerge.Conflict],
        merged: bytes | None,
        rel: str,
        theirs: str,
    ) -> None:
        """Keep the repository's text of each entry both sides changed as an open proposal."""
        po = self._parse(merged, rel) if merged is not None else None
        versions = {entry_id(e): entry_version(e) for e in po or [] if not e.obsolete}
        session = self._session()
        if session is None:
            return
        with session:
            for c in conflicts:
                exists = session.scalar(
                    select(Proposal.id).where(
                        Proposal.release == release,
                        Proposal.language == language,
                        Proposal.segment_id == c.segment_id,
                        Proposal.status == "open",
                        Proposal.text == c.theirs,
                    )
                )
                if exists is not None:
                    continue
                session.add(
                    Proposal(
                        user_id=None,
                        release=release,
                        language=language,
                        segment_id=c.segment_id,
                        text=c.theirs,
                        base_version=versions.get(c.segment_id, ""),
                        status="open",
                        reason=f"{MERGE_REASON}: changed in the repository ({theirs[:10]}, {c.theirs_state}) while "
                        "it was changed here; the text here was kept",
                    )
                )
                session.add(
                    AuditLog(
                        user_id=None,
                        release=release,
                        language=language,
                        segment_id=c.segment_id,
                        action="git conflict",
                        old_text=c.ours,
                        new_text=c.theirs,
                        old_state="",
                        new_state=c.theirs_state,
                        note=f"kept as a proposal: changed on both sides ({theirs[:10]})",
                    )
                )
            session.commit()


def merge_conflicts(session: Session, limit: int = 100) -> list[Proposal]:
    """Return the open proposals a git merge made (entries changed on both sides), newest first."""
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.status == "open", Proposal.reason.startswith(MERGE_REASON))
            .order_by(Proposal.id.desc())
            .limit(limit)
        )
    )
