//! The Markdown spec suites through pillar's Markdown stage (issue 16): the 655 examples of
//! CommonMark 0.31.2 and the GFM examples of the extensions pillar enables (tables,
//! strikethrough, footnotes, task lists), read at test time from the copies in `tests/spec/`.
//!
//! - With pillar's additions switched off, the output must equal pulldown-cmark's, with the
//!   same options, byte for byte, on every example.
//! - With them on (and again with glossary terms that occur all through the spec), both outputs
//!   are parsed as HTML and compared tree to tree. Every difference must be one of the
//!   documented additions, each checked by its own rule ([`Rule`]); anything else fails.
//!
//! Run with `--nocapture` to see the counts.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use pillar::markdown::PageRenderer;
use pillar::markdown::fixture::TwoPages;
use pillar::model::reform::Origin;
use scraper::{ElementRef, Html, Node};

use crate::common::repo;

/// One example of a spec file.
struct Example {
    /// `cm-0042`, `gfm-0198`, `ext-0003`: the file and the example's number in it.
    id: String,
    section: String,
    markdown: String,
}

const FENCE: &str = "````````````````````````````````";

/// The examples of `file` (in `tests/spec/`) that `keep(section, extension)` accepts.
fn examples(file: &str, prefix: &str, keep: &dyn Fn(&str, &str) -> bool) -> Vec<Example> {
    let path = repo().join("tests/spec").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = text.lines();
    let mut number = 0;
    while let Some(line) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_owned();
            continue;
        }
        if let Some(title) = line.strip_prefix("# ") {
            section = title.trim().to_owned();
            continue;
        }
        let Some(kind) = line
            .strip_prefix(FENCE)
            .and_then(|r| r.trim().strip_prefix("example"))
        else {
            continue;
        };
        number += 1;
        let mut markdown = String::new();
        for l in lines.by_ref() {
            if l == "." {
                break;
            }
            markdown.push_str(&l.replace('→', "\t"));
            markdown.push('\n');
        }
        // The expected HTML is cmark's; the reference here is pulldown-cmark.
        for l in lines.by_ref() {
            if l == FENCE {
                break;
            }
        }
        if keep(&section, kind.trim()) {
            out.push(Example {
                id: format!("{prefix}-{number:04}"),
                section: section.clone(),
                markdown,
            });
        }
    }
    out
}

fn all_examples() -> Vec<Example> {
    let mut all = examples("commonmark-0.31.2-spec.txt", "cm", &|_, _| true);
    assert_eq!(all.len(), 655, "CommonMark 0.31.2 has 655 examples");
    // pulldown-cmark has no GFM extended autolinks and no tag filter: those are left out.
    all.extend(examples("gfm-0.29-spec.txt", "gfm", &|_, kind| {
        matches!(kind, "table" | "strikethrough")
    }));
    all.extend(examples("gfm-0.29-extensions.txt", "ext", &|section, _| {
        matches!(
            section,
            "Tables" | "Strikethroughs" | "Footnotes" | "Task lists"
        )
    }));
    all
}

/// The options pillar renders with, as plain pulldown-cmark would render them.
fn plain(md: &str) -> String {
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(md, pillar::markdown::options());
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// Terms that occur all through the spec (the review of issue 16 used the same).
const TERMS: &[(&str, &str)] = &[
    ("foo", "Term foo"),
    ("bar", "Term bar"),
    ("baz", "Term baz"),
    ("Foo", "Term Foo"),
    ("bim", "Term bim"),
    ("hi", "Term hi"),
    ("aaa", "Term aaa"),
    ("url", "Term url"),
    ("title", "Term title"),
    ("link", "Term link"),
    ("b", "Term b"),
    ("a", "Term a"),
];

fn origin(md: &str) -> Origin {
    Origin {
        shown: Arc::from(Path::new("content/_index.md")),
        text: Arc::from(md),
        base: 0,
        map: None,
    }
}

/// Renders `md` as pillar's home page, in a site holding every file the example links to.
fn pillar(md: &str, additions: bool, terms: &[(&str, &str)]) -> (String, usize) {
    let files = linked_files(&plain(md));
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let site = TwoPages::default();
    let resolver = site.resolver(&files, terms);
    let mut page = PageRenderer::new(&resolver, "", "", true);
    if !additions {
        page = page.without_additions();
    }
    let html = page.render(md, &origin(md));
    (html, page.notes.diags.len())
}

/// Root-relative paths of the files an example's links and images name (as the review of
/// issue 16 gave its example site a stub file for each).
fn linked_files(html: &str) -> BTreeSet<String> {
    fn walk(nodes: &[N], out: &mut BTreeSet<String>) {
        for n in nodes {
            if let N::El { attrs, kids, .. } = n {
                for key in ["href", "src"] {
                    if let Some(v) = attrs.get(key) {
                        let path = v.split(['#', '?']).next().unwrap_or("");
                        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
                        if let Some(p) =
                            pillar::markdown::links_normalize(path.trim_start_matches('/'))
                            && !p.is_empty()
                        {
                            out.insert(p);
                        }
                    }
                }
                walk(kids, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&tree(html), &mut out);
    out
}

/// A documented addition of pillar's to plain pulldown-cmark (`docs/content.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    /// A heading gets an `id` (its slug) and ends with `<a class="anchor" href="#id">#</a>`.
    HeadingId,
    /// A code block is `<pre class="code" data-lang tabindex="0"><code>` with highlighting
    /// spans; its text is exactly the code, its language the info string's first word.
    CodeBlock,
    /// A table is wrapped in `<div class="table-wrap" tabindex="0">`.
    TableWrap,
    /// A site-absolute link (`/url`) is written relative to the page.
    LinkRelative,
    /// A link pillar cannot resolve becomes `href="#"` with a located error (the build fails).
    LinkRefused,
    /// The first use of a glossary term becomes `<abbr title="expansion">`, never inside
    /// links, code, headings, raw `<a>`/`<code>`/`<abbr>`/`<script>`, or image alt text.
    Abbr,
    /// Footnotes are numbered by first reference and collected at the end in
    /// `<section class="footnotes">`; only referenced notes are shown.
    Footnotes,
}

/// An HTML node, as a browser would build it.
#[derive(Debug, Clone, PartialEq)]
enum N {
    Text(String),
    Other(String),
    El {
        name: String,
        attrs: BTreeMap<String, String>,
        kids: Vec<N>,
    },
}

fn tree(html: &str) -> Vec<N> {
    let doc = Html::parse_fragment(html);
    kids(doc.root_element(), false)
}

fn kids(e: ElementRef<'_>, pre: bool) -> Vec<N> {
    let mut out: Vec<N> = Vec::new();
    for c in e.children() {
        match c.value() {
            Node::Text(t) => push_text(&mut out, &t.text, pre),
            Node::Comment(x) => out.push(N::Other(format!("<!--{}-->", &*x.comment))),
            Node::Element(el) => {
                let Some(child) = ElementRef::wrap(c) else {
                    continue;
                };
                let name = el.name().to_owned();
                let in_pre =
                    pre || matches!(name.as_str(), "pre" | "script" | "style" | "textarea");
                out.push(N::El {
                    attrs: el
                        .attrs()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                    kids: kids(child, in_pre),
                    name,
                });
            }
            _ => {}
        }
    }
    out
}

/// Adds text, merged with the text before it; outside `<pre>`, runs of whitespace count as
/// one space (as the spec's `normalize.py` reads them).
fn push_text(out: &mut Vec<N>, text: &str, pre: bool) {
    if text.is_empty() {
        return;
    }
    let mut merged = match out.last() {
        Some(N::Text(last)) => last.clone(),
        _ => String::new(),
    };
    if matches!(out.last(), Some(N::Text(_))) {
        out.pop();
    }
    merged.push_str(text);
    if !pre {
        merged = collapse(&merged);
    }
    out.push(N::Text(merged));
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a node is whitespace alone (between blocks: not compared).
fn blank(n: &N) -> bool {
    matches!(n, N::Text(t) if t.trim().is_empty())
}

fn class_of(attrs: &BTreeMap<String, String>) -> Vec<&str> {
    attrs
        .get("class")
        .map(|c| c.split_ascii_whitespace().collect())
        .unwrap_or_default()
}

fn text_of(nodes: &[N]) -> String {
    let mut s = String::new();
    for n in nodes {
        match n {
            N::Text(t) => s.push_str(t),
            N::El { kids, .. } => s.push_str(&text_of(kids)),
            N::Other(_) => {}
        }
    }
    s
}

/// What the comparison of one example found.
struct Ctx<'a> {
    rules: BTreeSet<Rule>,
    expansions: HashSet<&'a str>,
    diags: usize,
    /// Bodies of footnotes, pillar's and plain pulldown-cmark's.
    notes: (Vec<Vec<N>>, Vec<Vec<N>>),
}

/// Takes pillar's additions that wrap content (table wrappers, `<abbr>`, the footnote
/// section) out of its tree, checking where they are; the rest is compared node by node.
fn undo(nodes: Vec<N>, cx: &mut Ctx<'_>, no_abbr: Option<&str>) -> Result<Vec<N>, String> {
    let mut out = Vec::new();
    for n in nodes {
        let N::El { name, attrs, kids } = n else {
            push_node(&mut out, n);
            continue;
        };
        let class = class_of(&attrs);
        if name == "div"
            && class == ["table-wrap"]
            && attrs.get("tabindex").is_some_and(|t| t == "0")
        {
            cx.rules.insert(Rule::TableWrap);
            for k in undo(kids, cx, no_abbr)? {
                push_node(&mut out, k);
            }
            continue;
        }
        if name == "abbr"
            && attrs.len() == 1
            && attrs
                .get("title")
                .is_some_and(|t| cx.expansions.contains(t.as_str()))
        {
            if let Some(inside) = no_abbr {
                return Err(format!("<abbr> inside {inside}"));
            }
            cx.rules.insert(Rule::Abbr);
            for k in undo(kids, cx, Some("<abbr>"))? {
                push_node(&mut out, k);
            }
            continue;
        }
        if name == "section" && class == ["footnotes"] {
            cx.rules.insert(Rule::Footnotes);
            for li in items(&kids) {
                let mut body = undo(li, cx, Some("a footnote"))?;
                if let Some(N::El { attrs, .. }) = body.last()
                    && class_of(attrs) == ["footnote-back"]
                {
                    body.pop();
                }
                cx.notes.0.push(trim(body));
            }
            continue;
        }
        let no_abbr = no_abbr.or(match name.as_str() {
            "a" => Some("a link"),
            "code" | "pre" => Some("code"),
            "script" | "style" => Some("a script"),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some("a heading"),
            _ => None,
        });
        let kids = undo(kids, cx, no_abbr)?;
        push_node(&mut out, N::El { name, attrs, kids });
    }
    Ok(out)
}

fn push_node(out: &mut Vec<N>, n: N) {
    match n {
        N::Text(t) => push_text(out, &t, true),
        other => out.push(other),
    }
}

fn trim(mut body: Vec<N>) -> Vec<N> {
    if let Some(N::Text(t)) = body.last_mut() {
        *t = t.trim_end().to_owned();
        if t.is_empty() {
            body.pop();
        }
    }
    body
}

/// The `<li>` children of the `<ol>` in `nodes`.
fn items(nodes: &[N]) -> Vec<Vec<N>> {
    nodes
        .iter()
        .filter_map(|n| match n {
            N::El { name, kids, .. } if name == "ol" => Some(kids),
            _ => None,
        })
        .flatten()
        .filter_map(|n| match n {
            N::El { name, kids, .. } if name == "li" => Some(kids.clone()),
            _ => None,
        })
        .collect()
}

/// Takes plain pulldown-cmark's footnote definitions out of its tree, for [`Rule::Footnotes`].
fn plain_notes(nodes: Vec<N>, cx: &mut Ctx<'_>) -> Vec<N> {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            N::El { name, attrs, kids }
                if name == "div" && class_of(&attrs) == ["footnote-definition"] =>
            {
                let body: Vec<N> = kids
                    .into_iter()
                    .filter(|k| !matches!(k, N::El { attrs, .. } if class_of(attrs) == ["footnote-definition-label"]))
                    .collect();
                cx.notes.1.push(trim(body));
            }
            N::El { name, attrs, kids } => {
                let kids = plain_notes(kids, cx);
                out.push(N::El { name, attrs, kids });
            }
            other => push_node(&mut out, other),
        }
    }
    out
}

/// Compares pillar's nodes `p` with plain pulldown-cmark's `q`.
fn same(p: &[N], q: &[N], cx: &mut Ctx<'_>) -> Result<(), String> {
    let p: Vec<&N> = p.iter().filter(|n| !blank(n)).collect();
    let q: Vec<&N> = q.iter().filter(|n| !blank(n)).collect();
    if p.len() != q.len() {
        return Err(format!(
            "{} nodes where plain has {}:\n  {p:?}\n  {q:?}",
            p.len(),
            q.len()
        ));
    }
    for (a, b) in p.into_iter().zip(q) {
        same_node(a, b, cx)?;
    }
    Ok(())
}

fn same_node(p: &N, q: &N, cx: &mut Ctx<'_>) -> Result<(), String> {
    let (
        N::El { name, attrs, kids },
        N::El {
            name: qname,
            attrs: qattrs,
            kids: qkids,
        },
    ) = (p, q)
    else {
        return if p == q {
            Ok(())
        } else {
            Err(format!("{p:?} where plain has {q:?}"))
        };
    };
    if name != qname {
        return Err(format!("<{name}> where plain has <{qname}>"));
    }
    let mut attrs = attrs.clone();
    let mut kids = kids.clone();
    match name.as_str() {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let id = attrs.get("id").cloned().unwrap_or_default();
            let anchor = match kids.last() {
                Some(N::El { name, attrs, kids })
                    if name == "a" && class_of(attrs) == ["anchor"] =>
                {
                    let href = attrs.get("href").map(String::as_str);
                    let encoded =
                        format!("#{}", percent_encoding::utf8_percent_encode(&id, FRAGMENT));
                    (href == Some(encoded.as_str()) && text_of(kids) == "#").then_some(())
                }
                _ => None,
            };
            if anchor.is_none() {
                return Err(format!("heading without its anchor link: {p:?}"));
            }
            kids.pop();
            if !qattrs.contains_key("id") {
                attrs.remove("id");
            }
            if id.is_empty() {
                return Err(format!("heading with an empty id: {p:?}"));
            }
            cx.rules.insert(Rule::HeadingId);
        }
        "pre" if class_of(&attrs) == ["code"] => {
            let lang = attrs.get("data-lang").map(String::as_str).unwrap_or("");
            let qlang = match qkids.first() {
                Some(N::El { attrs, .. }) => attrs
                    .get("class")
                    .and_then(|c| c.strip_prefix("language-"))
                    .unwrap_or(""),
                _ => "",
            };
            let cut = qlang.split([',', '{']).next().unwrap_or("");
            if lang != cut
                || text_of(&kids) != text_of(qkids)
                || attrs.get("tabindex").map(String::as_str) != Some("0")
            {
                return Err(format!("code block differs: {p:?}\n  plain {q:?}"));
            }
            cx.rules.insert(Rule::CodeBlock);
            return Ok(());
        }
        "sup" if class_of(&attrs) == ["footnote-ref"] => {
            if class_of(qattrs) != ["footnote-reference"] {
                return Err(format!("a footnote reference where plain has {q:?}"));
            }
            cx.rules.insert(Rule::Footnotes);
            return Ok(());
        }
        "a" | "img" => {
            let key = if name == "a" { "href" } else { "src" };
            if let (Some(h), Some(qh)) = (attrs.get(key).cloned(), qattrs.get(key))
                && &h != qh
            {
                let rule = link_rule(&h, qh, cx.diags)?;
                cx.rules.insert(rule);
                attrs.insert(key.to_owned(), qh.clone());
            }
        }
        _ => {}
    }
    if &attrs != qattrs {
        return Err(format!(
            "<{name}> attributes {attrs:?} where plain has {qattrs:?}"
        ));
    }
    same(&kids, qkids, cx)
}

/// The URL fragment percent-encode set (WHATWG URL), which pillar's anchor links use.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'%');

/// Which rule explains pillar's `href` (or `src`) `p` where plain pulldown-cmark wrote `q`.
fn link_rule(p: &str, q: &str, diags: usize) -> Result<Rule, String> {
    if p == "#" && diags > 0 {
        return Ok(Rule::LinkRefused);
    }
    if p.contains(|c: char| c.is_ascii_whitespace() || c.is_ascii_control() || "\"<>`".contains(c))
    {
        return Err(format!(
            "rewritten link {p:?} (from {q:?}) is not a valid URL"
        ));
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let target = q.strip_prefix('/').map(decode);
    let written = if p == "./" { String::new() } else { decode(p) };
    match target {
        Some(t) if t == written || t == format!("{written}/") => Ok(Rule::LinkRelative),
        _ => Err(format!("link {q:?} became {p:?}")),
    }
}

/// Compares pillar's output for one example with plain pulldown-cmark's, by rule.
fn explain(
    md: &str,
    pillar_html: &str,
    diags: usize,
    terms: &[(&str, &str)],
) -> Result<BTreeSet<Rule>, String> {
    let mut cx = Ctx {
        rules: BTreeSet::new(),
        expansions: terms.iter().map(|t| t.1).collect(),
        diags,
        notes: (Vec::new(), Vec::new()),
    };
    let p = undo(tree(pillar_html), &mut cx, None)?;
    let q = plain_notes(tree(&plain(md)), &mut cx);
    same(&p, &q, &mut cx)?;
    // Every note pillar shows is one plain pulldown-cmark shows.
    let (shown, plain_notes) = std::mem::take(&mut cx.notes);
    for body in &shown {
        let mut found = false;
        for candidate in &plain_notes {
            let mut probe = Ctx {
                rules: BTreeSet::new(),
                expansions: cx.expansions.clone(),
                diags,
                notes: (Vec::new(), Vec::new()),
            };
            if same(body, candidate, &mut probe).is_ok() {
                cx.rules.extend(probe.rules);
                found = true;
                break;
            }
        }
        if !found {
            return Err(format!(
                "footnote {body:?} is not among plain's {plain_notes:?}"
            ));
        }
    }
    Ok(cx.rules)
}

#[derive(Default)]
struct Counts {
    run: usize,
    equal: usize,
    by_rules: BTreeMap<Vec<Rule>, usize>,
    by_rule: BTreeMap<Rule, usize>,
    failures: Vec<String>,
}

impl Counts {
    fn report(&self, title: &str) -> String {
        let mut s = format!(
            "{title}: {} examples, {} equal to plain pulldown-cmark, {} differing only by rule, {} unexplained\n",
            self.run,
            self.equal,
            self.run - self.equal - self.failures.len(),
            self.failures.len()
        );
        for (rule, n) in &self.by_rule {
            let _ = writeln!(s, "  {rule:?}: {n}");
        }
        for (rules, n) in &self.by_rules {
            let _ = writeln!(s, "  {rules:?}: {n}");
        }
        s
    }
}

fn run(terms: &[(&str, &str)]) -> Counts {
    let mut c = Counts::default();
    for ex in all_examples() {
        c.run += 1;
        let (html, diags) = pillar(&ex.markdown, true, terms);
        if html == plain(&ex.markdown) {
            c.equal += 1;
            continue;
        }
        match explain(&ex.markdown, &html, diags, terms) {
            Ok(rules) => {
                for r in &rules {
                    *c.by_rule.entry(*r).or_default() += 1;
                }
                *c.by_rules.entry(rules.into_iter().collect()).or_default() += 1;
            }
            Err(why) => c.failures.push(format!(
                "{} ({}): {why}\n--- markdown\n{}--- pillar\n{html}--- plain\n{}",
                ex.id,
                ex.section,
                ex.markdown,
                plain(&ex.markdown)
            )),
        }
    }
    c
}

#[test]
fn with_additions_off_output_equals_pulldown_cmark() {
    let mut differ = Vec::new();
    let all = all_examples();
    for ex in &all {
        let (html, _) = pillar(&ex.markdown, false, &[]);
        if html != plain(&ex.markdown) {
            differ.push(ex.id.clone());
        }
    }
    println!(
        "additions off: {} examples, {} equal",
        all.len(),
        all.len() - differ.len()
    );
    assert!(differ.is_empty(), "differ from pulldown-cmark: {differ:?}");
}

#[test]
fn with_additions_on_every_difference_is_a_documented_one() {
    let c = run(&[]);
    println!("{}", c.report("additions on"));
    assert!(
        c.failures.is_empty(),
        "{}\n\n{}",
        c.report("additions on"),
        c.failures.join("\n\n")
    );
    // The rules are exercised, not vacuous.
    for rule in [
        Rule::HeadingId,
        Rule::CodeBlock,
        Rule::TableWrap,
        Rule::LinkRelative,
        Rule::Footnotes,
    ] {
        assert!(c.by_rule.contains_key(&rule), "{rule:?} never applied");
    }
}

#[test]
fn with_glossary_terms_every_difference_is_a_documented_one() {
    let c = run(TERMS);
    println!("{}", c.report("additions on, with glossary terms"));
    assert!(
        c.failures.is_empty(),
        "{}\n\n{}",
        c.report("additions on, with glossary terms"),
        c.failures.join("\n\n")
    );
    assert!(c.by_rule.contains_key(&Rule::Abbr));
}

#[test]
fn the_rules_catch_what_they_must() {
    // An anchor link whose href is not its heading's id, an `alt` emptied, a link nested:
    // each must fail the comparison, or the suite proves nothing.
    let md = "# Foo\n";
    let bad = "<h1 id=\"foo\">Foo<a class=\"anchor\" href=\"#bar\">#</a></h1>\n";
    assert!(explain(md, bad, 0, &[]).is_err());
    let md = "![foo bar](/url)\n";
    assert!(explain(md, "<p><img src=\"url\" alt=\"\" /></p>\n", 0, TERMS).is_err());
    let md = "<a href=\"/x\">foo</a>\n";
    let nested = "<p><a href=\"/x\"><abbr title=\"Term foo\">foo</abbr></a></p>\n";
    assert!(explain(md, nested, 0, TERMS).is_err());
    assert!(explain(md, "<p><a href=\"x\">foo</a></p>\n", 0, TERMS).is_ok());
}

/// The ids of every HTML page under `out` that appear more than once on their page.
fn duplicate_ids(out: &Path) -> Vec<String> {
    let mut dups = Vec::new();
    for entry in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(path).unwrap());
        let mut seen = HashSet::new();
        for el in html.select(&crate::common::sel("[id]")) {
            let id = el.value().attr("id").unwrap_or_default().to_owned();
            if !seen.insert(id.clone()) {
                dups.push(format!("{}: {id}", path.display()));
            }
        }
    }
    dups
}

/// Copies the folder `from` into `to`, merging with what is there.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn no_page_has_a_duplicate_id_even_with_every_case_of_issue_16() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("examples/river-authority"), &root);
    copy_tree(
        &repo().join("tests/fixtures/markdown-cases"),
        &root.join("content"),
    );
    let config = root.join("site-config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replacen("\n[", "\nmath = true\n\n[", 1)).unwrap();
    let index = root.join("content/_index.md");
    let mut home = std::fs::read_to_string(&index).unwrap();
    home.push_str("\n## Org chart\n\n## Main\n");
    std::fs::write(&index, home).unwrap();
    let out = tmp.path().join("out");
    crate::common::build_site(&root, &out, &[]);
    assert_eq!(duplicate_ids(&out), Vec::<String>::new());
    let (_keep, shipped) = crate::common::build_shipped(&[]);
    assert_eq!(duplicate_ids(&shipped), Vec::<String>::new());
    let page = std::fs::read_to_string(out.join("cases/index.html")).unwrap();
    for kept in [
        "alt=\"NRB logo\"",
        "data-x=\"1\"",
        "href=\"#a%22b\"",
        "<p>The body.</p>",
        "<a href=\"https://example.org/\">see",
        "the minutes",
        "Two [@s01, @s02] here.",
        "<a href=\"https://example.org/\">FDA</a>",
        "href=\"mailto:foo@example.org\"",
        "type=\"checkbox\"",
        "<dl>",
        "markdown-alert-note",
        "<p class=\"markdown-alert-title\">Caution</p>",
        "<annotation encoding=\"application/x-tex\">\\int_0^1 x\\,dx</annotation>",
        "<math display=\"block\">",
        "<li><a href=\"#a%22b\">Q</a></li>",
        "title=\"Eskerland Ministry of the Environment (fictional): Rivers for the Next Century: report of the Independent Review of the National Rivers Board, §12\">1</a>, §12; <a ",
        // `[see @s01]`: a prefix, printed before the number.
        "<sup class=\"cite\">[see <a href=",
    ] {
        assert!(page.contains(kept), "{kept} in {page}");
    }
    // The sources page lists the locators each page cites a source at.
    let sources = std::fs::read_to_string(out.join("sources/index.html")).unwrap();
    assert!(
        sources.contains(">Every case of issue 16</a> (at p. 4, §12)"),
        "{sources}"
    );
    // The section lists its pages' summaries, which link from there, in place of descriptions.
    let list = std::fs::read_to_string(out.join("summaries/index.html")).unwrap();
    for kept in [
        "<a href=\"../about/\">the about page</a>",
        "href=\"../summaries/with-summary/#opening\"",
        "Only a description, shown as before.",
    ] {
        assert!(list.contains(kept), "{kept} in {list}");
    }
    for left in [
        "The rest of the page",
        "The description, which",
        "on this page only",
    ] {
        assert!(!list.contains(left), "{left} in {list}");
    }
}

/// Found by the conformance run (issue 16, bug 12): `content/a\b.txt` was written as
/// `a/b.txt`, and with a file `a` beside it the build stopped halfway through writing.
#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site-config.toml"), "title = \"T\"\n").unwrap();
    std::fs::write(root.join("content/_index.md"), "Home.\n").unwrap();
    std::fs::write(root.join("content/a"), "a file").unwrap();
    std::fs::write(root.join("content/a\\b.txt"), "b").unwrap();
    let out = tmp.path().join("out");
    let o = crate::common::pillar(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    let stderr = crate::common::text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/a\\b.txt:1:1: file name holds a backslash"),
        "{stderr}"
    );
    assert!(
        !out.exists() || walkdir::WalkDir::new(&out).into_iter().count() == 1,
        "nothing is written"
    );
}
