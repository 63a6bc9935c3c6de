//! The published folder holds only the site: what a build records for the next one lives in
//! the project's cache folder, so two builds into two folders are the same folders, and an
//! output folder of an older version (bookkeeping inside) is cleaned by the next build.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

fn starter(dir: &Path) -> std::path::PathBuf {
    let root = dir.join("s");
    let o = pillar(&["init", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    root
}

fn pillar_names(t: &BTreeMap<String, Option<Vec<u8>>>) -> Vec<&String> {
    t.keys()
        .filter(|k| {
            Path::new(k)
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".pillar"))
        })
        .collect()
}

#[test]
fn two_builds_into_two_folders_are_the_same_folder_with_nothing_of_pillars() {
    let tmp = tempfile::tempdir().unwrap();
    let root = starter(tmp.path());
    let inside = root.join("public");
    let outside = tmp.path().join("elsewhere");
    build_site(&root, &inside, &[]);
    build_site(&root, &outside, &[]);
    let (a, b) = (whole_tree(&inside), whole_tree(&outside));
    assert!(a.len() > 10, "{a:?}");
    assert!(pillar_names(&a).is_empty(), "{:?}", pillar_names(&a));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same entries"
    );
    assert!(a == b, "the same bytes");
    // The bookkeeping is in the project's cache folder, which git ignores.
    let cache = root.join(".pillar-cache");
    let ignore = std::fs::read_to_string(cache.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    let entries: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(entries.len(), 2, "one per output folder: {entries:?}");
    for e in &entries {
        assert!(e.join("manifest").is_file(), "{}", e.display());
    }
    // An unchanged build still stops at once, and still finds every file in place.
    let o = pillar(&["build", "--root", root.to_str().unwrap()]);
    assert!(
        text(&o.stdout).contains("(0 written"),
        "{}",
        text(&o.stdout)
    );
    // A cache entry whose output folder is gone is dropped by the next build.
    std::fs::remove_dir_all(&outside).unwrap();
    std::fs::write(
        root.join("content/new.md"),
        "+++\ntitle = \"New\"\n+++\nNew.\n",
    )
    .unwrap();
    build_site(&root, &inside, &[]);
    let left = std::fs::read_dir(&cache)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(left, 1);
}

#[test]
fn an_output_folder_of_an_older_version_is_cleaned_and_loses_its_bookkeeping() {
    let tmp = tempfile::tempdir().unwrap();
    let root = starter(tmp.path());
    let out = root.join("public");
    std::fs::write(
        root.join("content/withdrawn.md"),
        "+++\ntitle = \"Withdrawn\"\n+++\nWITHDRAWN-CANARY\n",
    )
    .unwrap();
    build_site(&root, &out, &[]);
    assert!(out.join("withdrawn/index.html").is_file());
    // What an older version left: its manifest (the same format), warnings and lock inside
    // the output folder, and no cache folder.
    let cache = root.join(".pillar-cache");
    let entry = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    std::fs::copy(entry.join("manifest"), out.join(".pillar-manifest")).unwrap();
    std::fs::write(out.join(".pillar-warnings.json"), "[]").unwrap();
    std::fs::write(out.join(".pillar-lock"), "").unwrap();
    std::fs::remove_dir_all(&cache).unwrap();
    std::fs::write(out.join("mine.txt"), "not pillar's").unwrap();

    std::fs::remove_file(root.join("content/withdrawn.md")).unwrap();
    let o = pillar(&["build", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("1 removed"), "{}", text(&o.stdout));
    let after = whole_tree(&out);
    assert!(
        pillar_names(&after).is_empty(),
        "{:?}",
        pillar_names(&after)
    );
    assert!(!out.join("withdrawn").exists(), "the stale page is removed");
    assert!(
        out.join("mine.txt").is_file(),
        "a file pillar did not write stays"
    );
    // Apart from the file that is not pillar's, it is what a fresh build makes.
    let fresh = tmp.path().join("fresh");
    build_site(&root, &fresh, &[]);
    let mut after = after;
    after.remove("mine.txt");
    assert!(after == whole_tree(&fresh));
}

#[test]
fn a_failed_first_build_leaves_no_cache_entry_and_check_writes_no_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let root = starter(tmp.path());
    let o = pillar(&["check", "--root", root.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!root.join(".pillar-cache").exists(), "check writes nothing");
    std::fs::write(
        root.join("content/broken.md"),
        "+++\ntitle = \"B\"\n+++\n[x](@/nope.md)\n",
    )
    .unwrap();
    let o = pillar(&["build", "--root", root.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(!root.join("public").exists());
    let entries = std::fs::read_dir(root.join(".pillar-cache"))
        .map(|d| d.filter(|e| e.as_ref().unwrap().path().is_dir()).count())
        .unwrap_or(0);
    assert_eq!(entries, 0);
}
