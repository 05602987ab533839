"""What an uploaded file's bytes show it to be. Each form decides which of these types it accepts."""

import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"


def sniff_content_type(upload):
    """The content type of the file's bytes (PDF, .docx, PNG, JPEG, GIF, WebP), or None for anything else.

    The file name plays no part: a renamed executable or text file is None.
    """
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


# Bounds on what a .docx or .xlsx (a zip archive) may expand to, checked on the archive's directory before
# any member is read. Office files compress their XML about 5 to 20 times; a member that claims to expand
# over ZIP_MAX_RATIO times (once it is past ZIP_RATIO_FROM_SIZE) is a zip bomb, not a document.
ZIP_MAX_MEMBERS = 5_000
ZIP_MAX_TOTAL_SIZE = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM_SIZE = 1024 * 1024


class ArchiveTooLarge(ValueError):
    """The archive would expand past the bounds above; `expanded` is what its directory declares."""

    def __init__(self, expanded):
        super().__init__(f"the archive expands to {expanded} bytes")
        self.expanded = expanded


def check_archive_bounds(upload):
    """Raise ArchiveTooLarge when the zip archive's declared sizes break the bounds; read nothing else.

    Python's zipfile stops reading a member at its declared size (and fails its checksum when the
    declaration lies), so what is declared here is the most any later read may expand to.
    """
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    finally:
        upload.seek(0)
    total = sum(member.file_size for member in members)
    if len(members) > ZIP_MAX_MEMBERS or total > ZIP_MAX_TOTAL_SIZE:
        raise ArchiveTooLarge(total)
    for member in members:
        if member.file_size > ZIP_RATIO_FROM_SIZE and member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1):
            raise ArchiveTooLarge(total)
