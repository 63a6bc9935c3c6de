//! The render stage: Tera templates over prepared page contexts. Built-in templates are
//! embedded in the binary; a file of the same name under the project's `theme/templates/`
//! overrides one. Template errors become diagnostics located in the template file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tera::{Context, Tera};

use crate::diag::Diagnostic;

/// Where each template came from, for error messages.
/// Template name → (path shown to the user, text).
type TemplateFiles = HashMap<String, (PathBuf, String)>;

#[derive(Clone)]
pub struct Templates {
    pub tera: Tera,
    files: TemplateFiles,
}

/// Loads the built-in templates and the project's overrides. Every syntax error is reported.
pub fn load(theme_dir: &Path, root: &Path) -> Result<Templates, Vec<Diagnostic>> {
    let mut sources: TemplateFiles = HashMap::new();
    let (files, mut problems) = match crate::theme::overlay(theme_dir, root, "templates") {
        Ok(files) => (files, Vec::new()),
        Err(problems) => (Default::default(), problems),
    };
    for (name, file) in files {
        match crate::diag::decode(&file.bytes, &file.shown) {
            Ok(text) => {
                sources.insert(name, (file.shown, text));
            }
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut names: Vec<&String> = sources.keys().collect();
    names.sort();
    let mut tera = Tera::new();
    let all: Vec<(&String, &String)> = names.iter().map(|n| (*n, &sources[*n].1)).collect();
    if let Err(e) = tera.add_raw_templates(all) {
        // Tera stops at the first problem: parse each template alone to report every syntax
        // error, and fall back to the first problem when none is a syntax error.
        for name in &names {
            let mut probe = Tera::new();
            if let Err(e) = probe.add_raw_template(name, &sources[*name].1)
                && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
            {
                problems.extend(diagnostics(&e, &sources, name));
            }
        }
        if problems.is_empty() {
            problems = diagnostics(&e, &sources, "");
        }
        return Err(problems);
    }
    Ok(Templates {
        tera,
        files: sources,
    })
}

impl Templates {
    /// The hash of every template's name and text, in name order.
    pub fn source_hash(&self) -> u64 {
        let mut names: Vec<&String> = self.files.keys().collect();
        names.sort();
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for name in names {
            h.update(name.as_bytes());
            h.update(b"\0");
            h.update(self.files[name].1.as_bytes());
            h.update(b"\0");
        }
        h.digest()
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders one template; errors point at the template's file.
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.render_sized(name, ctx, 16 * 1024)
    }

    /// Renders into a buffer of `capacity` bytes to start with (a page is its content plus
    /// some kilobytes of layout), sparing the copies of a growing string.
    pub fn render_sized(
        &self,
        name: &str,
        ctx: &Context,
        capacity: usize,
    ) -> Result<String, Diagnostic> {
        let mut buf = Vec::with_capacity(capacity);
        let located = |e: tera::Error| {
            diagnostics(&e, &self.files, name)
                .into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::file(name, e.to_string()))
        };
        self.tera.render_to(name, ctx, &mut buf).map_err(located)?;
        String::from_utf8(buf)
            .map_err(|_| Diagnostic::file(name, "the template produced text that is not UTF-8"))
    }

    pub fn global(&mut self) -> &mut Context {
        self.tera.global_context()
    }
}

/// The first template a message names in backquotes or quotes, when Tera gives no position.
/// The project's own templates come first: they are the ones a user can fix.
fn mentioned<'a>(message: &'a str, files: &TemplateFiles) -> Option<&'a str> {
    let quoted = |q: char| message.split(q).skip(1).step_by(2);
    let named: Vec<&str> = quoted('`')
        .chain(quoted('\''))
        .filter(|n| files.contains_key(*n))
        .collect();
    let builtin = |n: &&str| {
        files
            .get(*n)
            .is_some_and(|f| f.0.to_string_lossy().starts_with("<built-in"))
    };
    named
        .iter()
        .find(|n| !builtin(n))
        .or(named.first())
        .copied()
}

/// A Tera error as located diagnostics (one error may hold several reports).
fn diagnostics(e: &tera::Error, files: &TemplateFiles, fallback: &str) -> Vec<Diagnostic> {
    // Line 0: Tera gave no position, and the problem is the template's as a whole.
    let located = |name: &str, line: usize, col: usize, msg: String| {
        let mut d = match files.get(name) {
            Some((shown, _)) if line == 0 => Diagnostic::file(shown, msg),
            Some((shown, text)) => Diagnostic::error(shown, line, col, msg).with_line_of(text),
            None if line == 0 => Diagnostic::file(name, msg),
            None => Diagnostic::error(name, line, col, msg),
        };
        if d.message.contains("is defined in both") {
            d = d.with_hint("a component is defined once: to change a built-in one, copy components.html into theme/templates/ and edit it there");
        } else if d.message.contains("is not defined") || d.message.contains("not found in context")
        {
            d = d.with_hint(
                "check the variable's name; docs/templates.md lists what each template receives",
            );
        }
        d
    };
    // Where a template says `{% extends "x" %}`, for errors Tera gives without a position.
    let extends_at = |name: &str, parent: &str| -> (usize, usize) {
        files
            .get(name)
            .and_then(|(_, text)| {
                let at = text
                    .find(&format!("\"{parent}\""))
                    .or_else(|| text.find(&format!("'{parent}'")))?;
                Some(crate::diag::line_col(text, at))
            })
            .unwrap_or((0, 0))
    };
    let mut chain = Vec::new();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let detail = if chain.is_empty() {
        String::new()
    } else {
        format!(": {}", chain.join(": "))
    };
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let builtin = |n: &str| {
                files
                    .get(n)
                    .is_some_and(|f| f.0.to_string_lossy().starts_with("<built-in"))
            };
            let user_named = mentioned(r.message(), files).filter(|n| !builtin(n));
            let name =
                if !r.filename().is_empty() && (!builtin(r.filename()) || user_named.is_none()) {
                    r.filename()
                } else if let Some(n) = user_named {
                    n
                } else if !fallback.is_empty() {
                    fallback
                } else {
                    mentioned(r.message(), files).unwrap_or("theme/templates")
                };
            let span = r.span();
            vec![located(
                name,
                span.start_line,
                span.start_col + 1,
                format!("{}{detail}", r.message()),
            )]
        }
        tera::ErrorKind::TemplateNotFound(t) => vec![
            located(fallback, 0, 0, format!("template {t:?} not found")).with_hint(
                "templates live in theme/templates/; docs/templates.md lists the built-in ones",
            ),
        ],
        tera::ErrorKind::MissingParent { current, parent } => {
            let (l, c) = extends_at(current, parent);
            vec![located(
                current,
                l,
                c,
                format!("extends \"{parent}\", which does not exist"),
            )]
        }
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => vec![located(
            tpl,
            1,
            1,
            format!(
                "templates extend each other in a loop: {}",
                inheritance_chain.join(" → ")
            ),
        )],
        tera::ErrorKind::CircularInclude { tpl, include_chain } => vec![located(
            tpl,
            1,
            1,
            format!(
                "templates include each other in a loop: {}",
                include_chain.join(" → ")
            ),
        )],
        _ => {
            // Tera reports some problems (unknown filters, templates, blocks) as text:
            // "error: MESSAGE\n --> NAME:LINE:COL". Read every such report.
            let text = e.to_string();
            let mut out = Vec::new();
            let mut lines = text.lines().peekable();
            while let Some(line) = lines.next() {
                let Some(msg) = line.trim_start().strip_prefix("error: ") else {
                    continue;
                };
                let Some(loc) = lines
                    .peek()
                    .and_then(|l| l.trim_start().strip_prefix("--> "))
                else {
                    continue;
                };
                let mut parts = loc.rsplitn(3, ':');
                let (col, line_no, name) = (parts.next(), parts.next(), parts.next());
                if let (Some(c), Some(l), Some(n)) = (
                    col.and_then(|c| c.parse().ok()),
                    line_no.and_then(|l| l.parse().ok()),
                    name,
                ) {
                    out.push(located(n, l, c, msg.to_owned()));
                }
            }
            if out.is_empty() {
                // No position: name the template the message mentions, if any.
                let first = text.lines().next().unwrap_or_default();
                let name = mentioned(first, files).unwrap_or(if fallback.is_empty() {
                    "theme/templates"
                } else {
                    fallback
                });
                out.push(located(name, 0, 0, format!("{first}{detail}")));
            }
            out
        }
    }
}
