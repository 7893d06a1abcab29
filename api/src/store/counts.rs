//! `Counts`: how many of something have each key (a stored enum value or a
//! focus-area code), the building block of the comparison figures.
//!
//! A comparison of every municipality decodes some 600 stored figures with
//! about 25 keyed counts each, and sums them into totals. As a map of owned
//! strings that was an allocation per key on decoding, again per key on
//! every sum, and a free for each; together more than a tenth of the
//! server's work for the request. Here a key is interned once for the life
//! of the process and held as `&'static str`, and the counts of one figure
//! are a short sorted vector, so decoding, summing and dropping allocate
//! nothing per key. The interned set is the vocabulary of keys: the enum
//! values and the focus-area codes of the catalogue, a few dozen strings,
//! so what it holds stays bounded by the reference data, not by traffic.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{OnceLock, RwLock};

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The one copy of `key`, kept for the life of the process. Each thread
/// remembers the keys it met, so reading figures takes no lock, and the
/// last key seen in each of a few slots (picked by length and two bytes),
/// so most lookups are one short comparison instead of a hash.
fn intern(key: &str) -> &'static str {
    thread_local! {
        static RECENT: RefCell<[&'static str; 64]> = const { RefCell::new([""; 64]) };
        static MET: RefCell<Keys> = RefCell::default();
    }
    let bytes = key.as_bytes();
    let slot = match bytes {
        [] => 0,
        [first, .., last] => (bytes.len() ^ usize::from(*first) ^ (usize::from(*last) << 2)) % 64,
        [only] => usize::from(*only) % 64,
    };
    if let Some(held) = RECENT.with_borrow(|recent| (recent[slot] == key).then_some(recent[slot])) {
        return held;
    }
    let held = MET.with_borrow_mut(|met| {
        if let Some(held) = met.get(key) {
            return *held;
        }
        let held = intern_shared(key);
        met.insert(held);
        held
    });
    RECENT.with_borrow_mut(|recent| recent[slot] = held);
    held
}

fn intern_shared(key: &str) -> &'static str {
    static KEYS: OnceLock<RwLock<Keys>> = OnceLock::new();
    let keys = KEYS.get_or_init(Default::default);
    if let Some(held) = keys
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(key)
    {
        return held;
    }
    let mut keys = keys
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(held) = keys.get(key) {
        return held;
    }
    let held: &'static str = Box::leak(key.to_owned().into_boxed_str());
    keys.insert(held);
    held
}

/// The interned keys. Looked up once per key of every figure read, so the
/// hash is FNV-1a, far cheaper on short keys than the standard SipHash;
/// the keys come from the database, not from callers, so there is no one
/// to flood the set with colliding keys.
type Keys = HashSet<&'static str, BuildHasherDefault<Fnv>>;

#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// Counts by key, in key order; no key is listed twice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(Vec<(&'static str, u64)>);

impl Counts {
    /// Adds `n` to the count of `key`.
    pub fn add(&mut self, key: &str, n: u64) {
        self.add_interned(intern(key), n);
    }

    /// `add` of a key interned already. Stored counts are in key order,
    /// so reading them appends.
    fn add_interned(&mut self, key: &'static str, n: u64) {
        if self.0.last().is_none_or(|(last, _)| *last < key) {
            self.0.push((key, n));
            return;
        }
        match self.0.binary_search_by(|(held, _)| (*held).cmp(key)) {
            Ok(at) => self.0[at].1 += n,
            Err(at) => self.0.insert(at, (key, n)),
        }
    }

    /// Counts `key` once, however often it is named (a focus area a
    /// pledge names under several headings).
    pub fn once(&mut self, key: &str) {
        if self.get(key).is_none() {
            self.add(key, 1);
        }
    }

    /// Adds every count of `other` in: one walk along both, as both are in
    /// key order, comparing interned keys by address first.
    pub fn add_all(&mut self, other: &Counts) {
        if self.0.is_empty() {
            self.0.clone_from(&other.0);
            return;
        }
        let mut at = 0;
        for &(key, n) in &other.0 {
            while at < self.0.len() && !std::ptr::eq(self.0[at].0, key) && self.0[at].0 < key {
                at += 1;
            }
            match self.0.get_mut(at) {
                Some((held, count)) if std::ptr::eq(*held, key) || *held == key => *count += n,
                _ => self.0.insert(at, (key, n)),
            }
            at += 1;
        }
    }

    /// The count of `key`, if it has one.
    pub fn get(&self, key: &str) -> Option<u64> {
        self.0
            .binary_search_by(|(held, _)| (*held).cmp(key))
            .ok()
            .map(|at| self.0[at].1)
    }

    /// The sum of every count.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// Each key and its count, in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, u64)> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<const N: usize> From<[(&str, u64); N]> for Counts {
    fn from(pairs: [(&str, u64); N]) -> Self {
        let mut counts = Counts::default();
        for (key, n) in pairs {
            counts.add(key, n);
        }
        counts
    }
}

/// Stored as a JSON object, key → count.
impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, n) in &self.0 {
            map.serialize_entry(key, n)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CountsVisitor)
    }
}

struct CountsVisitor;

impl<'de> Visitor<'de> for CountsVisitor {
    type Value = Counts;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of counts by key")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counts, A::Error> {
        let mut counts = Counts(Vec::with_capacity(map.size_hint().unwrap_or(8)));
        while let Some(key) = map.next_key::<Key>()? {
            let n: u64 = map.next_value()?;
            counts.add_interned(key.0, n);
        }
        Ok(counts)
    }
}

/// A key read from storage, interned without an owned copy on the way.
struct Key(&'static str);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(Key(intern(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_stay_sorted_and_add_up() {
        let mut counts = Counts::default();
        counts.add("POLICE", 2);
        counts.add("JOINT", 1);
        counts.add("POLICE", 3);
        assert_eq!(
            counts.iter().collect::<Vec<_>>(),
            [("JOINT", 1), ("POLICE", 5)]
        );
        counts.add_all(&Counts::from([("MUNICIPALITY", 4), ("JOINT", 1)]));
        assert_eq!(
            counts.iter().collect::<Vec<_>>(),
            [("JOINT", 2), ("MUNICIPALITY", 4), ("POLICE", 5)]
        );
        assert_eq!(counts.total(), 11);
        assert_eq!(counts.get("MUNICIPALITY"), Some(4));
        assert_eq!(counts.get("NONE"), None);
    }

    #[test]
    fn a_key_named_twice_counts_once() {
        let mut counts = Counts::default();
        counts.once("TRYGGHET");
        counts.once("TRYGGHET");
        assert_eq!(counts.iter().collect::<Vec<_>>(), [("TRYGGHET", 1)]);
    }

    #[test]
    fn counts_round_trip_through_json_in_key_order() {
        let counts: Counts =
            serde_json::from_str(r#"{"SCHOOL_VISITS":1,"DRUG_DOG_SEARCH":2,"SCHOOL_VISITS":2}"#)
                .expect("counts");
        assert_eq!(
            counts.iter().collect::<Vec<_>>(),
            [("DRUG_DOG_SEARCH", 2), ("SCHOOL_VISITS", 3)]
        );
        assert_eq!(
            serde_json::to_string(&counts).expect("json"),
            r#"{"DRUG_DOG_SEARCH":2,"SCHOOL_VISITS":3}"#
        );
    }

    #[test]
    fn an_escaped_key_is_read_as_its_text() {
        let counts: Counts = serde_json::from_str(r#"{"\u00c4LDRE":1}"#).expect("counts");
        assert_eq!(counts.iter().collect::<Vec<_>>(), [("ÄLDRE", 1)]);
    }
}
