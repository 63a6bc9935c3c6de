//! A page's template context that keeps a hash of everything put into it, in order, so that
//! an incremental build can tell that a page's template would print the bytes it printed
//! last time (see `build::reuse`) without running it.

use std::borrow::Cow;
use std::hash::Hasher;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// A Tera context and the hash of its values as JSON.
#[derive(Default)]
pub struct Context {
    tera: tera::Context,
    /// Boxed: the hasher's state is most of a kilobyte, and contexts move between phases.
    hash: Box<Xxh3>,
    /// A value could not be written as JSON: the hash cannot vouch for the context.
    opaque: bool,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`, and adds both to the hash.
    pub fn insert<S: Into<Cow<'static, str>>, T: Serialize + ?Sized>(&mut self, key: S, value: &T) {
        let key = key.into();
        self.hash.update(key.as_bytes());
        self.hash.write_u8(0);
        self.opaque |= serde_json::to_writer(Hashing(&mut self.hash), value).is_err();
        self.hash.write_u8(0);
        self.tera.insert(key, value);
    }

    /// The context for Tera.
    pub fn tera(&self) -> &tera::Context {
        &self.tera
    }

    /// The hash of every key and value inserted so far (`None` when one of them could not
    /// be hashed).
    pub fn hash(&self) -> Option<u64> {
        (!self.opaque).then(|| self.hash.digest())
    }
}

/// Feeds what serde_json writes into the hash.
struct Hashing<'a>(&'a mut Xxh3);

impl std::io::Write for Hashing<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_follows_keys_values_and_their_order() {
        let hash = |pairs: &[(&'static str, &str)]| {
            let mut c = Context::new();
            for (k, v) in pairs {
                c.insert(*k, v);
            }
            c.hash()
        };
        let base = hash(&[("a", "1"), ("b", "2")]);
        assert_eq!(base, hash(&[("a", "1"), ("b", "2")]));
        assert_ne!(base, hash(&[("a", "1"), ("b", "3")]));
        assert_ne!(base, hash(&[("b", "2"), ("a", "1")]));
        assert_ne!(base, hash(&[("a", "1b"), ("", "2")]));
    }
}
