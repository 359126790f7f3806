"""FormData (XHR Standard) and the body mixin's formData() (Fetch Standard): the API, both form
encodings, multipart serialization by Response/Request bodies, and bodies from outside."""

from __future__ import annotations

import hashlib
import re

import edgert

from .helpers import RecordingOrigin

API = r"""
export default {
  async fetch(request) {
    const out = {};
    const fd = new FormData();
    fd.append('a', '1');
    fd.append('b', 'x');
    fd.append('a', 2);
    out.get = fd.get('a');
    out.getAll = fd.getAll('a');
    out.missing = fd.get('zzz');
    out.has = [fd.has('b'), fd.has('c')];
    fd.set('a', 'only');
    out.afterSet = [...fd];
    fd.delete('b');
    out.afterDelete = [...fd.keys()];
    fd.append('blob', new Blob(['hey'], { type: 'text/plain' }));
    fd.append('named', new Blob(['<p/>'], { type: 'text/html' }), 'page.html');
    fd.append('file', new File(['z'], 'z.bin', { type: 'application/x-z' }));
    const blob = fd.get('blob');
    out.blob = [blob instanceof File, blob.name, blob.type, await blob.text()];
    out.named = [fd.get('named').name, fd.get('named').type];
    out.file = [fd.get('file').name, fd.get('file').type];
    const seen = [];
    fd.forEach((v, k, o) => seen.push([k, typeof v, o === fd]));
    out.forEach = seen;
    out.tag = Object.prototype.toString.call(fd);
    try { fd.append('x', 'y', 'name.txt'); out.threeArgString = 'no error'; } catch (e) { out.threeArgString = e.name; }
    try { new FormData({}); out.ctor = 'no error'; } catch (e) { out.ctor = e.name; }
    try { fd.append('only-one'); out.oneArg = 'no error'; } catch (e) { out.oneArg = e.name; }
    const it = [];
    const live = new FormData();
    live.append('k', '1');
    for (const [k, v] of live) { it.push(v); if (it.length === 1) live.append('k', '2'); }
    out.liveIteration = it;
    return Response.json(out);
  },
};
"""


def test_formdata_api() -> None:
    out = edgert.Worker(API).fetch("https://example.com/").json()
    assert out["get"] == "1" and out["getAll"] == ["1", "2"] and out["missing"] is None
    assert out["has"] == [True, False]
    assert out["afterSet"] == [["a", "only"], ["b", "x"]]
    assert out["afterDelete"] == ["a"]
    assert out["blob"] == [True, "blob", "text/plain", "hey"]
    assert out["named"] == ["page.html", "text/html"]
    assert out["file"] == ["z.bin", "application/x-z"]
    assert out["forEach"] == [
        ["a", "string", True],
        ["blob", "object", True],
        ["named", "object", True],
        ["file", "object", True],
    ]
    assert out["tag"] == "[object FormData]"
    assert out["threeArgString"] == out["ctor"] == out["oneArg"] == "TypeError"
    assert out["liveIteration"] == ["1", "2"]


ROUND_TRIP = r"""
export default {
  async fetch(request) {
    const fd = new FormData();
    fd.append('name', 'Ada "the first" Lovelace');
    fd.append('multi\nline', 'one\ntwo\rthree\r\nfour');
    fd.append('bytes', new File([new Uint8Array([0, 1, 2, 255, 13, 10, 45, 45])], 'raw.bin', { type: 'application/octet-stream' }));
    fd.append('empty', '');
    const res = new Response(fd);
    const type = res.headers.get('content-type');
    const body = await res.clone().text();
    const back = await res.formData();
    const file = back.get('bytes');
    const req = new Request('https://example.com/', { method: 'POST', body: fd });
    const viaRequest = await req.formData();
    return Response.json({
      type,
      body,
      entries: [...back].map(([k, v]) => [k, typeof v === 'string' ? v : 'file']),
      file: [file.name, file.type, [...new Uint8Array(await file.arrayBuffer())]],
      requestType: req.headers.get('content-type'),
      viaRequest: [...viaRequest.keys()],
    });
  },
};
"""


def test_multipart_serialize_and_parse_round_trip() -> None:
    out = edgert.Worker(ROUND_TRIP, seed=1).fetch("https://example.com/").json()
    m = re.fullmatch(r"multipart/form-data; boundary=(\S+)", out["type"])
    assert m is not None
    boundary = m[1]
    body = out["body"]
    assert body.startswith(f"--{boundary}\r\n") and body.endswith(f"--{boundary}--\r\n")
    # HTML's encoding: quotes and line breaks in names escaped, line breaks in values CRLF.
    assert 'Content-Disposition: form-data; name="Ada' not in body
    assert 'name="name"\r\n\r\nAda "the first" Lovelace\r\n' in body
    assert 'name="multi%0D%0Aline"\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n' in body
    assert (
        'name="bytes"; filename="raw.bin"\r\nContent-Type: application/octet-stream\r\n\r\n' in body
    )
    assert out["entries"] == [
        ["name", 'Ada "the first" Lovelace'],
        ["multi\r\nline", "one\r\ntwo\r\nthree\r\nfour"],
        ["bytes", "file"],
        ["empty", ""],
    ]
    assert out["file"] == ["raw.bin", "application/octet-stream", [0, 1, 2, 255, 13, 10, 45, 45]]
    assert out["requestType"].startswith("multipart/form-data; boundary=")
    assert out["viaRequest"] == ["name", "multi\r\nline", "bytes", "empty"]


PARSE = r"""
export default {
  async fetch(request) {
    try {
      const fd = await request.formData();
      const out = [];
      for (const [k, v] of fd) {
        if (typeof v === 'string') out.push([k, v]);
        else {
          const bytes = new Uint8Array(await v.arrayBuffer());
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          out.push([k, v.name, v.type, v.size, [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')]);
        }
      }
      return Response.json(out);
    } catch (e) {
      return new Response(`${e.name}: ${e.message}`, { status: 400 });
    }
  },
};
"""


def _multipart(boundary: str, parts: list[tuple[str, bytes]]) -> bytes:
    out = b""
    for head, content in parts:
        out += f"--{boundary}\r\n{head}\r\n\r\n".encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def test_parse_multipart_from_a_client_with_a_binary_file() -> None:
    payload = bytes(range(256)) * 4 + b"\r\n--not-the-boundary\r\n"
    boundary = "----WebKitFormBoundaryABC123"
    body = b"preamble ignored\r\n" + _multipart(
        boundary,
        [
            ('Content-Disposition: form-data; name="title"', "café ✓".encode()),
            (
                'Content-Disposition: form-data; name="upload"; filename="data.bin"\r\n'
                "Content-Type: application/octet-stream",
                payload,
            ),
            ('Content-Disposition: form-data; name="note"; filename="n.txt"', b"plain"),
        ],
    )
    r = edgert.Worker(PARSE).fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": f'multipart/form-data; boundary="{boundary}"'},
        body=body,
    )
    assert r.status == 200, r.text()
    assert r.json() == [
        ["title", "café ✓"],
        [
            "upload",
            "data.bin",
            "application/octet-stream",
            len(payload),
            hashlib.sha256(payload).hexdigest(),
        ],
        ["note", "n.txt", "text/plain", 5, hashlib.sha256(b"plain").hexdigest()],
    ]


def test_parse_urlencoded_and_errors() -> None:
    w = edgert.Worker(PARSE)
    form = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": "application/x-www-form-urlencoded;charset=UTF-8"},
        body="a=1&b=%20x+y&a=2&empty=&%E2%9C%93=ok",
    )
    assert form.json() == [["a", "1"], ["b", " x y"], ["a", "2"], ["empty", ""], ["✓", "ok"]]
    wrong_type = w.fetch(
        "https://example.com/", method="POST", headers={"content-type": "text/plain"}, body="a=1"
    )
    assert wrong_type.status == 400 and wrong_type.text().startswith("TypeError")
    broken = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": "multipart/form-data; boundary=xyz"},
        body='--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
    )
    assert broken.status == 400 and broken.text().startswith("TypeError")
    no_boundary = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": "multipart/form-data"},
        body="--x--",
    )
    assert no_boundary.status == 400


UPLOAD = r"""
export default {
  async fetch(request) {
    const form = new FormData();
    form.append('secret', 'sk');
    form.append('response', 'tok');
    form.append('doc', new File(['{"x":1}'], 'x.json', { type: 'application/json' }));
    const r = await fetch('https://verify.example/siteverify', { method: 'POST', body: form });
    return new Response(await r.text());
  },
};
"""


def test_formdata_body_of_an_outbound_fetch() -> None:
    origin = RecordingOrigin(lambda r: edgert.Response("verified"))
    net = edgert.Network(
        pops="demo",
        origin=edgert.Origin(handler=origin, region="IAD"),
        workers={"w": edgert.Worker(UPLOAD, seed=2)},
        seed=1,
    )
    assert net.fetch_sync("https://site.example/", client="Paris").text() == "verified"
    sent = origin.seen[0]
    ctype = sent.headers.get("content-type") or ""
    m = re.fullmatch(r"multipart/form-data; boundary=(\S+)", ctype)
    assert m is not None and sent.method == "POST"
    body = sent.body or b""
    assert body.count(f"--{m[1]}".encode()) == 4
    assert b'Content-Disposition: form-data; name="secret"\r\n\r\nsk\r\n' in body
    assert (
        b'name="doc"; filename="x.json"\r\nContent-Type: application/json\r\n\r\n{"x":1}\r\n'
        in body
    )
