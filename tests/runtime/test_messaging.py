"""MessageChannel, MessagePort and MessageEvent in a worker (HTML Standard, channel messaging):
delivery as tasks, the port message queue's enabling, transfer of ports and buffers, close()."""

from __future__ import annotations

from typing import Any

from edgert import Request, Worker

# A message through a channel of its own, started: a task queued after every message task
# posted before it (tasks of zero delay run in the order they were queued).
TICK = """const tick = () => new Promise((resolve) => {
  const c = new MessageChannel(); c.port2.onmessage = resolve; c.port1.postMessage(null); });"""


def run(body: str) -> Any:
    """Runs `body` (an async function body returning a JSON-able value) in a worker."""
    src = (
        TICK
        + f"export default {{ async fetch(request, env, ctx) {{ return Response.json(await (async () => {{ {body} }})()); }} }}"
    )
    r = Worker(src).fetch(Request("https://example.com/"))
    assert r.status == 200, r.stats.error
    return r.json()


def test_a_message_arrives_at_the_other_port_as_a_trusted_event_after_microtasks() -> None:
    out = run(
        """
        const { port1, port2 } = new MessageChannel();
        const order = [];
        const got = new Promise((resolve) => { port2.onmessage = (e) => { order.push('message'); resolve(e); }; });
        port1.postMessage({ n: 1, list: [1, 2] });
        Promise.resolve().then(() => order.push('microtask'));
        order.push('sync');
        const e = await got;
        return { order, data: e.data, trusted: e.isTrusted, type: e.type, ports: e.ports.length,
                 frozen: Object.isFrozen(e.ports), same: e.ports === e.ports, target: e.target === port2,
                 origin: e.origin, source: e.source, tag: Object.prototype.toString.call(port1) };
        """
    )
    assert out == {
        "order": ["sync", "microtask", "message"],
        "data": {"n": 1, "list": [1, 2]},
        "trusted": True,
        "type": "message",
        "ports": 0,
        "frozen": True,
        "same": True,
        "target": True,
        "origin": "",
        "source": None,
        "tag": "[object MessagePort]",
    }


def test_the_message_is_cloned_when_posted_and_delivered_in_order() -> None:
    out = run(
        """
        const { port1, port2 } = new MessageChannel();
        const seen = [];
        const done = new Promise((resolve) => port2.onmessage = (e) => { seen.push(e.data); if (seen.length === 3) resolve(); });
        const obj = { v: 'before' };
        port1.postMessage(obj);
        obj.v = 'after';
        port1.postMessage(2);
        port1.postMessage(new Map([[1, 'one']]));
        await done;
        return { first: seen[0].v, second: seen[1], third: seen[2] instanceof Map && seen[2].get(1) };
        """
    )
    assert out == {"first": "before", "second": 2, "third": "one"}


def test_add_event_listener_needs_start_and_onmessage_starts_the_queue() -> None:
    out = run(
        """
        const { port1, port2 } = new MessageChannel();
        const got = [];
        port2.addEventListener('message', (e) => got.push(e.data));
        port1.postMessage('queued');
        await tick();
        const beforeStart = got.length;
        port2.start();
        await tick();
        return { beforeStart, got };
        """
    )
    assert out == {"beforeStart": 0, "got": ["queued"]}


def test_close_drops_undelivered_messages_and_later_posts() -> None:
    out = run(
        """
        const { port1, port2 } = new MessageChannel();
        const got = [];
        port2.onmessage = (e) => got.push(e.data);
        port1.postMessage('dropped');
        port2.close();
        port1.postMessage('after close');
        const c = new MessageChannel();
        const also = [];
        c.port2.onmessage = (e) => also.push(e.data);
        c.port1.close();
        c.port1.postMessage('from a closed port');
        await tick();
        return { got, also };
        """
    )
    assert out == {"got": [], "also": []}


def test_transferring_a_port_moves_its_queue_and_entanglement() -> None:
    out = run(
        """
        const a = new MessageChannel(), b = new MessageChannel();
        a.port1.postMessage('waiting in the queue');
        const received = new Promise((resolve) => { b.port2.onmessage = (e) => resolve(e); });
        b.port1.postMessage({ note: 'here', port: a.port2 }, [a.port2]);
        const e = await received;
        const moved = e.ports[0];
        const same = e.data.port === moved;
        const first = await new Promise((resolve) => { moved.onmessage = (m) => resolve(m.data); });
        const back = new Promise((resolve) => { a.port1.onmessage = (m) => resolve(m.data); });
        moved.postMessage('reply');
        let again = null;
        try { structuredClone(a.port2, { transfer: [a.port2] }); } catch (err) { again = err.name; }
        return { note: e.data.note, same, isPort: moved instanceof MessagePort, first, reply: await back, again };
        """
    )
    assert out == {
        "note": "here",
        "same": True,
        "isPort": True,
        "first": "waiting in the queue",
        "reply": "reply",
        "again": "DataCloneError",
    }


def test_transfer_errors_are_data_clone_errors_and_detach_nothing() -> None:
    out = run(
        """
        const { port1, port2 } = new MessageChannel();
        const errors = [];
        const buf = new ArrayBuffer(8);
        for (const f of [
          () => port1.postMessage('x', [port1]),
          () => port1.postMessage('x', [buf, buf]),
          () => port1.postMessage(() => 1, [buf]),
          () => port1.postMessage('x', [new Blob([])]),
          () => port1.postMessage('x', { transfer: [port2] }),
        ]) { try { f(); errors.push('ok'); } catch (e) { errors.push(e.name); } }
        const kept = buf.byteLength;
        const sent = new ArrayBuffer(4);
        port1.postMessage(sent, [sent]);
        return { errors, kept, detached: sent.byteLength };
        """
    )
    # Posting the other end of the channel in the transfer list is allowed; the message is
    # then discarded ("doomed"), and the port moved.
    assert out == {
        "errors": ["DataCloneError", "DataCloneError", "DataCloneError", "DataCloneError", "ok"],
        "kept": 8,
        "detached": 0,
    }


def test_message_event_constructor_follows_its_dictionary() -> None:
    out = run(
        """
        const { port1 } = new MessageChannel();
        const e = new MessageEvent('message', { data: 5, origin: 'https://a.example', lastEventId: 7, source: port1, ports: [port1] });
        const d = new MessageEvent('x');
        const errors = [];
        for (const init of [{ ports: [1] }, { source: {} }, { ports: 5 }]) {
          try { new MessageEvent('x', init); errors.push('ok'); } catch (err) { errors.push(err.name); }
        }
        let illegal = null;
        try { new MessagePort(); } catch (err) { illegal = err.name; }
        return { data: e.data, origin: e.origin, id: e.lastEventId, source: e.source === port1, ports: e.ports.length,
                 defaults: [d.data, d.origin, d.lastEventId, d.source, d.ports.length], errors, illegal };
        """
    )
    assert out == {
        "data": 5,
        "origin": "https://a.example",
        "id": "7",
        "source": True,
        "ports": 1,
        "defaults": [None, "", "", None, 0],
        "errors": ["TypeError", "TypeError", "TypeError"],
        "illegal": "TypeError",
    }


def test_websocket_messages_still_use_message_event() -> None:
    out = run(
        """
        const [client, server] = Object.values(new WebSocketPair());
        server.accept();
        const got = new Promise((resolve) => server.addEventListener('message', resolve));
        client.accept();
        client.send('hi');
        const e = await got;
        return { data: e.data, isMessageEvent: e instanceof MessageEvent, ports: e.ports.length };
        """
    )
    assert out == {"data": "hi", "isMessageEvent": True, "ports": 0}
