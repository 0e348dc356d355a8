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
    let key = |r: usize| if keys.is_empty() { Some(0) } else { keys[r] };
    let mut items: Vec<Item> = (0..n)
        .filter_map(|r| {
            let k = key(r)?;
            (!scores[r].is_nan()).then(|| (k, descending(scores[r]), r as u32))
        })
        .collect();
    radix_sort(&mut items);
    let mut ranks = vec![None; n];
    let mut rank = 0u32;
    let mut pos_in_key = 0u32;
    for (p, &(k, _, r)) in items.iter().enumerate() {
        let r = r as usize;
        let new_key = p == 0 || items[p - 1].0 != k;
        if new_key {
            pos_in_key = 0;
        }
        pos_in_key += 1;
        if new_key || scores[items[p - 1].2 as usize] != scores[r] {
            rank = pos_in_key;
        }
        ranks[r] = Some(rank);
    }
    ranks
}

/// A row to rank: its key, its score as bits in descending order, the row.
type Item = (u64, u64, u32);

/// The bits of `total_cmp`'s order, reversed: ascending bits are descending scores.
fn descending(s: f64) -> u64 {
    let b = s.to_bits() as i64;
    let ordered = (b ^ ((((b >> 63) as u64) >> 1) as i64)) as u64 ^ (1 << 63);
    !ordered
}

/// Sorts items given in row order by (key, score bits, row): a stable least-significant-digit radix
/// sort a byte at a time, passing over bytes that are the same in every item (most of a key's, and
/// a score's sign and exponent). It replaced a comparison sort that was a third of a Monte Carlo
/// replication's time.
fn radix_sort(items: &mut Vec<Item>) {
    let digit = |it: &Item, d: usize| -> usize {
        let word = if d < 8 { it.1 } else { it.0 };
        ((word >> (8 * (d % 8))) & 0xff) as usize
    };
    // Every digit's histogram in one pass: digits 0–7 are the score's bytes, 8–15 the key's.
    let mut counts = vec![[0usize; 256]; 16];
    for it in items.iter() {
        for (d, c) in counts.iter_mut().enumerate() {
            c[digit(it, d)] += 1;
        }
    }
    let mut buffer: Vec<Item> = Vec::new();
    for (d, c) in counts.iter().enumerate() {
        if c.contains(&items.len()) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (slot, &k) in next.iter_mut().zip(c) {
            *slot = sum;
            sum += k;
        }
        buffer.clear();
        buffer.resize(items.len(), (0, 0, 0));
        for it in items.iter() {
            let b = digit(it, d);
            buffer[next[b]] = *it;
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
                .map(|(r, &(k, s, wide))| (if wide { (k << 40) | k } else { k }, descending(s), r as u32))
                .collect();
            let mut expected = items.clone();
            expected.sort_unstable();
            radix_sort(&mut items);
            prop_assert_eq!(items, expected);
        }
    }
}
