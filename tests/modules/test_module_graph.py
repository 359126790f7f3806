"""Multi-file workers: a TypeScript project with a package from node_modules, module rules,
TypeScript compilation, the workers-sdk TypeScript template, and positioned errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from edgert import Worker
from edgert.config import load_config
from edgert.config.build import build_network, build_worker
from edgert.errors import ConfigError, ScriptError
from edgert.modules import ModuleRule, load_graph
from edgert.modules.resolve import resolve

FIXTURE = Path(__file__).parent / "fixtures" / "signing"
TMPL_RULES = (ModuleRule("Text", ("**/*.tmpl",), fallthrough=True),)


@pytest.fixture
def aws4fetch(shared_data: Path) -> Path:
    lib = shared_data / "workers-examples" / "libs" / "aws4fetch"
    if not lib.is_dir():
        pytest.skip("workers-examples/libs/aws4fetch is not in ../shared/data")
    return lib


@pytest.fixture
def project(tmp_path: Path, aws4fetch: Path) -> Path:
    """The fixture project with aws4fetch linked into its node_modules (never copied into the
    repository)."""
    root = tmp_path / "signing"
    shutil.copytree(FIXTURE, root)
    (root / "node_modules").mkdir()
    (root / "node_modules" / "aws4fetch").symlink_to(aws4fetch, target_is_directory=True)
    return root


def test_the_package_resolves_through_its_exports_in_object_order(project: Path) -> None:
    target = resolve("aws4fetch", project / "src" / "index.ts")
    # aws4fetch's "." lists "import" before "worker": as in Node and esbuild (and so wrangler),
    # the first key of the object that is an active condition wins.
    assert isinstance(target, Path) and target.name == "aws4fetch.esm.mjs"


def test_conditions_pick_worker_over_browser_and_default(tmp_path: Path) -> None:
    pkg = tmp_path / "node_modules" / "dual"
    (pkg / "dist").mkdir(parents=True)
    for name in ("node.js", "worker.js", "browser.js", "fallback.js"):
        (pkg / "dist" / name).write_text("export default 1;\n")
    exports = {
        ".": {
            "node": "./dist/node.js",
            "worker": "./dist/worker.js",
            "browser": "./dist/browser.js",
            "default": "./dist/fallback.js",
        },
        "./sub/*": {"require": "./x.cjs", "default": "./dist/*.js"},
    }
    (pkg / "package.json").write_text(json.dumps({"name": "dual", "exports": exports}))
    importer = tmp_path / "index.js"
    assert resolve("dual", importer) == pkg / "dist" / "worker.js"
    assert resolve("dual/sub/browser", importer) == pkg / "dist" / "browser.js"


def test_module_field_comes_before_main(tmp_path: Path) -> None:
    pkg = tmp_path / "node_modules" / "@scope" / "old"
    pkg.mkdir(parents=True)
    (pkg / "esm.js").write_text("export default 1;\n")
    (pkg / "cjs.js").write_text("module.exports = 1;\n")
    (pkg / "package.json").write_text(json.dumps({"main": "cjs.js", "module": "esm.js"}))
    assert resolve("@scope/old", tmp_path / "a.js") == pkg / "esm.js"


def test_the_typescript_project_runs_with_its_package_and_modules(project: Path) -> None:
    config = load_config(project)
    worker = build_worker(config, min_isolates=1)
    try:
        assert worker.modules is not None
        names = {m.name for m in worker.modules.modules}
        assert "src/index.ts" in names and "src/greet.ts" in names
        assert "src/types.ts" not in names  # type-only import
        assert any(n.endswith("aws4fetch.esm.mjs") for n in names)

        r = worker.fetch("https://w.example/greet")
        assert (r.status, r.text()) == (200, "HELLO, WORLD!")

        r = worker.fetch("https://w.example/modules")
        assert r.status == 200, r.text()
        assert r.json() == {
            "page": '<h1>Hello "page"</h1>\n',
            "note": "a note\n",
            "banner": "banner: {{name}}\n",
            "blob": {"isArrayBuffer": True, "bytes": [0, 1, 34, 92, 200, 255]},
            "settings": {"region": "us-east-1", "retries": [1, 2]},
            "area": 12,
        }
    finally:
        worker.close()


def test_aws4fetch_signs_the_sigv4_suite_vector(project: Path, aws4fetch: Path) -> None:
    suite = aws4fetch / "test" / "aws-sig-v4-test-suite" / "get-vanilla"
    expected = (suite / "get-vanilla.authz").read_text().strip()
    worker = Worker.from_project(
        project / "src" / "index.ts", root=project, rules=TMPL_RULES, vars={"GREETING": "x"}
    )
    try:
        r = worker.fetch(
            "https://w.example/sign?id=AKIDEXAMPLE&secret=wJalrXUtnFEMI/K7MDENG%2BbPxRfiCYEXAMPLEKEY"
        )
        assert r.status == 200, r.text()
        assert r.json()["authorization"] == expected
    finally:
        worker.close()


def test_stack_frames_point_into_the_typescript_source(project: Path) -> None:
    worker = Worker.from_project(project, rules=TMPL_RULES, vars={"GREETING": "x"})
    try:
        r = worker.fetch("https://w.example/fail")
        assert r.status == 500
        error = worker.modules.remap(r.stats.error or "") if worker.modules else ""
        assert "deliberate" in error
        # `throw` is on line 24 of greet.ts.
        assert "src/greet.ts:24" in error, error
    finally:
        worker.close()


def test_the_workers_sdk_typescript_template_runs_unmodified(shared_data: Path) -> None:
    template = shared_data / "workers-examples" / "projects" / "worker-typescript"
    if not template.is_dir():
        pytest.skip("workers-examples/projects/worker-typescript is not in ../shared/data")
    config = load_config(template)
    network = build_network(config)
    try:
        response = network.fetch_sync("http://127.0.0.1:8787/", client="Paris")
        assert (response.status, response.text()) == (200, "Hello World!")
    finally:
        network.close()


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / next(iter(files))


def test_a_typescript_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    main = _write(
        tmp_path,
        {
            "index.ts": "import { a } from './a';\nexport default { a };\n",
            "a.ts": "export const a = 1;\nexport const b: = 2;\n",
        },
    )
    with pytest.raises(ScriptError, match=r"^a\.ts:2:17: SyntaxError"):
        Worker.from_file(main)


def test_an_unresolved_import_names_file_line_and_column(tmp_path: Path) -> None:
    main = _write(
        tmp_path,
        {
            "src/index.ts": "const x: number = 1;\n  import { b } from './missing';\n"
            "export default { fetch() { return new Response(b + x) } };\n"
        },
    )
    with pytest.raises(ScriptError, match=r'^index\.ts:2:21: could not resolve "\./missing"'):
        Worker.from_file(main)
    with pytest.raises(ScriptError, match=r"package left-pad is not installed"):
        load_graph(_write(tmp_path, {"b.js": "import pad from 'left-pad';\nexport default pad;\n"}))


def test_wasm_and_unsupported_builtins_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "add.wasm").write_bytes(b"\0asm\1\0\0\0")
    main = _write(tmp_path, {"w.js": "import add from './add.wasm';\nexport default { add };\n"})
    with pytest.raises(ScriptError, match=r"w\.js:1:17: .*CompiledWasm.*add\.wasm.*WebAssembly"):
        load_graph(main)
    main = _write(tmp_path, {"n.js": "import fs from 'node:fs';\nexport default fs;\n"})
    with pytest.raises(ScriptError, match=r"n\.js:1:16: .*node:fs is not supported"):
        load_graph(main)


def test_module_rules_replace_or_extend_the_defaults(tmp_path: Path) -> None:
    from edgert.modules.rules import module_type

    assert module_type("src/a.txt") == "Text"
    assert module_type("a.bin") == "Data"
    assert module_type("a.md") is None
    text_md = (ModuleRule("Text", ("**/*.md",)),)
    assert module_type("docs/a.md", text_md) == "Text"
    # Without fallthrough a user's Text rule replaces the default Text globs...
    assert module_type("a.txt", text_md) is None
    # ...with it, the defaults still apply.
    assert module_type("a.txt", (ModuleRule("Text", ("**/*.md",), True),)) == "Text"
    assert module_type("a.txt", (ModuleRule("Data", ("**/*.txt",)),)) == "Data"


def test_the_config_reads_rules_base_dir_and_no_bundle(project: Path) -> None:
    config = load_config(project)
    assert [r.globs for r in config.rules] == [("**/*.tmpl",)]
    assert config.rules[0].fallthrough and config.base_dir is None and not config.no_bundle
    toml = (project / "wrangler.toml").read_text()
    (project / "wrangler.toml").write_text(
        toml.replace('name = "signing"', 'name = "signing"\nno_bundle = true')
    )
    with pytest.raises(ConfigError, match="no_bundle"):
        build_worker(load_config(project))


def test_from_file_still_loads_one_file_service_worker_scripts(tmp_path: Path) -> None:
    main = _write(
        tmp_path, {"sw.js": "addEventListener('fetch', e => e.respondWith(new Response('sw')));\n"}
    )
    worker = Worker.from_file(main)
    try:
        assert worker.format == "service-worker" and worker.name == "sw.js"
        assert worker.fetch("https://a.example/").text() == "sw"
    finally:
        worker.close()


def test_a_cycle_of_imports_links(tmp_path: Path) -> None:
    main = _write(
        tmp_path,
        {
            "a.mts": "import { b } from './b.mjs';\nexport const a = (): string => 'a';\n"
            "export default { fetch() { return new Response(a() + b()) } };\n",
            "b.mjs": "import { a } from './a.mts';\nexport function b() { return 'b' + typeof a; }\n",
        },
    )
    worker = Worker.from_file(main)
    try:
        assert worker.fetch("https://a.example/").text() == "abfunction"
    finally:
        worker.close()


def test_dev_reloads_when_any_file_of_the_graph_changes(project: Path) -> None:
    from edgert.dev import Reloader

    config = load_config(project)
    network = build_network(config, state_dir=project / ".state")
    reloader = Reloader(config, network)
    try:

        def get(path: str) -> str:
            url = f"http://127.0.0.1:8787{path}"
            return network.fetch_sync(url, client="Paris").text()

        assert get("/greet") == "HELLO, WORLD!"
        linked = project / "node_modules" / "aws4fetch" / "dist" / "aws4fetch.esm.mjs"
        assert reloader.relevant(linked)  # a package file of the graph, under node_modules
        assert not reloader.relevant(project / "node_modules" / "aws4fetch" / "README.md")
        assert reloader.relevant(project / "src" / "greet.ts")
        assert reloader.relevant(project / "src" / "banner.tmpl")  # a rule's file in the graph
        greet = project / "src" / "greet.ts"
        greet.write_text(greet.read_text().replace("toUpperCase()", "toLowerCase()"))
        outcome = reloader.reload(["src/greet.ts"])
        assert outcome.ok, outcome.error
        assert get("/greet") == "hello, world!"
        # A broken import keeps the old version serving, with a positioned error.
        index = project / "src" / "index.ts"
        index.write_text(index.read_text().replace('"./greet"', '"./gone"'))
        outcome = reloader.reload(["src/index.ts"])
        assert not outcome.ok and outcome.error is not None
        assert outcome.error.startswith('src/index.ts:4:44: could not resolve "./gone"')
        assert get("/greet") == "hello, world!"
    finally:
        network.close()


def test_the_chat_demo_serves_its_html_data_module(shared_data: Path) -> None:
    # workers-chat-demo's wrangler.toml makes .html a Data module (an ArrayBuffer), with
    # fallthrough = false; its worker serves that buffer as the page.
    demo = shared_data / "workers-examples" / "projects" / "workers-chat-demo"
    if not demo.is_dir():
        pytest.skip("workers-examples/projects/workers-chat-demo is not in ../shared/data")
    config = load_config(demo)
    worker = build_worker(config, min_isolates=1)
    try:
        assert worker.modules is not None
        kinds = {m.name: m.kind for m in worker.modules.modules}
        assert kinds == {"src/chat.mjs": "esm", "src/chat.html": "data"}
        r = worker.fetch("https://chat.example/")
        assert r.status == 200
        assert r.body == (demo / "src" / "chat.html").read_bytes()
    finally:
        worker.close()


def test_a_dynamic_import_with_a_literal_specifier_is_part_of_the_graph(tmp_path: Path) -> None:
    main = _write(
        tmp_path,
        {
            "index.js": "export default { async fetch() {\n"
            '  const m = await import("./lazy.ts");\n'
            "  return new Response(m.value()); } };\n",
            "lazy.ts": 'export const value = (): string => "lazy";\n',
        },
    )
    worker = Worker.from_file(main)
    try:
        assert worker.modules is not None and len(worker.modules.modules) == 2
        assert worker.fetch("https://a.example/").text() == "lazy"
    finally:
        worker.close()
