//! Hostile and unusual input that cannot live in git as a fixture (links, loops, huge files,
//! byte-order marks, CRLF): each either builds correctly or fails with a located message and
//! an exit code; none panics or hangs; the previous output survives every failure; nothing is
//! written outside the output directory.

use std::path::{Path, PathBuf};

use crate::common::*;

struct Case {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
}

/// A small valid project with an existing output directory holding a marker page.
fn case() -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("site-config.toml"), "title = \"T\"\n").unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Home\"\n+++\nHello.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("keep")).unwrap();
    std::fs::write(out.join("keep/index.html"), "previous").unwrap();
    Case {
        _tmp: tmp,
        root,
        out,
    }
}

impl Case {
    fn build(&self) -> std::process::Output {
        let o = pillar(&[
            "build",
            "--root",
            self.root.to_str().unwrap(),
            "--output",
            self.out.to_str().unwrap(),
        ]);
        assert!(!text(&o.stderr).contains("panicked"), "{}", text(&o.stderr));
        o
    }

    fn fails_with(&self, first_line_starts: &str) {
        let o = self.build();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.starts_with(first_line_starts), "got:\n{err}");
        assert_eq!(
            std::fs::read_to_string(self.out.join("keep/index.html")).unwrap(),
            "previous"
        );
        assert_eq!(
            files(&self.out).len(),
            1,
            "the previous output is unchanged"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_under_content_is_reported() {
    let c = case();
    std::os::unix::fs::symlink("..", c.root.join("content/loop")).unwrap();
    c.fails_with("content/loop: symbolic link loop");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_project_is_refused_and_nothing_is_copied() {
    let c = case();
    let secret_dir = c.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&secret_dir).unwrap();
    std::fs::write(
        secret_dir.join("secret.md"),
        "+++\ntitle = \"Secret\"\n+++\nTOP-SECRET-CANARY\n",
    )
    .unwrap();
    std::fs::write(secret_dir.join("photo.png"), "TOP-SECRET-CANARY").unwrap();
    std::os::unix::fs::symlink(
        secret_dir.join("secret.md"),
        c.root.join("content/secret.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret_dir, c.root.join("content/linked-dir")).unwrap();
    c.fails_with("content/linked-dir: symbolic link points outside the project");
    let all: String = files(&c.out)
        .iter()
        .map(|f| std::fs::read_to_string(c.out.join(f)).unwrap_or_default())
        .collect();
    assert!(!all.contains("TOP-SECRET-CANARY"));
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_dangling_link_never_hangs_the_build() {
    let c = case();
    let fifo = c.root.join("content/pipe.md");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    std::os::unix::fs::symlink(
        c.root.join("content/nowhere.md"),
        c.root.join("content/dangling.md"),
    )
    .unwrap();
    let o = c.build();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/dangling.md: broken symbolic link"),
        "{err}"
    );
    let _ = ok;
}

#[test]
fn an_unreadable_file_is_reported_where_permissions_apply() {
    let c = case();
    let p = c.root.join("content/locked.md");
    std::fs::write(&p, "+++\ntitle = \"L\"\n+++\nx\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    if std::fs::read(&p).is_ok() {
        // Running as root: permissions do not stop reading, so the page simply builds.
        assert!(c.build().status.success());
        return;
    }
    c.fails_with("content/locked.md: cannot read");
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_build_correctly() {
    let c = case();
    std::fs::write(c.root.join("content/bom.md"), "\u{feff}+++\r\ntitle = \"With BOM\"\r\n+++\r\n# Heading\r\n\r\nText [link](@/_index.md).\r\n").unwrap();
    std::fs::write(c.root.join("site-config.toml"), "\u{feff}title = \"T\"\r\n").unwrap();
    let o = c.build();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let doc = parse(&c.out.join("bom/index.html"));
    assert_eq!(
        doc.select(&sel("h1")).next().map(inner_text).as_deref(),
        Some("With BOM")
    );
    assert!(doc.select(&sel("h1#heading")).next().is_some());
}

#[test]
fn crlf_errors_are_located_on_the_right_line_and_column() {
    let c = case();
    std::fs::write(
        c.root.join("content/bad.md"),
        "+++\r\ntitle = \"x\"\r\nweight = \"heavy\"\r\n+++\r\n",
    )
    .unwrap();
    c.fails_with("content/bad.md:3:10: invalid type: string \"heavy\", expected an integer");
}

#[test]
fn empty_files_are_pages_or_located_errors() {
    let c = case();
    std::fs::write(c.root.join("content/empty.md"), "").unwrap();
    let o = c.build();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(c.out.join("empty/index.html").is_file());
    std::fs::write(c.root.join("content/reform.toml"), "").unwrap();
    let o = c.build();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).starts_with("content/reform.toml:1:1: missing key `reform`"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_thirty_megabyte_page_builds() {
    let c = case();
    let paragraph =
        "A long paragraph about the reform, with *emphasis*, `code` and a [link](@/_index.md).\n\n";
    let mut body = String::from("+++\ntitle = \"Big\"\n+++\n");
    while body.len() < 30 * 1024 * 1024 {
        body.push_str(paragraph);
    }
    std::fs::write(c.root.join("content/big.md"), &body).unwrap();
    let o = c.build();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        std::fs::metadata(c.out.join("big/index.html"))
            .unwrap()
            .len()
            > 30 * 1024 * 1024
    );
}

#[test]
fn odd_file_names_become_safe_urls() {
    let c = case();
    for name in ["Café au lait.md", "two  spaces.md", "UPPER.md"] {
        std::fs::write(
            c.root.join("content").join(name),
            "+++\ntitle = \"x\"\n+++\nx\n",
        )
        .unwrap();
    }
    let o = c.build();
    assert!(o.status.success(), "{}", text(&o.stderr));
    for url in ["café-au-lait", "two-spaces", "upper"] {
        assert!(c.out.join(url).join("index.html").is_file(), "{url}");
    }
    assert!(
        broken_links(&c.out).is_empty(),
        "{:?}",
        broken_links(&c.out)
    );
}

#[test]
fn hostile_ids_in_the_data_file_are_refused() {
    for bad in ["..", "a/b", "a\\\\b", "a\\u0000b", "a b", "café", "DPO"] {
        let c = case();
        std::fs::write(
            c.root.join("content/reform.toml"),
            format!("[reform]\ntitle = \"T\"\nsummary = \"S\"\n\n[[source]]\nid = \"{bad}\"\ntitle = \"t\"\npublisher = \"p\"\n"),
        )
        .unwrap();
        c.fails_with("content/reform.toml:6:6: invalid source id");
    }
}

#[test]
fn the_output_may_not_be_the_project_its_content_or_the_root() {
    let c = case();
    for (out, why) in [
        (c.root.clone(), "it holds the project"),
        (c.root.join("content"), "inside content/"),
        (PathBuf::from("/"), "file-system root"),
    ] {
        let o = pillar(&[
            "build",
            "--root",
            c.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1));
        let err = text(&o.stderr);
        assert!(
            err.starts_with("--output: refusing to use") && err.contains(why),
            "{err}"
        );
    }
    assert!(!c.root.join("index.html").exists() && !c.root.join("content/index.html").exists());
}

#[test]
fn a_template_that_recurses_is_stopped_with_a_location() {
    let c = case();
    std::fs::create_dir_all(c.root.join("theme/templates")).unwrap();
    std::fs::write(
        c.root.join("theme/templates/home.html"),
        "{% component r(n) %}{{ <r n={n}/> }}{% endcomponent r %}{{ <r n={1}/> }}\n",
    )
    .unwrap();
    c.fails_with("theme/templates/home.html: Maximum render recursion depth");
}

#[test]
fn nothing_is_written_outside_the_output_directory() {
    let c = case();
    std::fs::write(
        c.root.join("content/a.md"),
        "+++\ntitle = \"A\"\n+++\n[x](@/_index.md)\n",
    )
    .unwrap();
    let parent = c.out.parent().unwrap().to_path_buf();
    let before = files(&parent);
    assert!(c.build().status.success());
    let after = files(&parent);
    let outside: Vec<&String> = after
        .difference(&before)
        .filter(|f| !Path::new(f).starts_with("out"))
        // The project's cache folder: the bookkeeping of the build, kept out of the output.
        .filter(|f| !Path::new(f).starts_with("site/.pillar-cache"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
}

/// Review case 15: a legal file name of 250 bytes is copied; its temporary name must not
/// push it past the file system's limit.
#[test]
fn a_file_with_a_name_of_250_bytes_is_published() {
    let c = case();
    let name = format!("{}.png", "a".repeat(246));
    std::fs::write(c.root.join("content").join(&name), "data").unwrap();
    let o = c.build();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(c.out.join(&name)).unwrap(), "data");
}
