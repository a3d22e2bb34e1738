"""Checks on an uploaded Word template before anything reads it: size, type and zip safety.

A .docx is a zip file. A zip bomb (a small file that expands to gigabytes) is refused by
counting members, adding up their declared sizes and capping each one's compression ratio
before any member is decompressed; zipfile then stops at each declared size while reading.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import PurePosixPath

MAX_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 500
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024  # small members may compress very well; ratios matter above this
MAIN_PART = "word/document.xml"
MACRO_MARKERS = ("vbaproject.bin", "macroenabled")
NOT_A_DOCX = "The selected file must be a Word document (.docx)"


def check_docx(filename: str, content: bytes) -> str:
    """Return the first reason an upload is not a safe Word document, or "" when it is."""
    if not content:
        return "The selected file is empty"
    if len(content) > MAX_BYTES:
        return f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"
    if PurePosixPath(filename.replace("\\", "/")).suffix.lower() != ".docx":
        if filename.lower().endswith((".docm", ".dotm")):
            return "Templates cannot contain macros: save it as a Word Document (.docx)"
        return NOT_A_DOCX
    if not content.startswith(b"PK\x03\x04"):
        return NOT_A_DOCX
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        return NOT_A_DOCX
    with archive:
        problem = _check_members(archive.infolist())
        if problem:
            return problem
        try:
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
        except (KeyError, zipfile.BadZipFile, RuntimeError, OSError):
            return NOT_A_DOCX
        if any(marker in types for marker in MACRO_MARKERS):
            return "Templates cannot contain macros: save it as a Word Document (.docx)"
    try:
        from docx import Document

        Document(BytesIO(content))
    except Exception:  # python-docx raises many kinds; any of them means Word could not open it
        return "The selected file could not be opened as a Word document: it may be damaged"
    return ""


def _check_members(members: list[zipfile.ZipInfo]) -> str:
    """Refuse zip bombs, odd paths and files without a Word document inside."""
    if len(members) > MAX_MEMBERS:
        return f"The selected file has too many parts (more than {MAX_MEMBERS}) to be a template"
    names = [m.filename for m in members]
    if len(set(names)) != len(names):
        return NOT_A_DOCX
    total = 0
    for member in members:
        path = PurePosixPath(member.filename)
        if member.filename.startswith("/") or ".." in path.parts or "\\" in member.filename:
            return NOT_A_DOCX
        if any(marker in member.filename.lower() for marker in MACRO_MARKERS):
            return "Templates cannot contain macros: save it as a Word Document (.docx)"
        if member.flag_bits & 0x1:
            return "The selected file is password protected: save it without a password"
        total += member.file_size
        if total > MAX_TOTAL_BYTES:
            return "The selected file expands to more than 50 MB, which is too large for a template"
        if member.file_size > RATIO_FLOOR_BYTES:
            if member.file_size > MAX_RATIO * max(member.compress_size, 1):
                return "The selected file is compressed suspiciously tightly and cannot be used"
    if MAIN_PART not in names or "[Content_Types].xml" not in names:
        return NOT_A_DOCX
    return ""
