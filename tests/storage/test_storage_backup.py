"""Backups of the whole data directory, and restores that refuse anything doubtful."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cspr.storage import Store, StoreError, backup, restore
from cspr.storage.signing import sign

KEY = bytes(range(32))  # the partnership's backup key, as the commands would load it


def _populate(store: Store) -> None:
    for n in range(30):
        store.insert("cases", {"n": n, "answers": {"q": ["x"] * 3}})
    store.set_setting("partnership", "Testshire")
    store.next_reference("CSPR", 2026)
    store.audit.append("create", "case", "c1", user="ann")
    for folder in ("files", "documents/2026", "templates", "forms"):
        (store.data_dir / folder).mkdir(parents=True)
    (store.data_dir / "files" / "upload.pdf").write_bytes(b"%PDF-1.7 \x00\xff" * 100)
    (store.data_dir / "documents" / "2026" / "letter.docx").write_bytes(b"PK\x03\x04" * 50)
    (store.data_dir / "forms" / "rapid-review.json").write_text('{"title": "Rapid review"}')
    (store.data_dir / "secret_key").write_text("not really secret")


def _everything(store: Store) -> dict[str, Any]:
    return {
        "tables": {name: store.find(name) for name in store.tables()},
        "setting": store.get_setting("partnership"),
        "audit": store.audit.entries(limit=None),
    }


def test_backup_and_restore_round_trip(store: Store, tmp_path: Path) -> None:
    _populate(store)
    store.insert("cases", {"n": "after last compaction"})
    archive = tmp_path / "backups" / "b1.tar.gz"
    manifest = backup(store, archive, KEY)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert {"store/snapshot.json", "store/journal.jsonl", "store/audit.jsonl"} <= set(
        manifest["files"]
    )
    assert {"files/upload.pdf", "documents/2026/letter.docx", "forms/rapid-review.json"} <= set(
        manifest["files"]
    )
    assert "secret_key" not in manifest["files"]  # a restored server makes its own
    assert "templates" in manifest["directories"]
    assert not any(name.endswith(".lock") for name in manifest["files"])

    target = tmp_path / "restored"
    result = restore(archive, target, KEY)
    assert result["files"] == manifest["files"] and result["previous_data"] is None
    assert (target / "templates").is_dir()
    assert (target / "files" / "upload.pdf").read_bytes() == b"%PDF-1.7 \x00\xff" * 100
    assert (target / "files" / "upload.pdf").stat().st_mode & 0o777 == 0o600
    assert (target / "documents").stat().st_mode & 0o777 == 0o700
    with Store.open(target) as restored:
        assert _everything(restored) == _everything(store)
        assert restored.audit.verify().ok
        again = backup(restored, tmp_path / "b2.tar.gz", KEY)
        assert restored.next_reference("CSPR", 2026) == "CSPR-2026-0002"
    assert again["files"] == manifest["files"]  # restore then backup: same content


def test_backup_while_another_process_writes(
    data_dir: Path, tmp_path: Path, start_child: Any
) -> None:
    child = start_child("writer.py", str(data_dir))
    assert child.stdout.readline().strip() == "ready"
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(line.strip() for line in child.stdout))
    reader.start()
    time.sleep(0.3)
    with Store.open(data_dir) as live:
        manifest = backup(live, tmp_path / "live.tar.gz", KEY)
        time.sleep(0.2)
    child.kill()
    child.wait()
    reader.join()
    restore(tmp_path / "live.tar.gz", tmp_path / "restored", KEY)
    with Store.open(tmp_path / "restored") as restored, Store.open(data_dir) as final:
        saved = {d["id"]: d for d in restored.find("things")}
        now = {d["id"]: d for d in final.find("things")}
        assert 0 < len(saved) < len(now)
        # A consistent moment: the backup holds an exact prefix of the writes.
        assert all(now[doc_id]["n"] == doc["n"] for doc_id, doc in saved.items())
        assert sorted(d["n"] for d in saved.values()) == list(range(1, len(saved) + 1))
        assert backup(restored, tmp_path / "again.tar.gz", KEY)["files"] == manifest["files"]


def _archive(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    with Store.open(tmp_path / "source") as source:
        _populate(source)
        archive = tmp_path / "good.tar.gz"
        return archive, backup(source, archive, KEY)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_damaged_archive_is_refused_and_nothing_written(tmp_path: Path, damage: str) -> None:
    archive, _ = _archive(tmp_path)
    data = bytearray(archive.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x40
    elif damage == "truncate":
        data = data[: len(data) * 2 // 3]
    else:
        data = bytearray(b"this is not a backup at all")
    archive.write_bytes(bytes(data))
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(StoreError, match="cannot be used.*Nothing was restored"):
        restore(archive, tmp_path / "target", KEY)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _tamper(archive: Path, change: Any) -> Path:
    """Rewrite an archive member by member, letting change() alter or add members."""
    out = archive.with_name("tampered.tar.gz")
    members: list[tuple[tarfile.TarInfo, bytes | None]] = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            members.append((member, handle.read() if handle else None))
    change(members)
    with tarfile.open(out, "w:gz") as tar:
        for member, body in members:
            tar.addfile(member, io.BytesIO(body) if body is not None else None)
    return out


def _file(name: str, body: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(body)
    return info, body


def _link(name: str) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return info, None


def _drop_member(members: list[Any], name: str) -> None:
    members[:] = [(member, body) for member, body in members if member.name != name]


def _edit_member(members: list[Any], name: str, body: bytes) -> None:
    for number, (member, _) in enumerate(members):
        if member.name == name:
            members[number] = _file(name, body)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.append(_file("data/../../escape.txt", b"x")), "unsafe name"),
        (lambda m: m.append(_file("/etc/cron.d/x", b"x")), "unsafe name"),
        (lambda m: m.append(_link("data/files/link")), "link or device"),
        (lambda m: m.append(_file("data/extra.txt", b"x")), "not in the manifest"),
        (lambda m: _edit_member(m, "data/files/upload.pdf", b"changed"), "checksum"),
        (lambda m: _drop_member(m, "MANIFEST.json"), "no manifest"),
        (lambda m: _drop_member(m, "MANIFEST.sig"), "not signed with a backup key"),
    ],
)
def test_unsafe_or_inconsistent_archive_is_refused(
    tmp_path: Path, change: Any, message: str
) -> None:
    archive, _ = _archive(tmp_path)
    tampered = _tamper(archive, change)
    with pytest.raises(StoreError, match=message):
        restore(tampered, tmp_path / "target", KEY)
    assert not (tmp_path / "target").exists()
    assert not (tmp_path / "escape.txt").exists()


def test_manifest_lists_a_missing_file(tmp_path: Path) -> None:
    archive, manifest = _archive(tmp_path)
    manifest["files"]["files/ghost.pdf"] = {"sha256": "0" * 64, "size": 1}
    body = json.dumps(manifest).encode()

    def resign(members: list[Any]) -> None:  # as only someone holding the key could
        _edit_member(members, "MANIFEST.json", body)
        _edit_member(members, "MANIFEST.sig", sign(body, KEY))

    with pytest.raises(StoreError, match="missing"):
        restore(_tamper(archive, resign), tmp_path / "target", KEY)


def test_an_edited_backup_is_refused_without_the_key(tmp_path: Path) -> None:
    """Someone who can write to a backup makes themselves an administrator and fixes the sums."""
    archive, manifest = _archive(tmp_path)
    forged = b'{"tables":{"users":{"x":{"id":"x","role":"admin"}}}}'

    def forge(members: list[Any]) -> None:
        _edit_member(members, "data/files/upload.pdf", forged)
        manifest["files"]["files/upload.pdf"] = {
            "sha256": hashlib.sha256(forged).hexdigest(), "size": len(forged)}
        _edit_member(members, "MANIFEST.json", json.dumps(manifest).encode())

    with pytest.raises(StoreError, match="changed since it was made.*Nothing was restored"):
        restore(_tamper(archive, forge), tmp_path / "target", KEY)
    with pytest.raises(StoreError, match="signed with another backup key"):
        restore(archive, tmp_path / "target", bytes(32))
    assert not (tmp_path / "target").exists()


def test_restore_refuses_existing_data_unless_forced(tmp_path: Path) -> None:
    archive, manifest = _archive(tmp_path)
    target = tmp_path / "target"
    with Store.open(target) as existing:
        existing.insert("cases", {"precious": True})
        with pytest.raises(StoreError, match="in use"):
            restore(archive, target, KEY, force=True)
    with pytest.raises(StoreError, match="already holds data.*--force"):
        restore(archive, target, KEY)
    result = restore(archive, target, KEY, force=True)
    moved = Path(result["previous_data"])
    with Store.open(moved) as old:
        assert old.find_one("cases", {"precious": True})
    with Store.open(target) as restored:
        assert restored.count("cases") == 30


def test_restore_into_a_freshly_opened_empty_store(tmp_path: Path) -> None:
    archive, _ = _archive(tmp_path)
    Store.open(tmp_path / "target").close()  # e.g. the server was started once by mistake
    (tmp_path / "target" / "secret_key").write_text("made at start-up")
    restore(archive, tmp_path / "target", KEY)
    with Store.open(tmp_path / "target") as restored:
        assert restored.count("cases") == 30
    # Never backed up: the restored server makes a new key, which signs everyone out.
    assert not (tmp_path / "target" / "secret_key").exists()


def test_restore_works_on_a_damaged_store(tmp_path: Path) -> None:
    archive, _ = _archive(tmp_path)
    target = tmp_path / "target"
    with Store.open(target) as existing:
        existing.insert("cases", {})
        existing.compact()
    (target / "store" / "snapshot.json").write_bytes(b"rubbish")
    restore(archive, target, KEY, force=True)
    with Store.open(target) as restored:
        assert restored.count("cases") == 30


def test_backup_inside_the_data_dir_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="outside the data directory"):
        backup(store, store.data_dir / "backup.tar.gz", KEY)


def test_missing_backup_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="There is no backup file"):
        restore(tmp_path / "nope.tar.gz", tmp_path / "target", KEY)


def test_backup_leaves_out_finished_exports(tmp_path: Path) -> None:
    from cspr.storage import Store, backup

    data = tmp_path / "data"
    with Store.open(data) as store:
        store.insert("t", {"n": 1})
        (data / "exports").mkdir()
        (data / "exports" / "job.xlsx").write_bytes(b"PK\x03\x04 a finished export")
        (data / "files").mkdir(exist_ok=True)
        (data / "files" / "kept.pdf").write_bytes(b"%PDF-1.4")
        manifest = backup(store, tmp_path / "b.tar.gz", KEY)
    names = " ".join(str(entry) for entry in manifest["files"])
    assert "kept.pdf" in names
    assert "job.xlsx" not in names
