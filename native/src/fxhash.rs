//! FxHash (the hasher of rustc and Firefox) for the scan's maps and sets: their keys are
//! entry and group indices, offsets and folded forms, hashed several times per mention,
//! where the standard SipHash cost ~2% of the whole scan. Not DoS-resistant, which these
//! maps need not be: the ones a text fills are per posting and keyed by taxonomy indices or
//! offsets within it, and the one keyed by text (the glue forms) is only looked up.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub type FxHashSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail) ^ rest.len() as u64);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_and_sets_behave_as_the_standard_ones() {
        let mut map: FxHashMap<Vec<u8>, usize> = FxHashMap::default();
        let words: Vec<Vec<u8>> = (0..2000u32)
            .map(|i| format!("form {i}").into_bytes())
            .collect();
        for (i, w) in words.iter().enumerate() {
            map.insert(w.clone(), i);
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(map.get(&w[..]), Some(&i));
        }
        assert_eq!(map.get(&b"form 2000"[..]), None);
        let set: FxHashSet<usize> = (0..5000).map(|i| i * 7).collect();
        assert_eq!(set.len(), 5000);
        assert!(set.contains(&49) && !set.contains(&50));
    }
}
