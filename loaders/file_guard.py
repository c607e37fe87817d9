"""First look at an uploaded file: what it really is, and whether it is safe to parse.

Runs before any parser, on bytes only, in bounded time and memory: the zip
directory is read (not the data), XML prologs are peeked at, nothing is
inflated whole. The extension is a hint, never trusted.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from domain.issue_catalogue import Issue, make_issue
from loaders import limits

FORMAT_LABELS = {
    "xlsx": "Excel (.xlsx)",
    "ods": "OpenDocument (.ods)",
    "xls": "Excel 97-2003 (.xls)",
    "csv": "texte CSV",
}
_EXTENSION_FORMAT = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".xls": "xls", ".csv": "csv", ".txt": "csv"}
_MAGIC = (
    (b"%PDF", "document PDF"),
    (b"\x89PNG", "image PNG"),
    (b"\xff\xd8\xff", "image JPEG"),
    (b"GIF8", "image GIF"),
    (b"\x1f\x8b", "archive gzip"),
    (b"Rar!", "archive RAR"),
    (b"7z\xbc\xaf", "archive 7-Zip"),
    (b"{\\rtf", "document RTF"),
    (b"MZ", "programme Windows"),
    (b"\x7fELF", "programme"),
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16 = lambda s: s.encode("utf-16-le")  # noqa: E731  (OLE stream names are UTF-16)


@dataclass
class Inspection:
    format: str | None  # xlsx | ods | xls | csv, None when refused
    issues: list[Issue] = field(default_factory=list)


def inspect(data: bytes, filename: str) -> Inspection:
    """Tell the real format of `data`, or refuse it with one file-level issue."""
    name = PurePath(filename).name
    if len(data) == 0:
        return Inspection(None, [make_issue("file_empty", value=name)])
    if len(data) > limits.MAX_FILE_BYTES:
        return Inspection(None, [make_issue("file_too_big", value=limits.human_size(len(data)),
                                            limit=limits.human_size(limits.MAX_FILE_BYTES))])
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        result = _inspect_zip(data)
    elif data.startswith(_OLE_MAGIC):
        result = _inspect_ole(data)
    else:
        result = _inspect_text(data)
    if result.format:
        ext = PurePath(name).suffix.lower()
        hinted = _EXTENSION_FORMAT.get(ext)
        if hinted and hinted != result.format:
            result.issues.append(make_issue("extension_mismatch", value=ext or "(aucune)",
                                            detected=FORMAT_LABELS[result.format]))
    return result


def _refuse(detected: str) -> Inspection:
    return Inspection(None, [make_issue("not_a_spreadsheet", detected=detected)])


def _inspect_zip(data: bytes) -> Inspection:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return Inspection(None, [make_issue("unreadable_file", value=f"archive abîmée : {exc}")])
    if len(members) > limits.MAX_ZIP_MEMBERS:
        return Inspection(None, [make_issue("zip_bomb", value=f"{len(members)} éléments",
                                            ratio="-", limit=f"{limits.MAX_ZIP_MEMBERS} éléments")])
    inflated = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    ratio = inflated / packed
    if inflated > limits.MAX_INFLATED_BYTES or (
        inflated > limits.RATIO_CHECK_FLOOR and ratio > limits.MAX_COMPRESSION_RATIO
    ):
        return Inspection(None, [make_issue(
            "zip_bomb", value=limits.human_size(inflated), ratio=f"{ratio:.0f} pour 1",
            limit=f"{limits.human_size(limits.MAX_INFLATED_BYTES)}, {limits.MAX_COMPRESSION_RATIO} pour 1")])
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        fmt = "xlsx"
    elif "mimetype" in names and archive.read("mimetype")[:80].startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        fmt = "ods"
    elif any(n.startswith("word/") for n in names):
        return _refuse("document Word")
    elif any(n.startswith("ppt/") for n in names):
        return _refuse("présentation PowerPoint")
    elif "mimetype" in names:
        return _refuse("document OpenDocument qui n'est pas un classeur")
    else:
        return _refuse("archive ZIP")
    for m in members:
        if m.filename.endswith((".xml", ".rels")) and m.file_size:
            with archive.open(m) as fh:
                head = fh.read(limits.XML_PROLOG_BYTES)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                return Inspection(None, [make_issue("xml_entities")])
    return Inspection(fmt)


def _inspect_ole(data: bytes) -> Inspection:
    if _UTF16("EncryptedPackage") in data:
        return Inspection(None, [make_issue("password_protected")])
    if _UTF16("Workbook") in data or _UTF16("Book") in data:
        return Inspection("xls")
    if _UTF16("WordDocument") in data:
        return _refuse("document Word 97-2003")
    return _refuse("document Office qui n'est pas un classeur")


def _inspect_text(data: bytes) -> Inspection:
    for magic, label in _MAGIC:
        if data.startswith(magic):
            return _refuse(label)
    head = data[:8192]
    if b"\x00" in head:
        return _refuse("fichier binaire")
    text = decode_text(head)
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html")):
        return _refuse("page web")
    if lowered.startswith("<?xml"):
        return _refuse("fichier XML")
    if not any(sep in text for sep in (";", ",", "\t")):
        return _refuse("texte sans séparateur de colonnes")
    return Inspection("csv")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, as LibreOffice writes; else Windows-1252, as French Excel does."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of a peeked chunk is still UTF-8.
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8-sig")
        return data.decode("cp1252", errors="replace")
