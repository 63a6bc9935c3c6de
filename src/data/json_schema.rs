//! The JSON Schema (draft 2020-12) of the data file, generated from the types that read it
//! (`schema::RawData`), so that what editors check and what pillar accepts cannot drift apart.
//! `pillar schema` prints it; `pillar init` writes it beside a new project.

use schemars::generate::SchemaSettings;

/// The file name `pillar init` writes the schema under, at the project's root.
pub const FILE: &str = "reform.schema.json";

/// The schema, as pretty JSON ending in a newline.
pub fn text() -> String {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<super::schema::RawData>();
    schema.insert("title".into(), "pillar reform data file".into());
    schema.insert(
        "description".into(),
        "The reform as data (content/reform.toml): units, functions, events, sources, terms and notes. Documented in docs/data-file.md of pillar; references between rows are checked by `pillar check`, not by this schema."
            .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_draft_2020_12_and_refuses_unknown_keys() {
        let v: serde_json::Value = serde_json::from_str(&super::text()).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(v["additionalProperties"], false);
        assert_eq!(v["required"], serde_json::json!(["reform"]));
        let unit = &v["$defs"]["RawUnit"];
        assert_eq!(unit["additionalProperties"], false);
        assert_eq!(unit["properties"]["id"]["type"], "string");
        assert_eq!(
            v["$defs"]["Era"]["enum"],
            serde_json::json!(["before", "after", "both"])
        );
    }
}
