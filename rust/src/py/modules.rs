//! The Python side of multi-file workers: `transpile` (one file -> JavaScript and its imports)
//! and the conversion of a host-resolved module list into the core's `ModuleSource`s.

use super::errors::error;
use crate::isolate::{ModuleBody, ModuleSource};
use crate::transpile::transpile as transpile_file;
use pyo3::prelude::*;

/// `(code, imports, line_map)`: the JavaScript of `file` (TypeScript compiled by oxc, JavaScript
/// unchanged), its imports as `(specifier, line, column, dynamic)` and, for TypeScript, the
/// source line of each printed line. A syntax error raises `ScriptError` "file:line:column: ...".
#[pyfunction]
#[allow(clippy::type_complexity)]
fn transpile(py: Python<'_>, file: &str, source: &str) -> PyResult<(String, Vec<(String, u32, u32, bool)>, Vec<u32>)> {
    let result = py.detach(|| transpile_file(file, source));
    match result {
        Ok(out) => Ok((
            out.code,
            out.imports
                .into_iter()
                .map(|i| (i.specifier, i.line, i.column, i.dynamic))
                .collect(),
            out.line_map,
        )),
        Err(e) => Err(error(py, "ScriptError", e.to_string())),
    }
}

/// One module handed over from Python: `(name, kind, payload, imports)`, kind one of
/// `"esm"`, `"text"` (payload UTF-8) or `"data"`.
pub(crate) type PyModuleSpec = (String, String, Vec<u8>, Vec<(String, String)>);

pub(crate) fn module_sources(specs: Vec<PyModuleSpec>) -> Result<Vec<ModuleSource>, String> {
    specs
        .into_iter()
        .map(|(name, kind, payload, imports)| {
            let text = |p: Vec<u8>| String::from_utf8(p).map_err(|_| format!("{name}: not valid UTF-8"));
            let body = match kind.as_str() {
                "esm" => ModuleBody::EsModule(text(payload)?),
                "text" => ModuleBody::Text(text(payload)?),
                "data" => ModuleBody::Data(payload),
                other => return Err(format!("{name}: unknown module kind {other:?}")),
            };
            Ok(ModuleSource { name, body, imports })
        })
        .collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(transpile, m)?)
}
