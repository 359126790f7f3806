"""The fast paths of the builtins a JWT worker calls on every request give what the general
paths (and the standards) give: ``TextEncoder.encode`` of strings with lone surrogates (WebIDL
USVString: U+FFFD), ``TextDecoder.decode`` of every BufferSource kind (BOM, ``fatal``,
replacement), and ``crypto.subtle.verify`` / ``sign`` checking the key's internal slots rather
than getters a worker replaced (WebCrypto 14.3.4-5), with string algorithms in any case."""

from __future__ import annotations

from typing import Any

from edgert import Worker

ENCODING = r"""
export default {
  async fetch() {
    const enc = new TextEncoder();
    const hex = (u8) => [...u8].map((b) => b.toString(16).padStart(2, '0')).join('');
    const strings = ['abc', 'caf\u00e9', '\ud800', 'a\udc00b', '\ud83d\ude00', '\ud83d', 'x\ud83d\ud83d\ude00\udfff', ''];
    const encoded = strings.map((s) => hex(enc.encode(s)));
    const objects = [hex(enc.encode(42)), hex(enc.encode({ toString: () => 'o\ud800' })), hex(enc.encode())];
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9, 0xff, 0x21]);
    const valid = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]);
    const dec = new TextDecoder();
    const keep = new TextDecoder('utf-8', { ignoreBOM: true });
    const fatal = new TextDecoder('utf-8', { fatal: true });
    let fatalError = null;
    try { fatal.decode(bytes); } catch (e) { fatalError = e.constructor.name; }
    let badInput = null;
    try { dec.decode('text'); } catch (e) { badInput = e.constructor.name; }
    let badThis = null;
    try { TextDecoder.prototype.decode.call({}, valid); } catch (e) { badThis = e.constructor.name; }
    const decoded = {
      u8: dec.decode(bytes),
      sub: dec.decode(bytes.subarray(3, 6)),
      buffer: dec.decode(valid.buffer),
      view: dec.decode(new DataView(valid.buffer, 3)),
      int8: dec.decode(new Int8Array(valid.buffer)),
      bom: keep.decode(valid),
      fatalValid: fatal.decode(valid),
      empty: dec.decode(),
      emptyArray: dec.decode(new Uint8Array(0)),
      stream: dec.decode(new Uint8Array([0x68, 0xc3]), { stream: true }) + dec.decode(new Uint8Array([0xa9])),
    };
    return Response.json({ encoded, objects, decoded, fatalError, badInput, badThis });
  },
};
"""

SUBTLE = r"""
export default {
  async fetch() {
    const enc = new TextEncoder();
    const key = await crypto.subtle.importKey('raw', enc.encode('secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    const data = enc.encode('data');
    const sig = await crypto.subtle.sign('HMAC', key, data);
    const out = {};
    out.plain = await crypto.subtle.verify('HMAC', key, sig, data);
    out.lower = await crypto.subtle.verify('hmac', key, new Uint8Array(sig), data.buffer);
    out.object = await crypto.subtle.verify({ name: 'hMaC' }, key, new DataView(sig), data);
    out.wrong = await crypto.subtle.verify('HMAC', key, sig, enc.encode('other'));
    // The key's internal slots decide, not getters a worker replaces.
    Object.defineProperty(CryptoKey.prototype, 'usages', { get: () => [] });
    Object.defineProperty(CryptoKey.prototype, 'algorithm', { get: () => ({ name: 'ECDSA' }) });
    out.patched = await crypto.subtle.verify('HMAC', key, sig, data);
    const name = async (p) => { try { await p; return 'ok'; } catch (e) { return e.name; } };
    out.fake = await name(crypto.subtle.verify('HMAC', Object.create(CryptoKey.prototype), sig, data));
    out.notKey = await name(crypto.subtle.verify('HMAC', null, sig, data));
    out.otherAlg = await name(crypto.subtle.verify('Ed25519', key, sig, data));
    out.badData = await name(crypto.subtle.verify('HMAC', key, sig, 'data'));
    const verifyOnly = await crypto.subtle.importKey('raw', enc.encode('secret'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    out.noUsage = await name(crypto.subtle.sign('HMAC', verifyOnly, data));
    out.subtleSame = crypto.subtle === crypto.subtle;
    return Response.json(out);
  },
};
"""


def _well_formed(s: str) -> str:
    """``String.prototype.toWellFormed``: each lone surrogate (UTF-16 code unit) U+FFFD."""
    raw = s.encode("utf-16-le", "surrogatepass")
    units = [int.from_bytes(raw[i : i + 2], "little") for i in range(0, len(raw), 2)]
    out, i = [], 0
    while i < len(units):
        u = units[i]
        if 0xD800 <= u < 0xDC00 and i + 1 < len(units) and 0xDC00 <= units[i + 1] < 0xE000:
            out.append(chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)))
            i += 2
            continue
        out.append("\ufffd" if 0xD800 <= u < 0xE000 else chr(u))
        i += 1
    return "".join(out)


def _run(source: str) -> Any:
    response = Worker(source, cpu_ms=5_000).fetch("https://fast.test/")
    assert response.status == 200, response.stats.error
    return response.json()


def test_text_encoder_writes_lone_surrogates_as_replacement_characters() -> None:
    out = _run(ENCODING)
    strings = [
        "abc",
        "caf\u00e9",
        "\ud800",
        "a\udc00b",
        "\U0001f600",
        "\ud83d",
        "x\ud83d\U0001f600\udfff",
        "",
    ]
    expected = [_well_formed(s).encode().hex() for s in strings]
    assert out["encoded"] == expected
    assert out["objects"] == [b"42".hex(), "o\ufffd".encode().hex(), ""]


def test_text_decoder_reads_every_buffer_source_alike() -> None:
    out = _run(ENCODING)
    assert out["decoded"] == {
        "u8": "h\u00e9\ufffd!",
        "sub": "h\u00e9",
        "buffer": "h\u00e9",
        "view": "h\u00e9",
        "int8": "h\u00e9",
        "bom": "\ufeffh\u00e9",
        "fatalValid": "h\u00e9",
        "empty": "",
        "emptyArray": "",
        "stream": "h\u00e9",
    }
    assert out["fatalError"] == "TypeError"
    assert out["badInput"] == "TypeError"
    assert out["badThis"] == "TypeError"


def test_verify_checks_the_keys_internal_slots() -> None:
    out = _run(SUBTLE)
    assert out == {
        "plain": True,
        "lower": True,
        "object": True,
        "wrong": False,
        "patched": True,
        "fake": "TypeError",
        "notKey": "TypeError",
        "otherAlg": "InvalidAccessError",
        "badData": "TypeError",
        "noUsage": "InvalidAccessError",
        "subtleSame": True,
    }
