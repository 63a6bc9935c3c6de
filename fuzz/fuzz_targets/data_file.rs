//! Fuzzes the reform data file loader and validator.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let v = pillar::data::parse(std::path::Path::new("reform.toml"), text);
    let lines = text.split('\n').count();
    for d in &v.diagnostics {
        assert!(d.line >= 1 && d.line <= lines, "{d}");
        let _ = d.to_string();
    }
});
