//! The links found working, with when: `.pillar-cache/external-links.json` at the project's
//! root, so that the next `check --external` within `cache_hours` does not fetch them again.
//! Broken links are never cached: they are fetched again on every run.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// The cache file's name in the project's cache folder.
pub const CACHE_FILE: &str = "external-links.json";

pub struct Cache {
    /// Link → when it was last found working (seconds since 1970).
    worked: BTreeMap<String, u64>,
    max_age: u64,
    now: u64,
}

impl Cache {
    /// The cache at `path` (empty when missing or unreadable), its entries older than
    /// `hours` dropped.
    pub fn read(path: &Path, hours: u32) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let max_age = u64::from(hours) * 3600;
        let mut worked: BTreeMap<String, u64> = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        worked.retain(|_, at| now.saturating_sub(*at) < max_age && *at <= now);
        Self {
            worked,
            max_age,
            now,
        }
    }

    /// Whether `url` was found working within the age.
    pub fn is_fresh(&self, url: &str) -> bool {
        self.max_age > 0 && self.worked.contains_key(url)
    }

    pub fn worked(&mut self, url: &str) {
        self.worked.insert(url.to_owned(), self.now);
    }

    /// Writes the cache (creating the cache folder, with a `.gitignore` of its own).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
            let ignore = dir.join(".gitignore");
            if !ignore.exists() {
                std::fs::write(ignore, "*\n")?;
            }
        }
        let json = serde_json::to_string_pretty(&self.worked).map_err(std::io::Error::other)?;
        std::fs::write(path, json)
    }
}
