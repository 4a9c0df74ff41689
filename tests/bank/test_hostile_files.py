"""Issue 9 (should): hostile question files get a clear 4xx, never a 500 or a long stall."""

import io
import struct
import time

import pytest

from examapp.errors import Invalid
from examapp.uploads import read_table

from .helpers import GOOD_ROWS, xlsx_bytes

# Nine levels of nine aliases: 9^9 (387 million) strings once expanded; a few hundred bytes on disk.
BOMB = ("schema: 1\nlaw: administrative-penalty-law-2021\n" + 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10)) + "questions: []\n")


def upload(client, data: bytes, name: str):
    return client.post("/bank/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_yaml_aliases_are_refused_quickly_with_the_line(library, org, login):
    client = login(org.examiner)
    started = time.monotonic()
    response = upload(client, BOMB.encode(), "bomb.yaml")
    assert time.monotonic() - started < 2
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "第 4 行" in page and "别名" in page  # the first alias, and what is wrong


def test_a_plain_anchor_without_alias_is_harmless_and_a_single_alias_is_still_refused(req):
    from examapp.bank.formats import native

    assert native.parse("schema: 1\nquestions: &q []\n").errors == []
    result = native.parse("schema: 1\nbase: &b {difficulty: 2}\nquestions: [*b]\n")
    assert result.errors and "aliases" in result.errors[0][1]


def false_sizes(data: bytes, member: str, size: int) -> bytes:
    """Rewrite one part's uncompressed size in its local header and in the central directory."""
    buf, name = bytearray(data), member.encode()
    for signature, name_len_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
        at = 0
        while (at := buf.find(signature, at)) != -1:
            length = struct.unpack_from("<H", buf, at + name_len_at)[0]
            if bytes(buf[at + name_at:at + name_at + length]) == name:
                struct.pack_into("<I", buf, at + size_at, size)
            at += 4
    return bytes(buf)


def corrupt(data: bytes, member: str) -> bytes:
    """Overwrite the middle of one part's compressed bytes (its sizes and checksum stay as they were)."""
    buf, name = bytearray(data), member.encode()
    at = buf.find(b"PK\x03\x04")
    while True:
        length = struct.unpack_from("<H", buf, at + 26)[0]
        if bytes(buf[at + 30:at + 30 + length]) == name:
            start = at + 30 + length + struct.unpack_from("<H", buf, at + 28)[0]
            size = struct.unpack_from("<I", buf, at + 18)[0]
            buf[start + size // 3:start + size // 3 + 40] = b"\xff" * 40
            return bytes(buf)
        at = buf.find(b"PK\x03\x04", at + 4)


@pytest.mark.parametrize("damage", ["false_size", "corrupt"])
def test_an_xlsx_with_false_zip_sizes_or_bad_data_is_refused_clearly(library, org, login, damage):
    good = xlsx_bytes(GOOD_ROWS)
    sheet = "xl/worksheets/sheet1.xml"
    bad = false_sizes(good, sheet, 10) if damage == "false_size" else corrupt(good, sheet)
    with library.test_request_context():
        with pytest.raises(Invalid, match="工作簿已损坏"):
            read_table(bad, "lying.xlsx")
    response = upload(login(org.examiner), bad, "lying.xlsx")
    assert response.status_code == 422 and "工作簿已损坏" in response.get_data(as_text=True)
