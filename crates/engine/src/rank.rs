//! Ranks within keys (years, groups): descending, ties sharing the best rank.

/// A sort key per row: the year (so ranks are within years) and optionally a group code; `None`
/// for rows that are not ranked in this grouping (no group).
pub(crate) fn year_keys(times: Option<&[i32]>, groups: Option<&[Option<u32>]>) -> Vec<Option<u64>> {
    let n = times
        .map(<[i32]>::len)
        .or(groups.map(<[Option<u32>]>::len))
        .unwrap_or(0);
    (0..n)
        .map(|r| {
            let year = times.map_or(0, |t| (i64::from(t[r]) + (1 << 31)) as u64) << 32;
            match groups {
                None => Some(year),
                Some(g) => g[r].map(|g| year | u64::from(g)),
            }
        })
        .collect()
}

/// Ranks `scores` in descending order within each key; ties share the best rank; missing scores
/// and rows without a key get no rank.
pub(crate) fn rank_within(scores: &[f64], keys: &[Option<u64>]) -> Vec<Option<u32>> {
    let n = scores.len();
    let ids = KeyIds::new(keys);
    let mut items: Vec<Item> = (0..n)
        .filter_map(|r| {
            let k = ids.of(r)?;
            // `+ 0.0` makes −0 into 0, so that the two (equal scores) have the same bits.
            (!scores[r].is_nan()).then(|| (descending(scores[r] + 0.0), k, r as u32))
        })
        .collect();
    radix_sort(&mut items);
    let mut ranks = vec![None; n];
    let mut rank = 0u32;
    let mut pos_in_key = 0u32;
    for (p, &(bits, k, r)) in items.iter().enumerate() {
        let new_key = p == 0 || items[p - 1].1 != k;
        if new_key {
            pos_in_key = 0;
        }
        pos_in_key += 1;
        if new_key || items[p - 1].0 != bits {
            rank = pos_in_key;
        }
        ranks[r as usize] = Some(rank);
    }
    ranks
}

/// Each row's key as a small number, in order of first appearance: keys are few (years, groups),
/// and a 4-byte id keeps the items that are sorted small. Rows are counted in `u32`, so ids fit.
enum KeyIds {
    /// No keys: every row in one.
    One,
    Dense(Vec<Option<u32>>),
}

impl KeyIds {
    fn new(keys: &[Option<u64>]) -> KeyIds {
        if keys.is_empty() {
            return KeyIds::One;
        }
        let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
        let mut last: Option<(u64, u32)> = None;
        let ids = keys
            .iter()
            .map(|&k| {
                k.map(|k| match last {
                    // Keys come in runs (a year's rows together): most rows skip the map.
                    Some((lk, id)) if lk == k => id,
                    _ => {
                        let next = seen.len() as u32;
                        let id = *seen.entry(k).or_insert(next);
                        last = Some((k, id));
                        id
                    }
                })
            })
            .collect();
        KeyIds::Dense(ids)
    }

    fn of(&self, row: usize) -> Option<u32> {
        match self {
            KeyIds::One => Some(0),
            KeyIds::Dense(ids) => ids[row],
        }
    }
}

/// A row to rank: its score as bits in descending order, its key's id, the row.
type Item = (u64, u32, u32);

/// The bits of `total_cmp`'s order, reversed: ascending bits are descending scores.
fn descending(s: f64) -> u64 {
    let b = s.to_bits() as i64;
    let ordered = (b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64 ^ (1 << 63);
    !ordered
}

/// Bits of a radix sort digit: six digits cover a score, three a key id.
const DIGIT_BITS: u32 = 11;
const DIGITS: usize = 9;

/// Sorts items given in row order by (key id, score bits, row): a stable least-significant-digit
/// radix sort 11 bits at a time, passing over digits that are the same in every item (most of a
/// key's, and often a score's sign and exponent). It replaced a comparison sort that was a third
/// of a Monte Carlo replication's time; 16-byte items and 11-bit digits (were 24 bytes and bytes)
/// halved it again at 10⁶ rows.
fn radix_sort(items: &mut Vec<Item>) {
    let digit = |it: &Item, d: usize| -> usize {
        let bits = if d < 6 {
            it.0 >> (DIGIT_BITS as usize * d)
        } else {
            u64::from(it.1) >> (DIGIT_BITS as usize * (d - 6))
        };
        (bits & ((1 << DIGIT_BITS) - 1)) as usize
    };
    // Every digit's histogram in one pass.
    let mut counts = vec![[0u32; 1 << DIGIT_BITS]; DIGITS];
    for it in items.iter() {
        for (d, c) in counts.iter_mut().enumerate() {
            c[digit(it, d)] += 1;
        }
    }
    let mut buffer: Vec<Item> = Vec::new();
    for (d, c) in counts.iter().enumerate() {
        if c.iter().any(|&k| k as usize == items.len()) {
            continue;
        }
        let mut next = [0u32; 1 << DIGIT_BITS];
        let mut sum = 0;
        for (slot, &k) in next.iter_mut().zip(c) {
            *slot = sum;
            sum += k;
        }
        buffer.clear();
        buffer.resize(items.len(), (0, 0, 0));
        for it in items.iter() {
            let b = digit(it, d);
            buffer[next[b] as usize] = *it;
            next[b] += 1;
        }
        std::mem::swap(items, &mut buffer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ranks_share_the_best_rank_and_restart_per_key() {
        let s = [5.0, 9.0, 5.0, f64::NAN, 1.0, 7.0];
        let k = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1)];
        let r = rank_within(&s, &k);
        assert_eq!(r, vec![Some(2), Some(1), Some(2), None, Some(2), Some(1)]);
        let none_keyed = rank_within(&s, &[Some(0), None, Some(0), Some(0), Some(0), Some(0)]);
        assert_eq!(none_keyed[1], None);
        assert_eq!(none_keyed[5], Some(1));
        assert_eq!(
            rank_within(&[0.0, -0.0, 1.0], &[]),
            vec![Some(2), Some(2), Some(1)]
        );
    }

    proptest! {
        #[test]
        fn radix_sort_orders_as_a_comparison_sort(
            raw in proptest::collection::vec((0u64..4, any::<f64>(), any::<bool>()), 0..400),
        ) {
            let mut items: Vec<Item> = raw
                .iter()
                .enumerate()
                .map(|(r, &(k, s, wide))| {
                    let k = k as u32;
                    (descending(s), if wide { (k << 24) | k } else { k }, r as u32)
                })
                .collect();
            let key = |it: &Item| (it.1, it.0, it.2);
            let mut expected = items.clone();
            expected.sort_unstable_by_key(key);
            radix_sort(&mut items);
            prop_assert_eq!(items, expected);
        }

        #[test]
        fn ranks_count_the_better_scores_of_the_same_key(
            raw in proptest::collection::vec(
                (proptest::option::weighted(0.9, 0u64..3), prop_oneof![
                    Just(f64::NAN), Just(0.0), Just(-0.0), Just(1.5), -3.0f64..3.0
                ]),
                0..300,
            ),
            wide in any::<bool>(),
        ) {
            let keys: Vec<Option<u64>> =
                raw.iter().map(|(k, _)| k.map(|k| if wide { k << 40 } else { k })).collect();
            let scores: Vec<f64> = raw.iter().map(|r| r.1).collect();
            let ranks = rank_within(&scores, &keys);
            for (r, rank) in ranks.iter().enumerate() {
                let expected = (keys[r].is_some() && !scores[r].is_nan()).then(|| {
                    1 + (0..scores.len())
                        .filter(|&o| keys[o] == keys[r] && scores[o] > scores[r])
                        .count() as u32
                });
                prop_assert_eq!(*rank, expected, "row {}", r);
            }
        }
    }
}
