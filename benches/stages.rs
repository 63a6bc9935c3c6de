//! Per-stage micro-benchmarks (divan): the pieces of one page's pass, each on its own, so that a
//! change to one stage can be measured without the noise of a whole build.
//!
//!     cargo bench --bench stages            # all
//!     cargo bench --bench stages -- markdown # those whose name contains "markdown"
//!
//! Inputs are built here, from fixed text, so that every run measures the same work.

use std::path::Path;
use std::sync::Arc;

use pillar::markdown::fixture::TwoPages;
use pillar::markdown::{PageRenderer, Resolver};
use pillar::model::reform::Origin;

fn main() {
    divan::main();
}

/// A page like the benchmark corpus's: headings, lists, a table, links, emphasis, a footnote
/// and (with `code`) one fenced TOML block.
fn page(code: bool) -> String {
    let mut md = String::from("+++\ntitle = \"A page\"\n+++\n\n");
    for s in 0..6 {
        md.push_str(&format!("## Section {s} of the page\n\n"));
        md.push_str(
            "The Department of Peace Operations (DPO) took over *field support* and \
             **policy** from two older offices; see [the other page](@/a.md) and \
             [its second part](@/a.md#part-two).[^n] Words follow words until the \
             paragraph is about as long as a real one, with `inline code` too.\n\n",
        );
        md.push_str("- one item\n- another item with a [link](https://example.org/)\n\n");
    }
    md.push_str("| before | after |\n|---|---|\n| DPA | DPPA |\n| DPKO | DPO |\n\n");
    if code {
        md.push_str("```toml\n[[unit]]\nid = \"dpo\"\nname = \"Department of Peace Operations\"\nparent = \"secretariat\"\nsince = 2019-01-01\n```\n\n");
    }
    md.push_str("[^n]: A footnote with a source.\n");
    md
}

fn with_renderer<R>(f: impl FnOnce(&Resolver<'_>) -> R) -> R {
    let site = TwoPages::default();
    f(&site.resolver(&[], &[("DPO", "Department of Peace Operations")]))
}

fn render(resolver: &Resolver<'_>, text: &Arc<str>) -> String {
    let (_, _, body) = pillar::load::split_front_matter(text).unwrap_or((None, 0, 0));
    let origin = Origin {
        shown: Arc::from(Path::new("content/b.md")),
        text: text.clone(),
        base: body,
        map: None,
    };
    let mut page = PageRenderer::new(resolver, "b/", "", false);
    page.render(&text[body..], &origin)
}

/// Markdown → HTML with pillar's rewrites (links, anchors, abbreviations, search text).
#[divan::bench(args = [false, true])]
fn markdown(bencher: divan::Bencher, code: bool) {
    let text: Arc<str> = Arc::from(page(code));
    // Grammars load once per process, as in a build: not part of the per-page figure.
    pillar::markdown::highlight::preload("toml");
    with_renderer(|resolver| bencher.bench_local(|| render(resolver, divan::black_box(&text))));
}

/// Syntax highlighting of one TOML block (grammars already loaded).
#[divan::bench]
fn highlight(bencher: divan::Bencher) {
    pillar::markdown::highlight::preload("toml");
    let code =
        "[[unit]]\nid = \"dpo\"\nname = \"Department of Peace Operations\"\nsince = 2019-01-01\n";
    bencher.bench(|| pillar::markdown::highlight::highlight(divan::black_box(code), "toml"));
}

/// Splitting front matter from the body.
#[divan::bench]
fn front_matter(bencher: divan::Bencher) {
    let text = page(false);
    bencher.bench(|| pillar::load::split_front_matter(divan::black_box(&text)).is_ok());
}

/// Slugs for heading ids and URLs.
#[divan::bench]
fn slugify(bencher: divan::Bencher) {
    bencher.bench(|| {
        pillar::ids::slugify(divan::black_box(
            "Department of Political and Peacebuilding Affairs (DPPA) — “Étape” 2",
        ))
    });
}

/// The per-page anchor collection every build runs, and the full HTML scan of `pillar check`.
#[divan::bench(args = ["collect_ids", "scan"])]
fn link_check(bencher: divan::Bencher, how: &str) {
    let html = with_renderer(|resolver| {
        let body = render(resolver, &Arc::from(page(true)));
        format!(
            "<!DOCTYPE html><html><head><title>t</title></head><body><nav><a href=\"../\">home</a></nav><main>{body}</main></body></html>"
        )
    });
    bencher.bench(|| match how {
        "collect_ids" => {
            let mut ids = pillar::markdown::Anchors::default();
            pillar::check::collect_ids(divan::black_box(html.as_bytes()), &mut ids);
            ids.iter().count()
        }
        _ => pillar::check::scan(divan::black_box(&html)).links().len(),
    });
}

/// The whole pipeline on the shipped explainer, in memory (what `pillar check` does).
#[divan::bench(sample_count = 20)]
fn shipped_explainer_in_memory(bencher: divan::Bencher) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    bencher.bench(|| {
        pillar::generate(
            root,
            &pillar::Overrides::default(),
            pillar::Checks::default(),
        )
        .map(|g| g.files.len())
        .unwrap_or(0)
    });
}
