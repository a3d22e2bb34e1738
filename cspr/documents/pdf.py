"""PDF copies through LibreOffice, when the server has it: headless, in a temp dir, timed out."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess  # nosec B404
import tempfile
from pathlib import Path

from flask import current_app

from cspr.exceptions import Refused

COMMANDS = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 60
INSTALL_HINT = (
    "PDF copies are not available because LibreOffice is not installed on the server. "
    "Ask your IT team to install LibreOffice Writer: apt-get install libreoffice-writer-nogui"
)


def soffice() -> str | None:
    """Return the full path of LibreOffice's command, checked now, or None when missing."""
    for name in current_app.config.get("SOFFICE_COMMANDS", COMMANDS):
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    """Say whether PDF copies can be made on this server now."""
    return soffice() is not None


def to_pdf(docx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Convert a Word document to PDF with LibreOffice; raise Refused if it cannot."""
    command = soffice()
    if command is None:
        raise Refused(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="cspr-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        # Its own profile, so that conversions running at once never share LibreOffice's lock.
        args = [
            command, "--headless", "--norestore", "--nolockcheck", "--nodefault",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to", "pdf", "--outdir", str(work), str(source),
        ]  # fmt: skip
        # A fixed argument list and no shell: nothing in it comes from a user.
        process = subprocess.Popen(  # nosec B603
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # so a timeout can stop LibreOffice's helpers too
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise Refused(
                "The PDF copy took too long to make. Download the Word version instead, "
                "or try again later."
            ) from None
        result = work / "document.pdf"
        if process.returncode != 0 or not result.exists():
            raise Refused(
                "LibreOffice could not make a PDF copy. Download the Word version instead."
            )
        return result.read_bytes()
