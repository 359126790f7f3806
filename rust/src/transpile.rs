//! One source file of a multi-file worker made ready for QuickJS: TypeScript compiled to
//! JavaScript by oxc, and the module specifiers the file imports, with where each appears.
//!
//! JavaScript files are parsed only (to find their imports and report syntax errors with a
//! position) and handed on unchanged, so their line and column numbers stay exact. TypeScript
//! files go through oxc's transformer (types stripped, `enum` and `namespace` lowered, legacy
//! decorators lowered as `experimentalDecorators` does) and printed by oxc's codegen; the
//! printed code does not keep the original layout, so the result carries a line map from each
//! printed line to its source line (taken from the codegen's source map), with which the host
//! points stack frames back into the `.ts` file.
//!
//! Imports are read after the transform, so `import type` and imports only used as types (which
//! TypeScript and esbuild elide) are not part of the module graph.

use oxc::allocator::Allocator;
use oxc::ast::ast::Statement;
use oxc::codegen::{Codegen, CodegenOptions};
use oxc::diagnostics::OxcDiagnostic;
use oxc::parser::Parser;
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;
use oxc::transformer::{TransformOptions, Transformer};
use std::path::Path;

/// A module request in a source file: the specifier and its 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRef {
    pub specifier: String,
    pub line: u32,
    pub column: u32,
    /// `import("...")` rather than a static `import`/`export ... from`.
    pub dynamic: bool,
}

/// The JavaScript to compile and the file's imports.
#[derive(Debug)]
pub struct Transpiled {
    pub code: String,
    pub imports: Vec<ImportRef>,
    /// For TypeScript: `line_map[n]` is the source line (1-based) of printed line `n + 1`
    /// (0 where the printed line maps to no source). Empty for JavaScript (lines are kept).
    pub line_map: Vec<u32>,
}

/// A file that could not be compiled: what failed and where (1-based; 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranspileError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl std::fmt::Display for TranspileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for TranspileError {}

/// 1-based line and column (in characters) of byte `offset` of `source`.
pub fn position(source: &str, offset: u32) -> (u32, u32) {
    let offset = (offset as usize).min(source.len());
    let mut at = offset;
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    let before = &source[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    (line, column)
}

fn first_error(file: &str, source: &str, diagnostics: &[OxcDiagnostic]) -> Option<TranspileError> {
    let d = diagnostics.first()?;
    let (line, column) = d
        .labels
        .iter()
        .find(|l| l.primary())
        .or_else(|| d.labels.first())
        .map_or((0, 0), |l| position(source, l.offset()));
    let mut message = format!("SyntaxError: {}", d.message);
    if let Some(help) = &d.help {
        message.push_str(&format!(" ({help})"));
    }
    Some(TranspileError {
        file: file.to_owned(),
        line,
        column,
        message,
    })
}

/// Whether `file` is TypeScript (by its extension).
pub fn is_typescript(file: &str) -> bool {
    [".ts", ".mts", ".cts", ".tsx"].iter().any(|e| file.ends_with(e))
}

/// Parses `source` (the contents of `file`), compiles it to JavaScript if it is TypeScript and
/// lists its imports. Never panics on bad input: every failure is a `TranspileError`.
pub fn transpile(file: &str, source: &str) -> Result<Transpiled, TranspileError> {
    let typescript = is_typescript(file);
    if file.ends_with(".tsx") || file.ends_with(".jsx") {
        return Err(TranspileError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: "JSX is not supported (compile it to JavaScript first)".into(),
        });
    }
    let source_type = if typescript {
        SourceType::ts()
    } else if file.ends_with(".mjs") {
        SourceType::mjs()
    } else {
        // `.js`: a module if it has `import`/`export`, else a (sloppy-mode) classic script, as a
        // service-worker script is.
        SourceType::unambiguous()
    };
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if let Some(e) = first_error(file, source, &parsed.diagnostics) {
        return Err(e);
    }
    if parsed.panicked {
        return Err(TranspileError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: "SyntaxError: the parser gave up".into(),
        });
    }
    let mut program = parsed.program;
    let dynamic: Vec<ImportRef> = parsed
        .module_record
        .dynamic_imports
        .iter()
        .filter_map(|d| {
            let text = source.get(d.module_request.start as usize..d.module_request.end as usize)?;
            let quoted = text.len() >= 2
                && ((text.starts_with('"') && text.ends_with('"')) || (text.starts_with('\'') && text.ends_with('\'')));
            if !quoted || text[1..text.len() - 1].contains(['\\', '"', '\'']) {
                return None; // a computed specifier: resolved (and rejected) at run time
            }
            let (line, column) = position(source, d.module_request.start);
            Some(ImportRef {
                specifier: text[1..text.len() - 1].to_owned(),
                line,
                column,
                dynamic: true,
            })
        })
        .collect();
    let semantic = SemanticBuilder::new()
        .with_check_syntax_error(true)
        .with_enum_eval(true)
        .build(&program);
    if let Some(e) = first_error(file, source, &semantic.diagnostics) {
        return Err(e);
    }
    let mut line_map = Vec::new();
    let code = if typescript {
        let scoping = semantic.semantic.into_scoping();
        let mut options = TransformOptions::default();
        // TypeScript's `experimentalDecorators`, which esbuild also follows for `.ts` files:
        // the only decorator lowering oxc has (QuickJS has no decorators of its own).
        options.decorator.legacy = true;
        let transformed =
            Transformer::new(&allocator, Path::new(file), &options).build_with_scoping(scoping, &mut program);
        if let Some(e) = first_error(file, source, &transformed.diagnostics) {
            return Err(e);
        }
        let printed = Codegen::new()
            .with_options(CodegenOptions {
                source_map_path: Some(Path::new(file).to_path_buf()),
                ..CodegenOptions::default()
            })
            .build(&program);
        if let Some(map) = &printed.map {
            let lines = printed.code.bytes().filter(|&b| b == b'\n').count() + 1;
            line_map = vec![0u32; lines];
            for token in map.get_tokens() {
                let slot = &mut line_map[(token.get_dst_line() as usize).min(lines - 1)];
                let src = token.get_src_line() + 1;
                if *slot == 0 || src < *slot {
                    *slot = src;
                }
            }
        }
        printed.code
    } else {
        source.to_owned()
    };
    let mut imports = Vec::new();
    for statement in &program.body {
        let literal = match statement {
            Statement::ImportDeclaration(d) => Some(&d.source),
            Statement::ExportFromDeclaration(d) => Some(&d.source),
            Statement::ExportAllDeclaration(d) => Some(&d.source),
            _ => None,
        };
        if let Some(literal) = literal {
            let (line, column) = position(source, literal.span.start);
            imports.push(ImportRef {
                specifier: literal.value.to_string(),
                line,
                column,
                dynamic: false,
            });
        }
    }
    imports.extend(dynamic);
    Ok(Transpiled {
        code,
        imports,
        line_map,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_types_and_lists_value_imports() {
        let src = "import type { T } from './types';\nimport { used, onlyType } from './lib';\nconst x: number = used(1 as number);\nlet y: onlyType;\nexport default { fetch(): Response { return new Response(String(x)); } };\n";
        let out = transpile("src/index.ts", src).unwrap();
        assert!(!out.code.contains(": number"), "{}", out.code);
        assert_eq!(out.imports.len(), 1);
        assert_eq!(out.imports[0].specifier, "./lib");
        assert_eq!((out.imports[0].line, out.imports[0].column), (2, 32));
        assert!(!out.line_map.is_empty());
    }

    #[test]
    fn lowers_enums_and_namespaces() {
        let out = transpile(
            "a.ts",
            "enum Color { Red, Green = 5 }\nnamespace N { export const k = 1 }\nexport default [Color.Green, N.k];",
        )
        .unwrap();
        assert!(out.code.contains("Color"), "{}", out.code);
        assert!(!out.code.contains("enum "), "{}", out.code);
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let err = transpile("src/bad.ts", "const a = 1;\nconst b: = 2;\n").unwrap_err();
        assert_eq!((err.line, err.file.as_str()), (2, "src/bad.ts"));
        assert!(err.to_string().starts_with("src/bad.ts:2:"), "{err}");
    }

    #[test]
    fn javascript_is_passed_through_and_dynamic_imports_are_listed() {
        let src = "export * from \"./a.js\";\nexport { b } from './b.js';\nconst m = import('./c.js');\nconst n = import(name);\n";
        let out = transpile("x.js", src).unwrap();
        assert_eq!(out.code, src);
        let specs: Vec<_> = out.imports.iter().map(|i| (i.specifier.as_str(), i.dynamic)).collect();
        assert_eq!(specs, vec![("./a.js", false), ("./b.js", false), ("./c.js", true)]);
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(position("ab\ncé d", 7), (2, 4));
        assert_eq!(position("", 10), (1, 1));
    }
}
