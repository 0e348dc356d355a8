//! A bounded memo of values that do not change for a given key: two generations of a map, the
//! older dropped whole when the newer fills (an approximate LRU without per-entry bookkeeping).
//! Keys carry what the value was computed from (build, latest import), so a value is never stale
//! for its key and old keys simply age out.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// The newer and the older generation.
type Generations<K, V> = (HashMap<K, Arc<V>>, HashMap<K, Arc<V>>);

/// The memo; `capacity` entries per generation, so at most twice that are held.
pub struct Memo<K, V> {
    capacity: usize,
    generations: Mutex<Generations<K, V>>,
}

impl<K: Eq + Hash + Clone, V> Memo<K, V> {
    /// An empty memo.
    pub fn new(capacity: usize) -> Self {
        Memo {
            capacity: capacity.max(1),
            generations: Mutex::new((HashMap::new(), HashMap::new())),
        }
    }

    /// The value under `key`, if held (an entry found in the older generation moves to the newer).
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let mut g = self.generations.lock().ok()?;
        if let Some(v) = g.0.get(key) {
            return Some(v.clone());
        }
        let v = g.1.remove(key)?;
        Self::put(&mut g, self.capacity, key.clone(), v.clone());
        Some(v)
    }

    /// Holds `value` under `key`.
    pub fn insert(&self, key: K, value: Arc<V>) {
        if let Ok(mut g) = self.generations.lock() {
            Self::put(&mut g, self.capacity, key, value);
        }
    }

    fn put(g: &mut Generations<K, V>, capacity: usize, key: K, value: Arc<V>) {
        if g.0.len() >= capacity {
            g.1 = std::mem::take(&mut g.0);
        }
        g.0.insert(key, value);
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.generations.lock().map_or(0, |g| g.0.len() + g.1.len())
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_at_most_two_generations_and_keeps_what_is_read() {
        let m = Memo::new(2);
        for k in 0..5 {
            m.insert(k, Arc::new(k * 10));
        }
        // {4} and {2, 3}: 0 and 1 aged out.
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(&0), None);
        assert_eq!(m.get(&4).as_deref(), Some(&40));
        // Reading 2 moves it to the newer generation, so it survives the next turnover; 3 does not.
        assert_eq!(m.get(&2).as_deref(), Some(&20));
        m.insert(5, Arc::new(50));
        assert_eq!(m.get(&2).as_deref(), Some(&20));
        assert_eq!(m.get(&3), None);
        assert!(m.len() <= 4);
    }
}
