//! The modules of a multi-file worker version, compiled once to bytecode, and the QuickJS
//! loader that links them inside each isolate.
//!
//! The host resolves the graph (it reads the files; the core does no I/O) and hands over every
//! module with its kind and, per module, the table specifier -> module name of its imports. Each
//! module is compiled here once per worker version, in one compiler context (QuickJS loads a
//! module's static imports while compiling it, so each module is compiled when first imported);
//! an isolate only reads bytecode. Kinds follow
//! wrangler's module rules: `ESModule` (JavaScript, already compiled from TypeScript by the
//! host's `transpile` call), `Text` (default export: the file as a string) and `Data` (default
//! export: the bytes as an `ArrayBuffer`).
//!
//! Specifiers that are not in a module's table fall through to the built-in modules
//! (`cloudflare:workers`, `node:buffer`), so a one-file worker and a graph link the same way.

use super::modules::Builtins;
use super::script::{exception_message, with_compiler_linking, CompileError, Script, ScriptKind};
use parking_lot::Mutex;
use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Error, Module, Result, WriteOptions};
use std::collections::HashMap;
use std::sync::Arc;

/// What a module's source is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleBody {
    /// JavaScript module source.
    EsModule(String),
    /// Wrangler's `Text` rule: `export default` the string.
    Text(String),
    /// Wrangler's `Data` rule: `export default` an `ArrayBuffer` of the bytes.
    Data(Vec<u8>),
}

/// One module as the host resolved it.
#[derive(Clone, Debug)]
pub struct ModuleSource {
    pub name: String,
    pub body: ModuleBody,
    /// Specifier as written in the module -> name of the module it resolves to.
    pub imports: Vec<(String, String)>,
}

#[derive(Debug)]
struct CompiledModule {
    bytecode: Vec<u8>,
    imports: HashMap<String, String>,
}

/// A worker version's compiled modules, shared by its isolates.
#[derive(Debug, Default)]
pub struct ModuleSet {
    modules: HashMap<String, CompiledModule>,
}

impl ModuleSet {
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }
}

/// The JavaScript of a `Text` module.
fn text_module(text: &str) -> String {
    // A JSON string is a valid JavaScript string literal (ES2019 allows U+2028/U+2029 in them).
    let literal = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    format!("export default {literal};\n")
}

/// The JavaScript of a `Data` module: the bytes as a one-byte-per-character string literal
/// (QuickJS stores it as 8-bit in the bytecode), copied into a fresh `ArrayBuffer` when an
/// isolate evaluates the module.
fn data_module(bytes: &[u8]) -> String {
    let mut literal = String::with_capacity(bytes.len() + 2);
    literal.push('"');
    for &b in bytes {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            literal.push(b as char);
        } else {
            literal.push_str(&format!("\\x{b:02x}"));
        }
    }
    literal.push('"');
    format!(
        "const s = {literal};\nconst b = new Uint8Array(s.length);\n\
         for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);\nexport default b.buffer;\n"
    )
}

/// What the compiler links against while compiling a graph: every module's source and import
/// table; each module it loads is compiled from source and its bytecode kept.
#[derive(Clone)]
struct CompileLinker {
    sources: Arc<HashMap<String, String>>,
    tables: Arc<HashMap<String, HashMap<String, String>>>,
    compiled: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl CompileLinker {
    fn declare<'js>(&self, ctx: &Ctx<'js>, name: &str) -> Result<Module<'js, Declared>> {
        let source = self.sources.get(name).ok_or_else(|| Error::new_loading(name))?;
        let module = Module::declare(ctx.clone(), name, source.as_str())?;
        let bytecode = module.write(WriteOptions {
            strip_source: true,
            ..Default::default()
        })?;
        self.compiled.lock().insert(name.to_owned(), bytecode);
        Ok(module)
    }
}

impl Resolver for CompileLinker {
    fn resolve<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        attributes: Option<ImportAttributes<'js>>,
    ) -> Result<String> {
        if let Some(target) = self.tables.get(base).and_then(|t| t.get(name)) {
            return Ok(target.clone());
        }
        Builtins.resolve(ctx, base, name, attributes)
    }
}

impl Loader for CompileLinker {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        attributes: Option<ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        if self.sources.contains_key(name) {
            self.declare(ctx, name)
        } else {
            Builtins.load(ctx, name, attributes)
        }
    }
}

/// Compiles every module of a graph whose entry is `entry` (which must be one of `modules`),
/// in one compiler: each module is compiled once, when first imported.
pub fn compile_graph(entry: &str, modules: Vec<ModuleSource>) -> std::result::Result<Script, CompileError> {
    let mut sources = HashMap::new();
    let mut tables = HashMap::new();
    let mut order = Vec::new();
    let mut source_len = 0;
    for m in modules {
        let source = match &m.body {
            ModuleBody::EsModule(s) => s.clone(),
            ModuleBody::Text(t) => text_module(t),
            ModuleBody::Data(d) => data_module(d),
        };
        source_len += source.len();
        order.push(m.name.clone());
        sources.insert(m.name.clone(), source);
        tables.insert(m.name, m.imports.into_iter().collect::<HashMap<_, _>>());
    }
    if !sources.contains_key(entry) {
        return Err(CompileError {
            message: format!("the entry module {entry} is not in the module set"),
        });
    }
    let linker = CompileLinker {
        sources: Arc::new(sources),
        tables: Arc::new(tables),
        compiled: Arc::new(Mutex::new(HashMap::new())),
    };
    let compiled = linker.compiled.clone();
    let driver = linker.clone();
    with_compiler_linking(linker.clone(), linker, |ctx| {
        // The entry first (its static imports load with it), then whatever only a dynamic
        // `import()` reaches.
        for name in std::iter::once(entry.to_owned()).chain(order) {
            if !compiled.lock().contains_key(&name) {
                driver.declare(ctx, &name).map_err(|e| exception_message(ctx, e))?;
            }
        }
        Ok(())
    })?;
    let mut compiled = std::mem::take(&mut *compiled.lock());
    let mut tables = Arc::try_unwrap(driver.tables).unwrap_or_else(|shared| (*shared).clone());
    let bytecode = compiled.get(entry).cloned().unwrap_or_default();
    let set = ModuleSet {
        modules: compiled
            .drain()
            .map(|(name, bytecode)| {
                let imports = tables.remove(&name).unwrap_or_default();
                (name, CompiledModule { bytecode, imports })
            })
            .collect(),
    };
    Ok(Script {
        name: entry.to_owned(),
        kind: ScriptKind::Module,
        bytecode,
        source_len,
        modules: Some(Arc::new(set)),
    })
}

/// The loader of an isolate running a graph: the graph's modules, then the built-ins.
pub struct GraphLoader(pub Arc<ModuleSet>);

impl Resolver for GraphLoader {
    fn resolve<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        attributes: Option<ImportAttributes<'js>>,
    ) -> Result<String> {
        if let Some(target) = self.0.modules.get(base).and_then(|m| m.imports.get(name)) {
            return Ok(target.clone());
        }
        Builtins.resolve(ctx, base, name, attributes)
    }
}

impl Loader for GraphLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        attributes: Option<ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        match self.0.modules.get(name) {
            // SAFETY: the bytecode was produced by `compile_module` in this process from the
            // same QuickJS build, so it is well-formed for JS_ReadObject.
            Some(m) => unsafe { Module::load(ctx.clone(), &m.bytecode) },
            None => Builtins.load(ctx, name, attributes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(name: &str, src: &str, imports: &[(&str, &str)]) -> ModuleSource {
        ModuleSource {
            name: name.into(),
            body: ModuleBody::EsModule(src.into()),
            imports: imports.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        }
    }

    #[test]
    fn compiles_a_graph_with_text_and_data_modules() {
        let script = compile_graph(
            "src/index.js",
            vec![
                js(
                    "src/index.js",
                    "import t from './a.txt';\nexport default { t };",
                    &[("./a.txt", "src/a.txt")],
                ),
                ModuleSource {
                    name: "src/a.txt".into(),
                    body: ModuleBody::Text("he said \"hi\"\n\u{2028}".into()),
                    imports: vec![],
                },
                ModuleSource {
                    name: "src/b.bin".into(),
                    body: ModuleBody::Data(vec![0, 1, 0x22, 0x5c, 0xff]),
                    imports: vec![],
                },
            ],
        )
        .unwrap();
        assert_eq!(script.kind, ScriptKind::Module);
        assert_eq!(script.modules.as_ref().unwrap().len(), 3);
        assert!(compile_graph("missing.js", vec![]).is_err());
    }
}
