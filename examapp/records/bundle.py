"""A unit's certificates as one ZIP, written while it is sent: one PDF in memory at a time, no cap."""

import zipfile
from collections.abc import Iterable, Iterator

from .certificate_pdf import certificate_pdf
from .downloads import safe_filename
from .models import Certificate


class _Sink:
    """A write-only file for zipfile that hands over what was written since the last take().

    It has no seek() or tell(), so zipfile streams: each entry's sizes and CRC follow its data in a data
    descriptor instead of being written back into its header.
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def entry_name(cert: Certificate) -> str:
    """The PDF's name inside the ZIP: serial, holder and exam, cleaned of anything a file name must not hold."""
    safe = safe_filename(f"{cert.holder_name}-{cert.exam_title}")
    return f"{cert.serial}-{safe[:60]}.pdf"


def zip_chunks(certs: Iterable[Certificate]) -> Iterator[bytes]:
    """Yield a ZIP of the certificates' PDFs piece by piece (revoked ones carry their 已撤销 stamp)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for cert in certs:
            archive.writestr(entry_name(cert), certificate_pdf(cert))
            yield sink.take()
    yield sink.take()  # the central directory, written on close
