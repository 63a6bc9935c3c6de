//! The command line: `init`, exit codes, reports.

use crate::common::*;

#[test]
fn init_writes_an_explainer_that_passes_a_strict_check_with_the_built_in_theme() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-reform");
    let o = pillar(&["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        !dir.join("theme").exists(),
        "the starter relies on the built-in theme"
    );
    let o = pillar(&["check", "--strict", "--root", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = tmp.path().join("out");
    build_site(&dir, &out, &[]);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains("fictional"),
        "the example says it is fictional"
    );
    assert!(out.join("departments/harbour-agency/index.html").is_file());
}

/// Someone who installed only the binary has no docs/: the starter's `site-config.toml` names
/// every top-level key of configuration.md, and with all of them uncommented it still builds.
#[test]
fn init_config_names_every_key_and_its_commented_defaults_are_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-reform");
    assert!(pillar(&["init", dir.to_str().unwrap()]).status.success());
    let config = std::fs::read_to_string(dir.join("site-config.toml")).unwrap();
    let docs = std::fs::read_to_string(repo().join("docs/configuration.md")).unwrap();
    for key in docs.lines().filter_map(|l| l.strip_prefix("### `")) {
        let key = key.trim_end_matches('`');
        if key.contains('.') {
            continue; // extra.social_image sits under [extra]
        }
        assert!(
            config
                .lines()
                .any(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = "))),
            "the starter config does not name `{key}`"
        );
    }
    let uncommented: String = config
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest
                        .split_once(" = ")
                        .is_some_and(|(k, _)| !k.contains(' ')) =>
            {
                rest
            }
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(uncommented.contains("\n[paths]\n") && uncommented.contains("\noutput_dir = "));
    std::fs::write(dir.join("site-config.toml"), uncommented).unwrap();
    std::fs::create_dir_all(dir.join("content/images")).unwrap();
    std::fs::write(dir.join("content/images/social.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let o = pillar(&["check", "--strict", "--root", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn init_refuses_a_folder_that_holds_a_site_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("site-config.toml"), "title = \"Mine\"\n").unwrap();
    let o = pillar(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("already holds a site"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("site-config.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
    assert!(!tmp.path().join("content").exists());
}

#[test]
fn an_unreadable_root_is_a_tool_error() {
    let o = pillar(&["build", "--root", "/nonexistent/pillar-root"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("cannot open the project folder"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn bad_arguments_exit_with_code_two() {
    let o = pillar(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn build_reports_pages_files_and_time() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let root = repo();
    let o = pillar(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    let stdout = text(&o.stdout);
    assert!(
        stdout.starts_with("built ")
            && stdout.contains(" pages, ")
            && stdout.trim_end().ends_with(" ms"),
        "{stdout}"
    );
}

/// A Zola or Hugo page: every unknown key of every file in one run, in file order, with
/// pillar's name where it has one (D8 of the ecosystem review).
#[test]
fn unknown_front_matter_keys_come_all_at_once_in_file_order_with_zola_names_mapped() {
    let p = Project::new()
        .file(
            "content/about.md",
            "+++\ntitle = \"About\"\nslug = \"x\"\naliases = [\"/old/\"]\nsummary = \"s\"\ntags = [\"a\"]\ndescripton = \"d\"\n+++\nBody\n",
        )
        .file("content/b.md", "+++\nlayout = \"wide\"\n+++\n");
    let o = pillar(&["check", "--root", p.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    let reported: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(": unknown key"))
        .collect();
    assert_eq!(
        reported,
        [
            "content/about.md:3:1: unknown key `slug`",
            "content/about.md:4:1: unknown key `aliases`",
            "content/about.md:5:1: unknown key `summary`",
            "content/about.md:6:1: unknown key `tags`",
            "content/about.md:7:1: unknown key `descripton`",
            "content/b.md:2:1: unknown key `layout`",
        ],
        "{err}"
    );
    for hint in [
        "pillar calls this `description`",
        "pillar makes no redirects",
        "pillar has no taxonomies",
        "did you mean `description`?",
        "pillar calls this `template`",
        "the URL comes from the file's name",
    ] {
        assert!(err.contains(hint), "no hint {hint:?} in\n{err}");
    }
}

/// A Zola project's `config.toml` is not read: pillar says so and refuses the folder
/// instead of building an "Untitled explainer" in silence.
#[test]
fn a_config_toml_without_site_config_gets_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("config.toml"), "title = \"Mine\"\n").unwrap();
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    std::fs::write(tmp.path().join("content/_index.md"), "Hi.\n").unwrap();
    for cmd in ["check", "build"] {
        let o = pillar(&[cmd, "--root", tmp.path().to_str().unwrap()]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("there is no site-config.toml here"), "{err}");
        assert!(
            err.contains(
                "hint: found config.toml: pillar reads its settings from site-config.toml"
            ),
            "{err}"
        );
    }
    assert!(!tmp.path().join("public").exists(), "nothing written");
    assert!(
        !tmp.path().join(".pillar-cache").exists(),
        "nothing written"
    );
}

/// `--root my-reform/content` (the content folder, not the project) is refused with the
/// folder to give instead, by build, check and serve; nothing is written.
#[test]
fn a_root_without_site_config_is_refused_with_the_nearest_project_named() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("my-reform");
    let o = pillar(&["init", project.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let project = project.canonicalize().unwrap();
    let content = project.join("content");
    let before: Vec<_> = walkdir::WalkDir::new(tmp.path())
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    for args in [
        vec!["build"],
        vec!["check"],
        vec!["serve", "--port", "0", "--output"],
    ] {
        let mut args: Vec<String> = args.into_iter().map(String::from).collect();
        if args[0] == "serve" {
            args.push(tmp.path().join("preview").display().to_string());
        }
        args.extend(["--root".into(), content.display().to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = pillar(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with(&format!(
                "error: {}: there is no site-config.toml here",
                content.display()
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "hint: {} has one: give --root {}",
                project.join("site-config.toml").display(),
                project.display()
            )),
            "{err}"
        );
    }
    let after: Vec<_> = walkdir::WalkDir::new(tmp.path())
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    assert_eq!(before, after, "nothing written");
}
