//! The data file as templates see it: every row's `extra` table reaches the views, escaped
//! like every other value from the data file.

use crate::common::*;

/// A fresh `pillar init` project, with its data file passed through `edit`.
fn starter(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    let o = pillar(&["init", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let data = root.join("content/reform.toml");
    std::fs::write(&data, edit(std::fs::read_to_string(&data).unwrap())).unwrap();
    dir
}

#[test]
fn extra_tables_of_units_functions_events_and_sources_reach_templates_escaped() {
    let dir = starter(|t| {
        t.replacen(
            "id = \"port-office\"\n",
            "id = \"port-office\"\nextra = { website = \"https://port.example/<b>\", staff = 40 }\n",
            1,
        )
        .replacen(
            "id = \"berths\"\n",
            "id = \"berths\"\nextra = { budget = \"€2m\" }\n",
            1,
        )
        .replacen(
            "id = \"council-minutes\"\n",
            "id = \"council-minutes\"\nextra = { symbol = \"C/2024/1\" }\n",
            1,
        )
    });
    let root = dir.path().join("p");
    // Templates that print the extras and nothing else.
    let theme = root.join("theme/templates");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(
        theme.join("unit.html"),
        "{% if unit.extra.website %}<p id=\"w\">{{ unit.extra.website }}</p>\
         <p id=\"s\">{{ unit.extra.staff }}</p>{% endif %}{% for f in unit.functions_out %}\
         {% if f.extra.budget %}<p class=\"b\">{{ f.extra.budget }}</p>{% endif %}{% endfor %}",
    )
    .unwrap();
    std::fs::write(
        theme.join("sources.html"),
        "{% for s in sources %}{% if s.extra.symbol %}<p class=\"sym\">{{ s.extra.symbol }}</p>{% endif %}{% endfor %}",
    )
    .unwrap();
    let out = dir.path().join("site");
    build_site(&root, &out, &[]);
    let unit = std::fs::read_to_string(out.join("departments/port-office/index.html")).unwrap();
    assert!(
        unit.contains("<p id=\"w\">https://port.example/&lt;b&gt;</p>"),
        "{unit}"
    );
    assert!(unit.contains("<p id=\"s\">40</p>"), "{unit}");
    assert!(unit.contains("<p class=\"b\">€2m</p>"), "{unit}");
    let sources = std::fs::read_to_string(out.join("sources/index.html")).unwrap();
    assert!(
        sources.contains("<p class=\"sym\">C/2024/1</p>"),
        "{sources}"
    );
}

#[test]
fn an_extra_that_is_not_a_table_is_a_located_error() {
    let dir = starter(|t| t.replacen("id = \"berths\"\n", "id = \"berths\"\nextra = 3\n", 1));
    let root = dir.path().join("p");
    let o = pillar(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.starts_with("content/reform.toml:") && err.contains("expected a table"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_data_file_or_translation_linked_to_a_file_outside_the_project_is_refused() {
    let dir = starter(|t| t);
    let root = dir.path().join("p");
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(
        outside.join("reform.toml"),
        "[reform]\ntitle = \"OUTSIDE-CANARY\"\nsummary = \"from outside\"\n",
    )
    .unwrap();
    let data = root.join("content/reform.toml");
    std::fs::rename(&data, root.join("kept.toml")).unwrap();
    std::os::unix::fs::symlink(outside.join("reform.toml"), &data).unwrap();
    let o = pillar(&["build", "--root", root.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/reform.toml") && err.contains("outside the project"),
        "{err}"
    );
    assert!(!root.join("public").exists());

    // The same for a file named with `data =`, and for a translation.
    std::fs::remove_file(&data).unwrap();
    std::fs::rename(root.join("kept.toml"), &data).unwrap();
    std::fs::create_dir_all(root.join("data")).unwrap();
    std::os::unix::fs::symlink(outside.join("reform.toml"), root.join("data/r.toml")).unwrap();
    let config = std::fs::read_to_string(root.join("site-config.toml")).unwrap();
    std::fs::write(
        root.join("site-config.toml"),
        format!("data = \"data/r.toml\"\n{config}"),
    )
    .unwrap();
    let o = pillar(&["check", "--root", root.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert!(
        err.starts_with("site-config.toml:1:8: data file \"data/r.toml\" is a link"),
        "{err}"
    );
    std::fs::write(root.join("site-config.toml"), config).unwrap();
    std::fs::create_dir_all(root.join("theme/i18n")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("theme/i18n/en.toml")).unwrap();
    let o = pillar(&["check", "--root", root.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert!(
        err.starts_with("theme/i18n/en.toml: a link to a file outside the project"),
        "{err}"
    );
    assert!(!err.contains("root:"), "{err}");
}
