//! Durable Objects through the step protocol, without Python: a caller's stub call becomes a
//! binding operation; an object host turns event requests into calls on instances whose
//! storage is the shared `DurableStore`.

use _core::durable::{id_from_name, DurableStore};
use _core::http::{Body, Headers, Request};
use _core::isolate::compile;
use _core::protocol::{OpKind, OpResult, Step};
use _core::worker::{Worker, WorkerConfig};

const SEC: u64 = 1_000_000_000;

const SOURCE: &str = r#"
import { DurableObject } from "cloudflare:workers";
export class C extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(() => new Promise((r) => setTimeout(r, 10)));
  }
  async inc(by) {
    const v = ((await this.ctx.storage.get("n")) || 0) + by;
    await this.ctx.storage.put("n", v);
    return v;
  }
}
export default { async fetch(request, env) { return new Response(String(await env.C.getByName("x").inc(2))); } };
"#;

fn bindings(object_host: bool) -> String {
    let mut b = String::from(r#"[{"name":"C","type":"durable_object_namespace","class_name":"C"}"#);
    if object_host {
        b.push_str(r#",{"type":"edgert:objects"}"#);
    }
    b.push(']');
    b
}

fn event(id: &str, by: u32) -> Request {
    let mut headers = Headers::new();
    for (k, v) in [
        ("x-edgert-do-kind", "call"),
        ("x-edgert-do-class", "C"),
        ("x-edgert-do-id", id),
    ] {
        headers.append(k, v).unwrap();
    }
    Request {
        method: "POST".into(),
        url: "https://durable-object.internal/call".into(),
        headers,
        body: Body::from(format!(r#"{{"method":"inc","args":[{by}]}}"#).into_bytes()),
    }
}

fn timer_op(steps: &[Step]) -> (u64, u64) {
    for s in steps {
        for op in &s.ops {
            if let OpKind::Timer { at_ns } = op.kind {
                return (op.id, at_ns);
            }
        }
    }
    panic!("no timer in {steps:?}")
}

#[test]
fn a_stub_call_is_a_binding_operation_with_the_id() {
    let config = WorkerConfig {
        bindings_json: bindings(false),
        ..WorkerConfig::default()
    };
    let w = Worker::new(compile("w.js", SOURCE).unwrap(), config, SEC).unwrap();
    let steps = w.begin(&Request::get("https://a.test/"), None, SEC);
    let op = &steps[0].ops[0];
    let OpKind::Binding { binding, method, args } = &op.kind else {
        panic!("{op:?}")
    };
    assert_eq!((binding.as_str(), method.as_str()), ("C", "call"));
    assert!(args.contains(&id_from_name("C", "x")), "{args}");
    assert!(
        args.contains(r#""method":"inc""#) && args.contains(r#""args":[2]"#),
        "{args}"
    );
    let steps = w.complete(
        op.id,
        OpResult::Value {
            json: r#"{"v":7}"#.into(),
            bytes: None,
        },
        SEC,
    );
    assert_eq!(steps[0].response.as_ref().unwrap().body.as_bytes(), b"7");
}

#[test]
fn queued_events_get_a_step_and_run_one_per_turn_on_shared_storage() {
    let store = DurableStore::new();
    let config = WorkerConfig {
        bindings_json: bindings(true),
        durable: Some(store.clone()),
        max_isolates: 1,
        ..WorkerConfig::default()
    };
    let w = Worker::new(compile("w.js", SOURCE).unwrap(), config, SEC).unwrap();
    let id = id_from_name("C", "x");
    // The first event constructs the object, whose constructor holds the gate on a timer.
    let first = w.begin(&event(&id, 1), None, SEC);
    let (block, at) = timer_op(&first);
    // A second event queues behind it: it still gets a step, so the host learns its task id.
    let second = w.begin(&event(&id, 10), None, SEC);
    assert_eq!(second.len(), 1);
    assert!(second[0].response.is_none() && second[0].ops.is_empty() && !second[0].done);
    // The block ends: queued events start one per turn, each woken by a timer of its own task.
    let steps = w.complete(block, OpResult::Fired, at);
    assert!(steps.iter().all(|s| s.response.is_none()));
    let (wake, at) = timer_op(&steps);
    let owner = |steps: &[Step], op: u64| steps.iter().find(|s| s.ops.iter().any(|o| o.id == op)).unwrap().task;
    assert_eq!(owner(&steps, wake), first[0].task);
    let steps = w.complete(wake, OpResult::Fired, at);
    let answered: Vec<_> = steps.iter().filter_map(|s| s.response.as_ref()).collect();
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].body.as_bytes(), br#"{"v":1}"#);
    let (wake, at) = timer_op(&steps);
    assert_eq!(owner(&steps, wake), second[0].task);
    let steps = w.complete(wake, OpResult::Fired, at);
    let response = steps.iter().find_map(|s| s.response.as_ref()).unwrap();
    assert_eq!(response.body.as_bytes(), br#"{"v":11}"#);
    assert_eq!(store.lock().get("C", &id, "n").as_deref(), Some("11"));
}
