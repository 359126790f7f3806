"""Worker CPU of the compatibility APIs against Python peers in the same run.

Run: ``python benches/bench_compat.py`` (after ``maturin develop --release``). Each figure is
the median over ``--repeat`` requests of the worker's CPU time (the core's stats: thread CPU of
the worker's JavaScript and native calls) minus the median of a request that does the same
without the API (so request overhead cancels), against a Python peer doing comparable work
measured with ``time.process_time`` in the same process:

- ``formData()`` of a multipart upload with one file of ``--mb`` MB, against the standard
  library's ``email`` parser (``BytesParser(policy=HTTP)``) splitting the same body;
- ``HTMLRewriter`` rewriting every link of a generated page of ``--kb`` KB (the documentation's
  rewrite-links handler), against ``html.parser.HTMLParser`` only tokenizing the same page.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import os
import statistics
import time
from html.parser import HTMLParser

from edgert import Worker

SOURCE = r"""
export default {
  async fetch(request) {
    const mode = new URL(request.url).searchParams.get('mode');
    if (mode === 'form') return new Response(String((await request.formData()).get('file').size));
    if (mode === 'html') {
      const res = new HTMLRewriter().on('a', { element(el) {
        const href = el.getAttribute('href');
        if (href) el.setAttribute('href', href.replace('developer.mozilla.org', 'mynewdomain.com'));
      } }).transform(new Response(await request.text()));
      return new Response(String((await res.text()).length));
    }
    return new Response(String((await request.arrayBuffer()).byteLength));
  },
};
"""


def cpu(worker: Worker, mode: str, body: bytes, ctype: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        r = worker.fetch(
            f"https://bench.example/?mode={mode}",
            method="POST",
            headers={"content-type": ctype},
            body=body,
        )
        assert r.status == 200 and r.stats is not None, r.text()
        samples.append(r.stats.cpu_ms)
    return statistics.median(samples)


def python_ms(fn: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.process_time()
        fn()  # type: ignore[operator]
        samples.append((time.process_time() - t) * 1000.0)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--kb", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    w = Worker(SOURCE, cpu_ms=10_000, seed=1)

    b = "----benchBoundary7MA4YWxkTrZu0gW"
    payload = os.urandom(int(args.mb * 1_000_000))
    body = (
        (
            f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + payload
        + f"\r\n--{b}--\r\n".encode()
    )
    ctype = f"multipart/form-data; boundary={b}"
    base = cpu(w, "none", body, ctype, args.repeat)
    form = cpu(w, "form", body, ctype, args.repeat) - base
    raw = f"Content-Type: {ctype}\r\n\r\n".encode() + body
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    peer = python_ms(lambda: parser.parsebytes(raw).get_payload(), args.repeat)
    print(
        f"formData() of a {args.mb:g} MB upload: worker {form:.2f} ms CPU; "
        f"Python email parser {peer:.2f} ms (ratio {peer / max(form, 1e-9):.1f}x)"
    )

    row = '<li><a href="https://developer.mozilla.org/docs/{i}">item {i}</a> <b>text</b></li>\n'
    page = "<html><body><ul>\n"
    i = 0
    while len(page) < args.kb * 1000:
        page += row.format(i=i)
        i += 1
    page += "</ul></body></html>"
    data = page.encode()
    base = cpu(w, "none", data, "text/html", args.repeat)
    html = cpu(w, "html", data, "text/html", args.repeat) - base

    class Tokens(HTMLParser):
        pass

    def tokenize() -> None:
        p = Tokens()
        p.feed(page)
        p.close()

    peer = python_ms(tokenize, args.repeat)
    print(
        f"HTMLRewriter over a {len(data) // 1000} KB page ({i} links rewritten): worker "
        f"{html:.2f} ms CPU; Python html.parser tokenizing only {peer:.2f} ms "
        f"(ratio {peer / max(html, 1e-9):.1f}x)"
    )


if __name__ == "__main__":
    main()
