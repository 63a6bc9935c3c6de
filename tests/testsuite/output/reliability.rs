//! Reliability: the same bytes every time, nothing lost when a build is killed or two run at
//! once, and a rebuild that finds nothing changed leaves the site exactly as it is.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::common::*;

/// Every file of a built site with its bytes.
fn snapshot(out: &Path) -> BTreeMap<String, Vec<u8>> {
    files(out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect()
}

/// A project with `n` Markdown pages in four sections, some with code.
fn big_site(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        dir.join("site-config.toml"),
        "title = \"Big\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    for s in 0..4 {
        let sec = dir.join(format!("content/s{s}"));
        std::fs::create_dir_all(&sec).unwrap();
        std::fs::write(
            sec.join("_index.md"),
            format!("+++\ntitle = \"Section {s}\"\n+++\n"),
        )
        .unwrap();
    }
    for i in 0..n {
        let code = if i % 10 == 0 {
            "\n```toml\n[x]\ny = 1\n```\n"
        } else {
            ""
        };
        let body = format!(
            "+++\ntitle = \"Page {i}\"\ndate = 2024-01-{:02}\n+++\n# Heading {i}\n\nSome *text* for page {i}, with a [link](@/s{}/_index.md).\n\n| a | b |\n|---|---|\n| {i} | x |\n{code}",
            i % 28 + 1,
            i % 4
        );
        std::fs::write(dir.join(format!("content/s{}/p{i}.md", i % 4)), body).unwrap();
    }
}

#[test]
fn two_builds_are_byte_identical_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let root = repo();
    let build = |out: &Path, threads: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pillar"));
        cmd.args([
            "build",
            "--quiet",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ]);
        if let Some(t) = threads {
            cmd.env("RAYON_NUM_THREADS", t);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
    };
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    build(&a, Some("1"));
    build(&b, None);
    build(&c, Some("7"));
    let (sa, sb, sc) = (snapshot(&a), snapshot(&b), snapshot(&c));
    assert!(sa.len() > 20);
    assert_eq!(sa, sb, "one thread against the default");
    assert_eq!(sa, sc, "seven threads");
}

#[test]
fn a_rebuild_with_nothing_changed_writes_nothing_and_any_change_is_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert!(pillar(&["init", site.to_str().unwrap()]).status.success());
    let out = tmp.path().join("out");
    let args = [
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    let first = pillar(&args);
    assert!(first.status.success());
    let before = snapshot(&out);
    let again = text(&pillar(&args).stdout);
    assert!(again.contains("(0 written,"), "{again}");
    assert_eq!(snapshot(&out), before, "nothing changed");

    // A content change is built.
    std::thread::sleep(Duration::from_millis(20));
    let home = site.join("content/_index.md");
    let mut text_before = std::fs::read_to_string(&home).unwrap();
    text_before.push_str("\nA new sentence.\n");
    std::fs::write(&home, &text_before).unwrap();
    let changed = text(&pillar(&args).stdout);
    assert!(!changed.contains("(0 written,"), "{changed}");
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("A new sentence.")
    );

    // So is a changed command line, and a damaged output.
    let with_base = [&args[..], &["--base-url", "https://example.com/x/"]].concat();
    let other = pillar(&with_base);
    assert!(
        text(&other.stdout).contains(" written,") && !text(&other.stdout).contains("(0 written,")
    );
    std::fs::write(out.join("index.html"), "damaged").unwrap();
    let repaired = text(&pillar(&with_base).stdout);
    assert!(!repaired.contains("(0 written,"), "{repaired}");
    assert!(
        std::fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("A new sentence.")
    );
}

#[test]
fn a_build_killed_at_any_moment_never_leaves_half_a_file_and_the_next_build_repairs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    big_site(&site, 5000);
    let reference = tmp.path().join("reference");
    let started = std::time::Instant::now();
    build_site(&site, &reference, &[]);
    let full = started.elapsed();
    let want = snapshot(&reference);
    assert!(want.len() > 5000);

    let out = tmp.path().join("out");
    // Kill builds at moments spread over a whole build: loading, rendering, staging, committing.
    for (round, fraction) in [0.02, 0.1, 0.3, 0.5, 0.7, 0.85, 0.93, 0.97, 0.99]
        .into_iter()
        .enumerate()
    {
        let delay = full.mul_f64(fraction);
        if round == 3 {
            // Change the input half-way, so that killed builds overwrite a different site.
            std::fs::write(
                site.join("content/s0/p0.md"),
                "+++\ntitle = \"Changed\"\n+++\nchanged\n",
            )
            .unwrap();
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pillar"))
            .args([
                "build",
                "--quiet",
                "--root",
                site.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever is in place is a whole page: temporary files are hidden beside it.
        for f in files(&out).into_iter().filter(|f| f.ends_with(".html")) {
            let name = f.rsplit('/').next().unwrap();
            if name.starts_with('.') {
                continue;
            }
            let bytes = std::fs::read(out.join(&f)).unwrap();
            assert!(
                bytes.ends_with(b"</html>\n"),
                "round {round}: {f} is cut short"
            );
        }
    }
    build_site(&site, &out, &[]);
    let fresh = tmp.path().join("fresh");
    build_site(&site, &fresh, &[]);
    let got = snapshot(&out);
    let leftovers: Vec<&String> = got.keys().filter(|k| k.contains("pillar-tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        got,
        snapshot(&fresh),
        "the repaired site equals a fresh build"
    );
}

#[test]
fn two_builds_at_once_never_corrupt_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    big_site(&site, 2000);
    let out = tmp.path().join("out");
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_pillar"))
            .args([
                "build",
                "--quiet",
                "--root",
                site.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let ok = [&a, &b].iter().filter(|o| o.status.success()).count();
    assert!(ok >= 1, "{} / {}", text(&a.stderr), text(&b.stderr));
    for o in [&a, &b] {
        if !o.status.success() {
            assert_eq!(o.status.code(), Some(2));
            assert!(
                text(&o.stderr).contains("another pillar build is writing"),
                "{}",
                text(&o.stderr)
            );
        }
    }
    let fresh = tmp.path().join("fresh");
    build_site(&site, &fresh, &[]);
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

/// Every path of a built folder (files and folders, hidden ones too).
fn entries(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(out).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}

#[cfg(unix)]
#[test]
fn ctrl_c_or_sigterm_during_a_build_leaves_the_previous_site_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    big_site(&site, 3000);
    let out = tmp.path().join("out");
    build_site(&site, &out, &[]);
    let before = entries(&out);
    // The marker of a build in progress, in the project's cache folder.
    let writing = || {
        std::fs::read_dir(site.join(".pillar-cache"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .any(|e| e.path().join("writing").exists())
    };
    let mut interrupted = 0;
    for (round, signal) in ["INT", "TERM", "INT", "TERM", "INT", "TERM"]
        .iter()
        .enumerate()
    {
        // Every page changes, so that the build stages every page again.
        std::fs::write(
            site.join("site-config.toml"),
            format!("title = \"Big {round}\"\nbase_url = \"https://example.org/\"\n"),
        )
        .unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pillar"))
            .args(["build", "--quiet", "--root", site.to_str().unwrap()])
            .args(["--output", out.to_str().unwrap()])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while !writing() && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(30 * (round as u64 % 3 + 1)));
        let pid = child.id().to_string();
        let _ = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status();
        let status = child.wait().unwrap();
        if status.code() == Some(130) {
            interrupted += 1;
            assert_eq!(
                entries(&out),
                before,
                "round {round}: SIG{signal} left traces"
            );
        } else {
            // It finished first: the site it wrote is the new one.
            assert!(status.success(), "round {round}: {status:?}");
            build_site(&site, &out, &[]);
        }
        // The previous site for the next round.
        std::fs::write(
            site.join("site-config.toml"),
            "title = \"Big\"\nbase_url = \"https://example.org/\"\n",
        )
        .unwrap();
        build_site(&site, &out, &[]);
        assert_eq!(entries(&out), before);
    }
    assert!(interrupted > 0, "no build was interrupted in time");
}

/// A disk that fills up while the site is staged (here a file-size limit, `ulimit -f`, with
/// SIGXFSZ ignored so that the write fails as it does on a full disk): exit 2, the previous
/// site byte for byte, no temporary file left; the next build with room succeeds.
#[cfg(unix)]
#[test]
fn a_full_disk_while_staging_leaves_the_previous_site_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("s");
    assert!(pillar(&["init", root.to_str().unwrap()]).status.success());
    let big = |v: &str| {
        let para = format!("Version {v} of a long page about the merger, words words words.\n\n");
        format!("+++\ntitle = \"Big\"\n+++\n{}", para.repeat(4000))
    };
    std::fs::write(root.join("content/big.md"), big("one")).unwrap();
    let out = tmp.path().join("out");
    build_site(&root, &out, &[]);
    let before = whole_tree(&out);
    let cache_before = whole_tree(&root.join(".pillar-cache"));
    std::fs::write(root.join("content/big.md"), big("two")).unwrap();
    let config = root.join("site-config.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        settings.replacen("title = \"", "title = \"Changed ", 1),
    )
    .unwrap();
    // 128 blocks (64 or 128 KiB, as the shell counts): every page fits, the big one does not.
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 128; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_pillar"))
        .args(["build", "--quiet", "--root", root.to_str().unwrap()])
        .args(["--output", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("File too large") || err.contains("No space"),
        "{err}"
    );
    assert!(
        whole_tree(&out) == before,
        "the previous site, byte for byte"
    );
    assert!(
        whole_tree(&root.join(".pillar-cache")) == cache_before,
        "and its bookkeeping"
    );
    build_site(&root, &out, &[]);
    let page = std::fs::read_to_string(out.join("big/index.html")).unwrap();
    assert!(page.contains("Version two"));
}
