//! Splits the grammars that highlight code (two-face's syntect dump: syntect's defaults plus
//! bat's, TOML among them) into one small dump per language, each holding that language and
//! the grammars it embeds. A build then loads only the languages its pages use: loading the
//! whole dump costs a few milliseconds, most of the time of a small site (BENCHMARKS.md).
//!
//! Writes `$OUT_DIR/grammars.rs`, included by `src/markdown/highlight.rs`: the table of
//! syntaxes (name and file extensions, in the dump's order, so that a fence token finds the
//! same grammar as `SyntaxSet::find_syntax_by_token` on the whole dump) and the split dumps.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use syntect::parsing::syntax_definition::{
    Context, ContextId, ContextReference, MatchOperation, Pattern, SyntaxDefinition,
};
use syntect::parsing::{SyntaxSet, SyntaxSetBuilder};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    let full: SyntaxSet = two_face::syntax::extra_newlines();
    let defs: Vec<SyntaxDefinition> = full.into_builder().syntaxes().to_vec();

    let direct: Vec<BTreeSet<usize>> = defs.iter().map(dependencies).collect();
    // Each syntax with everything it reaches, itself first.
    let closures: Vec<Vec<usize>> = (0..defs.len())
        .map(|i| {
            let mut seen = BTreeSet::from([i]);
            let mut todo = vec![i];
            while let Some(j) = todo.pop() {
                for &k in &direct[j] {
                    if seen.insert(k) {
                        todo.push(k);
                    }
                }
            }
            seen.into_iter().collect()
        })
        .collect();

    let mut dumps: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let mut table = String::from("static SYNTAXES: &[Syntax] = &[\n");
    let mut files = String::from("static DUMPS: &[&[u8]] = &[\n");
    for (i, def) in defs.iter().enumerate() {
        let members = &closures[i];
        let next = dumps.len();
        let dump = *dumps.entry(members.clone()).or_insert_with(|| {
            let name = format!("grammar-{next}.bin");
            // Uncompressed, as two-face's: each grammar's contexts are compressed inside.
            syntect::dumps::dump_to_uncompressed_file(&subset(&defs, members), out.join(&name))
                .expect("OUT_DIR is writable");
            let _ = writeln!(
                files,
                "    include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}\")),"
            );
            next
        });
        let at = members.iter().position(|&m| m == i).unwrap_or(0);
        let _ = writeln!(
            table,
            "    Syntax {{ name: {:?}, extensions: &{:?}, dump: {dump}, index: {at} }},",
            def.name, def.file_extensions
        );
    }
    table.push_str("];\n");
    files.push_str("];\n");
    let _ = writeln!(files, "const DUMP_COUNT: usize = {};", dumps.len());
    std::fs::write(out.join("grammars.rs"), table + &files).expect("OUT_DIR is writable");
}

/// The indices of the other syntaxes that `def`'s contexts refer to.
fn dependencies(def: &SyntaxDefinition) -> BTreeSet<usize> {
    let mut deps = BTreeSet::new();
    for ctx in def.contexts.values() {
        visit(ctx, &mut |id| {
            deps.insert(parts(id).0);
            *id
        });
    }
    deps
}

/// The syntaxes `members` (indices into `defs`) as a set of their own, each reference renumbered
/// to the syntax's place in the new set (contexts keep their places: syntect numbers a syntax's
/// contexts in the order of their names).
fn subset(defs: &[SyntaxDefinition], members: &[usize]) -> SyntaxSet {
    let mut builder = SyntaxSetBuilder::new();
    for &m in members {
        let mut def = defs[m].clone();
        for ctx in def.contexts.values_mut() {
            visit_mut(ctx, &mut |id| {
                let (syntax, context) = parts(id);
                let to = members
                    .iter()
                    .position(|&x| x == syntax)
                    .expect("a closure holds every syntax its members refer to");
                make(to, context)
            });
        }
        builder.add(def);
    }
    builder.build()
}

fn visit(ctx: &Context, f: &mut impl FnMut(&ContextId) -> ContextId) {
    let mut copy = ctx.clone();
    visit_mut(&mut copy, f);
}

/// Calls `f` on every context id `ctx` holds and stores what it returns.
fn visit_mut(ctx: &mut Context, f: &mut impl FnMut(&ContextId) -> ContextId) {
    if let Some(p) = ctx.prototype.as_mut() {
        *p = f(p);
    }
    let mut reference = |r: &mut ContextReference| {
        if let ContextReference::Direct { 0: id, .. } = r {
            *id = f(id);
        }
    };
    for pattern in &mut ctx.patterns {
        match pattern {
            Pattern::Include(r) => reference(r),
            Pattern::Match(m) => {
                if let MatchOperation::Push(refs) | MatchOperation::Set(refs) = &mut m.operation {
                    refs.iter_mut().for_each(&mut reference);
                }
                if let Some(r) = m.with_prototype.as_mut() {
                    reference(r);
                }
            }
        }
    }
}

/// syntect keeps a context id's fields private; its serde form shows them.
fn parts(id: &ContextId) -> (usize, usize) {
    let v = serde_json::to_value(id).expect("a context id serializes");
    let field = |k: &str| {
        v[k].as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .expect("syntax_index and context_index are numbers")
    };
    (field("syntax_index"), field("context_index"))
}

fn make(syntax: usize, context: usize) -> ContextId {
    serde_json::from_value(serde_json::json!({
        "syntax_index": syntax,
        "context_index": context,
    }))
    .expect("a context id deserializes")
}
