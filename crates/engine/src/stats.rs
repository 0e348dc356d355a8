//! Column statistics over the values present (missing values, `NAN`, are skipped).

/// Sum and count of the finite values.
fn sum_count(x: &[f64]) -> (f64, usize) {
    x.iter()
        .filter(|v| !v.is_nan())
        .fold((0.0, 0), |(s, n), v| (s + v, n + 1))
}

/// Number of values present.
pub fn count(x: &[f64]) -> usize {
    x.iter().filter(|v| !v.is_nan()).count()
}

/// Mean of the values present, `NAN` when none.
pub fn mean(x: &[f64]) -> f64 {
    let (s, n) = sum_count(x);
    if n == 0 { f64::NAN } else { s / n as f64 }
}

/// Median of the values present (mean of the two middle values for an even count), `NAN` when none.
pub fn median(x: &[f64]) -> f64 {
    let mut v: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let mid = n / 2;
    let (_, hi, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    let hi = *hi;
    if n % 2 == 1 {
        hi
    } else {
        let lo = v[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo + hi) / 2.0
    }
}

/// The `q` quantile of values sorted ascending, interpolating between order statistics (R's type 7);
/// `NAN` when there are none.
pub fn quantile_sorted<T: Copy + Into<f64>>(sorted: &[T], q: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let h = last as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let (a, b) = (sorted[lo].into(), sorted[hi].into());
    a + (h - lo as f64) * (b - a)
}

/// Sample standard deviation (n − 1), `NAN` with fewer than two values.
pub fn sd(x: &[f64]) -> f64 {
    let m = mean(x);
    let (ss, n) = x
        .iter()
        .filter(|v| !v.is_nan())
        .fold((0.0, 0usize), |(s, n), v| (s + (v - m) * (v - m), n + 1));
    if n < 2 {
        f64::NAN
    } else {
        (ss / (n - 1) as f64).sqrt()
    }
}

/// Minimum and maximum of the values present; `None` when there are none.
pub fn min_max(x: &[f64]) -> Option<(f64, f64)> {
    let mut it = x.iter().copied().filter(|v| !v.is_nan());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// Bias-corrected sample skewness and excess kurtosis (the "type 2" estimators of e1071 and Excel,
/// as COINr uses). `None` with fewer than four values or zero variance.
pub fn skew_kurt(x: &[f64]) -> Option<(f64, f64)> {
    let m = mean(x);
    let (mut m2, mut m3, mut m4, mut n) = (0.0, 0.0, 0.0, 0usize);
    for &v in x.iter().filter(|v| !v.is_nan()) {
        let d = v - m;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
        n += 1;
    }
    if n < 4 || m2 == 0.0 {
        return None;
    }
    let nf = n as f64;
    let g1 = nf.sqrt() * m3 / m2.powf(1.5);
    let skew = g1 * (nf * (nf - 1.0)).sqrt() / (nf - 2.0);
    let r = nf * m4 / (m2 * m2);
    let kurt = ((nf + 1.0) * (r - 3.0) + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0));
    Some((skew, kurt))
}

/// Ranks, 1 for the lowest value, ties sharing the lowest rank ("min" ties); missing stays missing.
pub fn rank_ascending_min(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| !x[i].is_nan()).collect();
    idx.sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![f64::NAN; x.len()];
    let mut rank = 0;
    for (pos, &i) in idx.iter().enumerate() {
        if pos == 0 || x[i] != x[idx[pos - 1]] {
            rank = pos + 1;
        }
        out[i] = rank as f64;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn location_and_spread_skip_missing() {
        let x = [1.0, NA, 2.0, 3.0, 10.0];
        assert_eq!(mean(&x), 4.0);
        assert_eq!(median(&x), 2.5);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        // sd of 1,2,3,10: mean 4, squares 9+4+1+36 = 50, /3
        assert!((sd(&x) - (50.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(min_max(&x), Some((1.0, 10.0)));
        assert!(mean(&[NA]).is_nan());
        assert_eq!(min_max(&[NA]), None);
    }

    #[test]
    fn skew_and_kurtosis_match_hand_computation() {
        // x = 1, 2, 3, 10: d = -3,-2,-1,6; m2 = 50, m3 = -27-8-1+216 = 180, m4 = 81+16+1+1296 = 1394.
        let (s, k) = skew_kurt(&[1.0, 2.0, 3.0, 10.0]).expect("enough data");
        let n: f64 = 4.0;
        let g1 = n.sqrt() * 180.0 / 50f64.powf(1.5);
        assert!((s - g1 * (n * (n - 1.0)).sqrt() / (n - 2.0)).abs() < 1e-12);
        let r = n * 1394.0 / 2500.0;
        assert!(
            (k - ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))).abs() < 1e-12
        );
        // Excel's formulas, SKEW = n/((n-1)(n-2)) Σ((x-m)/s)³ and
        // KURT = n(n+1)/((n-1)(n-2)(n-3)) Σ((x-m)/s)⁴ - 3(n-1)²/((n-2)(n-3)), give 1.76363261 and 3.228.
        assert!((s - 1.763_632_614_8).abs() < 1e-9, "{s}");
        assert!((k - 3.228).abs() < 1e-12, "{k}");
        assert_eq!(skew_kurt(&[1.0, 1.0, 1.0, 1.0]), None);
    }

    #[test]
    fn min_ranks_share_ties() {
        let r = rank_ascending_min(&[5.0, 1.0, 5.0, NA, 3.0]);
        assert_eq!(r[..3], [3.0, 1.0, 3.0]);
        assert!(r[3].is_nan());
        assert_eq!(r[4], 2.0);
    }
}
