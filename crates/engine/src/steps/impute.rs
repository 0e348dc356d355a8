//! Imputation: filling missing values by indicator, across units or along a unit's years.

use std::collections::HashMap;

use crate::stats;

/// Fills missing values with a statistic of the column (`median = false` for the mean). With
/// `groups`, the statistic is taken over units of the same group; units without a group, or in a
/// group with no data, stay missing. Returns how many values were filled.
pub fn by_statistic(values: &mut [f64], groups: Option<&[Option<u32>]>, median: bool) -> usize {
    let stat = |x: &[f64]| {
        if median {
            stats::median(x)
        } else {
            stats::mean(x)
        }
    };
    match groups {
        None => {
            let fill = stat(values);
            fill_where_missing(values, |_| fill)
        }
        Some(groups) => {
            let mut members: HashMap<u32, Vec<f64>> = HashMap::new();
            for (v, g) in values.iter().zip(groups) {
                if let Some(g) = g {
                    members.entry(*g).or_default().push(*v);
                }
            }
            let fills: HashMap<u32, f64> =
                members.into_iter().map(|(g, x)| (g, stat(&x))).collect();
            fill_where_missing(values, |row| {
                groups[row]
                    .and_then(|g| fills.get(&g).copied())
                    .unwrap_or(f64::NAN)
            })
        }
    }
}

fn fill_where_missing(values: &mut [f64], fill: impl Fn(usize) -> f64) -> usize {
    let mut filled = 0;
    for (row, v) in values.iter_mut().enumerate() {
        if v.is_nan() {
            let f = fill(row);
            if !f.is_nan() {
                *v = f;
                filled += 1;
            }
        }
    }
    filled
}

/// Panel imputation along each unit's years. `series` lists, per unit, its rows in ascending year
/// order with their years. `interpolate = false` carries the latest earlier value forward;
/// `true` interpolates linearly in time between the nearest earlier and later values and carries the
/// nearest value at either end. Returns how many values were filled.
pub fn along_time(values: &mut [f64], series: &[Vec<(usize, i32)>], interpolate: bool) -> usize {
    let mut filled = 0;
    for s in series {
        let known: Vec<(i32, f64)> = s
            .iter()
            .filter(|(r, _)| !values[*r].is_nan())
            .map(|&(r, t)| (t, values[r]))
            .collect();
        if known.is_empty() {
            continue;
        }
        for &(row, t) in s {
            if !values[row].is_nan() {
                continue;
            }
            let before = known.iter().rev().find(|(kt, _)| *kt < t);
            let after = known.iter().find(|(kt, _)| *kt > t);
            let fill = match (interpolate, before, after) {
                (false, Some(&(_, v)), _) => Some(v),
                (false, None, _) => None,
                (true, Some(&(t0, v0)), Some(&(t1, v1))) => {
                    Some(v0 + (v1 - v0) * f64::from(t - t0) / f64::from(t1 - t0))
                }
                (true, Some(&(_, v)), None) | (true, None, Some(&(_, v))) => Some(v),
                (true, None, None) => None,
            };
            if let Some(f) = fill {
                values[row] = f;
                filled += 1;
            }
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn mean_and_median_fill_only_missing() {
        let mut x = [1.0, NA, 2.0, 9.0];
        assert_eq!(by_statistic(&mut x, None, false), 1);
        assert_eq!(x, [1.0, 4.0, 2.0, 9.0]);
        let mut x = [1.0, NA, 2.0, 9.0];
        by_statistic(&mut x, None, true);
        assert_eq!(x[1], 2.0);
    }

    #[test]
    fn group_statistics_stay_within_group() {
        let g = [Some(0), Some(0), Some(1), Some(1), Some(1), None];
        let mut x = [1.0, NA, 10.0, 20.0, NA, NA];
        assert_eq!(by_statistic(&mut x, Some(&g), false), 2);
        assert_eq!(x[1], 1.0);
        assert_eq!(x[4], 15.0);
        assert!(x[5].is_nan(), "a unit without a group stays missing");
    }

    #[test]
    fn carry_forward_and_interpolate() {
        // One unit over 2019..2023 with gaps; rows deliberately out of year order.
        let series = vec![vec![(4, 2019), (1, 2020), (3, 2021), (0, 2022), (2, 2023)]];
        let base = [NA, 2.0, NA, NA, NA]; // rows: 0=2022, 1=2020, 2=2023, 3=2021, 4=2019
        let mut x = base;
        x[2] = 8.0; // 2023
        let mut cf = x;
        assert_eq!(along_time(&mut cf, &series, false), 2);
        assert!(cf[4].is_nan(), "nothing earlier than 2019 to carry");
        assert_eq!(cf[3], 2.0);
        assert_eq!(cf[0], 2.0);
        let mut li = x;
        assert_eq!(along_time(&mut li, &series, true), 3);
        assert_eq!(li[4], 2.0, "start carries the nearest value");
        assert_eq!(li[3], 4.0, "2021 is a third of the way from 2 to 8");
        assert_eq!(li[0], 6.0);
    }
}
