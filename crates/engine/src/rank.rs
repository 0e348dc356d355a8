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
    sort_for_ranks(&mut items);
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
        // No keys, or one for every row (a single year): no ids to hold.
        if keys
            .first()
            .is_none_or(|k| k.is_some() && keys.iter().all(|x| x == k))
        {
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

/// Widest digit of a bucket pass: 2,048 buckets, whose write positions stay in the first-level
/// caches while a million items are scattered.
const DIGIT_BITS: u32 = 11;

/// Runs this short are sorted by comparison: a bucket pass costs more than it saves there.
const SHORT_RUN: usize = 48;

/// Sorts items by (key id, score bits). The order of items equal in both is not kept: ranks read
/// only where key and score change.
///
/// Most significant digit first: the items are split into key ids, then each key's run into
/// buckets by the highest bits in which its scores differ, and each bucket likewise, until runs
/// are short. Only the first split of a large run goes through main memory; the buckets after
/// it are a few thousand items, sorted in cache. It replaced a least-significant-digit radix sort
/// (six passes over every item through memory): ranking 49 indicators of 10⁶ units for strengths
/// took 1.6–1.8 s instead of 2.4–2.7 s.
fn sort_for_ranks(items: &mut Vec<Item>) {
    let mut scratch: Vec<Item> = vec![(0, 0, 0); items.len()];
    let keys = items
        .iter()
        .map(|it| it.1)
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut runs = Vec::with_capacity(keys);
    if keys > 1 {
        // By key id: one counting pass (ids are few and dense).
        let mut start = vec![0usize; keys + 1];
        for it in items.iter() {
            start[it.1 as usize + 1] += 1;
        }
        for k in 0..keys {
            start[k + 1] += start[k];
        }
        runs.extend(start.windows(2).map(|w| w[0]..w[1]));
        let mut next = start;
        for it in items.iter() {
            let slot = &mut next[it.1 as usize];
            scratch[*slot] = *it;
            *slot += 1;
        }
        std::mem::swap(items, &mut scratch);
    } else {
        runs.push(0..items.len());
    }
    for run in runs {
        sort_by_bits(&mut items[run.clone()], &mut scratch[run]);
    }
}

/// Sorts `items` by their score bits, using `scratch` (as long) for the bucket passes.
fn sort_by_bits(items: &mut [Item], scratch: &mut [Item]) {
    if items.len() <= SHORT_RUN {
        items.sort_unstable_by_key(|it| it.0);
        return;
    }
    let first = items[0].0;
    let differ = items.iter().fold(0, |d, it| d | (it.0 ^ first));
    if differ == 0 {
        return;
    }
    // The digit: the highest bits that differ, as many as the run is worth (≥ 4, ≤ 11).
    let top = u64::BITS - differ.leading_zeros();
    let width = (usize::BITS - items.len().leading_zeros())
        .clamp(4, DIGIT_BITS)
        .min(top);
    let shift = top - width;
    let mask = (1u64 << width) - 1;
    let digit = |it: &Item| ((it.0 >> shift) & mask) as usize;
    // One array: counts, then each bucket's next free slot, which after the scatter is its end
    // (8 KiB a level, as the recursion keeps one per level).
    let mut slots = [0u32; 1 << DIGIT_BITS];
    let slots = &mut slots[..1 << width];
    for it in items.iter() {
        slots[digit(it)] += 1;
    }
    let mut sum = 0;
    for slot in slots.iter_mut() {
        (*slot, sum) = (sum, sum + *slot);
    }
    for it in items.iter() {
        let slot = &mut slots[digit(it)];
        scratch[*slot as usize] = *it;
        *slot += 1;
    }
    // Copied back rather than sorting each bucket from the scratch into place: measured faster,
    // as most buckets are a handful of items.
    items.copy_from_slice(scratch);
    // Each bucket's items share the digit and the bits above it: sorted on the bits below.
    let mut from = 0;
    for &end in slots.iter() {
        let end = end as usize;
        if end - from > 1 {
            sort_by_bits(&mut items[from..end], &mut scratch[from..end]);
        }
        from = end;
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
        fn the_sort_orders_as_a_comparison_sort(
            raw in proptest::collection::vec(
                (0u32..4, prop_oneof![any::<f64>(), Just(1.0), 99.0f64..100.0]),
                0..3000,
            ),
        ) {
            let mut items: Vec<Item> = raw
                .iter()
                .enumerate()
                .map(|(r, &(k, s))| (descending(s), k, r as u32))
                .collect();
            // Items equal in key and score may come in any order: compared sorted by row.
            let key = |it: &Item| (it.1, it.0, it.2);
            let mut expected = items.clone();
            expected.sort_unstable_by_key(key);
            sort_for_ranks(&mut items);
            prop_assert!(items.windows(2).all(|w| (w[0].1, w[0].0) <= (w[1].1, w[1].0)));
            items.sort_by_key(key);
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
