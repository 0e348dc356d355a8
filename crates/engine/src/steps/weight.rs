//! PCA weights: the first principal component of an aggregate's children.

use crate::stats;

/// Weights from the first principal component of the children's correlation matrix (units with
/// every child present): the squared loadings, which are non-negative and sum to 1. Returns the
/// weights and the share of variance the component explains, or `None` when fewer than three
/// complete units or a constant child make the correlation matrix undefined.
pub fn pca(children: &[&[f64]]) -> Option<(Vec<f64>, f64)> {
    let k = children.len();
    if k == 1 {
        return Some((vec![1.0], 1.0));
    }
    let n = children[0].len();
    let rows: Vec<usize> = (0..n)
        .filter(|&r| children.iter().all(|c| !c[r].is_nan()))
        .collect();
    if rows.len() < 3 {
        return None;
    }
    let cols: Vec<Vec<f64>> = children
        .iter()
        .map(|c| rows.iter().map(|&r| c[r]).collect())
        .collect();
    let means: Vec<f64> = cols.iter().map(|c| stats::mean(c)).collect();
    let sds: Vec<f64> = cols.iter().map(|c| stats::sd(c)).collect();
    if sds.iter().any(|s| s.is_nan() || *s <= 0.0) {
        return None;
    }
    let m = rows.len() as f64;
    let mut corr = vec![vec![0.0; k]; k];
    for a in 0..k {
        for b in a..k {
            let cov: f64 = cols[a]
                .iter()
                .zip(&cols[b])
                .map(|(x, y)| (x - means[a]) * (y - means[b]))
                .sum::<f64>()
                / (m - 1.0);
            let r = cov / (sds[a] * sds[b]);
            corr[a][b] = r;
            corr[b][a] = r;
        }
    }
    let (values, vectors) = symmetric_eigen(corr);
    let (first, _) = values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let total: f64 = values.iter().sum();
    let weights = (0..k).map(|i| vectors[i][first].powi(2)).collect();
    Some((weights, values[first] / total))
}

/// Eigenvalues and eigenvectors (as columns) of a small symmetric matrix by cyclic Jacobi rotations.
/// The matrices here are an aggregate's children (a few dozen at most), where Jacobi is exact to
/// rounding and needs no linear-algebra dependency.
pub fn symmetric_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = a.len();
    let mut v = vec![vec![0.0; k]; k];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (arp, arq) = (row[p], row[q]);
                    row[p] = c * arp - s * arq;
                    row[q] = s * arp + c * arq;
                }
                let (row_p, row_q) = (a[p].clone(), a[q].clone());
                for (r, (apr, aqr)) in row_p.into_iter().zip(row_q).enumerate() {
                    a[p][r] = c * apr - s * aqr;
                    a[q][r] = s * apr + c * aqr;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    ((0..k).map(|i| a[i][i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_by_two_eigen_by_hand() {
        // [[1, r], [r, 1]] has eigenvalues 1 ± r with vectors (1, ±1)/√2.
        let (vals, vecs) = symmetric_eigen(vec![vec![1.0, 0.6], vec![0.6, 1.0]]);
        let mut sorted = vals.clone();
        sorted.sort_by(f64::total_cmp);
        assert!((sorted[0] - 0.4).abs() < 1e-12 && (sorted[1] - 1.6).abs() < 1e-12);
        let top = if vals[0] > vals[1] { 0 } else { 1 };
        assert!((vecs[0][top].abs() - 0.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn pca_weights_favour_the_correlated_children() {
        // a and b move together; c is unrelated noise.
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [1.1, 2.2, 2.9, 4.1, 5.0, 6.2];
        let c = [3.0, -1.0, 2.0, 0.0, 3.5, -2.0];
        let (w, explained) = pca(&[&a, &b, &c]).expect("defined");
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(w[0] > 0.4 && w[1] > 0.4 && w[2] < 0.2, "{w:?}");
        assert!(explained > 0.6 && explained <= 1.0);
        let k = [1.0, 1.0, 1.0, 1.0];
        assert_eq!(
            pca(&[&a[..4], &k]),
            None,
            "a constant child has no correlation"
        );
    }
}
