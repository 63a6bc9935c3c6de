//! What Zola and Hugo users write out of habit, mapped to pillar's names: the hints for an
//! unknown front-matter key and for a `config.toml` where pillar reads `site-config.toml`.

use std::path::Path;

/// The hint for front-matter key `key` when it is a Zola or Hugo key: pillar's name for it,
/// or what to do instead when pillar has no such feature.
pub fn front_matter_hint(key: &str) -> Option<&'static str> {
    Some(match key {
        "summary" => "pillar calls this `description` (Hugo's `summary`)",
        "layout" | "page_template" => {
            "pillar calls this `template` (a template name under theme/templates/)"
        }
        "lastmod" | "last_modified" => "pillar calls this `updated`",
        "publishDate" | "publishdate" | "pubdate" => "pillar calls this `date`",
        "linkTitle" | "linktitle" => "pillar reads the navigation title from `extra.nav_title`",
        "slug" | "url" | "path" => {
            "a Zola/Hugo key: in pillar the URL comes from the file's name and folder; rename the file"
        }
        "aliases" => {
            "a Zola/Hugo key: pillar makes no redirects; keep it under [extra] for a template of yours"
        }
        "tags" | "categories" | "taxonomies" | "series" | "keywords" => {
            "a Zola/Hugo key: pillar has no taxonomies; move it under [extra] to use it in your templates"
        }
        "paginate_by" | "paginate_path" | "paginate" => {
            "a Zola/Hugo key: pillar does not paginate sections"
        }
        "authors" | "author" => {
            "a Zola/Hugo key: pillar has one site-wide `author` in site-config.toml"
        }
        "in_search_index"
        | "render"
        | "transparent"
        | "insert_anchor_links"
        | "headless"
        | "toc"
        | "menu" => "a Zola/Hugo key that pillar does not support",
        _ => return None,
    })
}

/// Other generators' settings files that mean "this folder was meant as a site".
const FOREIGN_CONFIGS: [&str; 3] = ["config.toml", "zola.toml", "hugo.toml"];

/// The hint for a project without `site-config.toml` whose root holds Zola's or Hugo's
/// settings file instead, or `None`.
pub fn config_file_hint(root: &Path) -> Option<String> {
    let found = FOREIGN_CONFIGS.iter().find(|f| root.join(f).is_file())?;
    Some(format!(
        "found {found}: pillar reads its settings from site-config.toml, with keys of its own \
         (title, description, base_url, language, …); `pillar init DIR` writes one with every key"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zola_and_hugo_keys_map_to_pillars_or_say_what_is_missing() {
        assert!(
            front_matter_hint("summary")
                .unwrap()
                .contains("`description`")
        );
        assert!(front_matter_hint("layout").unwrap().contains("`template`"));
        assert!(front_matter_hint("aliases").unwrap().contains("redirects"));
        assert!(front_matter_hint("tags").unwrap().contains("[extra]"));
        assert_eq!(front_matter_hint("titel"), None);
    }

    #[test]
    fn a_config_toml_gets_a_hint_and_an_empty_folder_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(config_file_hint(dir.path()), None);
        std::fs::write(dir.path().join("config.toml"), "title = \"x\"\n").unwrap();
        let hint = config_file_hint(dir.path()).unwrap();
        assert!(
            hint.starts_with("found config.toml") && hint.contains("site-config.toml"),
            "{hint}"
        );
    }
}
