//! Statistical audit of a build: correlations within and across levels with flags, Cronbach's alpha
//! and principal components per aggregate, and a data-quality summary.

use rayon::prelude::*;
use serde::Serialize;

use crate::build::Build;
use crate::stats;
use crate::steps::weight::symmetric_eigen;

/// Thresholds for the audit's flags.
#[derive(Debug, Clone, Copy)]
pub struct AuditSettings {
    /// Children correlated above this (Pearson) are flagged as collinear.
    pub collinear: f64,
    /// A child correlated with its parent below this is flagged as weak.
    pub weak_with_parent: f64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            collinear: 0.9,
            weak_with_parent: 0.2,
        }
    }
}

/// Why a pair is flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Two children of one aggregate almost duplicate each other.
    Collinear,
    /// Two children of one aggregate pull in opposite directions.
    NegativeWithinAggregate,
    /// A child hardly moves with its aggregate.
    WeakWithParent,
}

/// A flagged pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Why.
    pub kind: FlagKind,
    /// The aggregate concerned.
    pub aggregate: String,
    /// First code.
    pub a: String,
    /// Second code (the aggregate itself for `WeakWithParent`).
    pub b: String,
    /// The Pearson correlation.
    pub value: f64,
}

/// The first principal component of an aggregate's children.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pca {
    /// Eigenvalues of the correlation matrix, largest first.
    pub eigenvalues: Vec<f64>,
    /// Share of variance each explains.
    pub explained: Vec<f64>,
    /// Loadings of the first component, one per child (sign chosen so that their sum is positive).
    pub loadings: Vec<f64>,
}

/// One aggregate's audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AggregateAudit {
    /// Aggregate code.
    pub code: String,
    /// Children codes.
    pub children: Vec<String>,
    /// Pearson correlations among the children.
    pub pearson: Vec<Vec<f64>>,
    /// Spearman correlations among the children.
    pub spearman: Vec<Vec<f64>>,
    /// Each child's Pearson correlation with the aggregate.
    pub with_parent: Vec<f64>,
    /// Cronbach's alpha of the children (units with every child present).
    pub cronbach_alpha: Option<f64>,
    /// Principal components (units with every child present).
    pub pca: Option<Pca>,
}

/// Missing and treated values of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quality {
    /// Indicator code.
    pub indicator: String,
    /// Values missing in the input.
    pub missing: usize,
    /// Share missing.
    pub missing_share: f64,
    /// Values imputed.
    pub imputed: usize,
    /// Points winsorised.
    pub winsorised: usize,
    /// The transform applied, if any.
    pub transformed: Option<&'static str>,
}

/// The audit of a build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    /// Every aggregate, lowest level first.
    pub aggregates: Vec<AggregateAudit>,
    /// Flagged pairs.
    pub flags: Vec<Flag>,
    /// Data quality per indicator (needs the build's stages for missing counts).
    pub quality: Vec<Quality>,
}

/// Pearson correlation over the pairs where both are present; `NaN` with fewer than 3 pairs or no variance.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(y)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .collect();
    let n = pairs.len() as f64;
    if pairs.len() < 3 {
        return f64::NAN;
    }
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in pairs {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        f64::NAN
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Average ranks (ties share the mean of their ranks) over the values present.
fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| !x[i].is_nan()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![f64::NAN; x.len()];
    let mut k = 0;
    while k < idx.len() {
        let mut j = k;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[k]] {
            j += 1;
        }
        let rank = (k + j) as f64 / 2.0 + 1.0;
        for &i in &idx[k..=j] {
            out[i] = rank;
        }
        k = j + 1;
    }
    out
}

/// Spearman correlation: Pearson on average ranks of the pairs where both are present.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let both: Vec<usize> = (0..x.len())
        .filter(|&i| !x[i].is_nan() && !y[i].is_nan())
        .collect();
    let xs: Vec<f64> = both.iter().map(|&i| x[i]).collect();
    let ys: Vec<f64> = both.iter().map(|&i| y[i]).collect();
    pearson(&average_ranks(&xs), &average_ranks(&ys))
}

/// Rows where every column is present.
fn complete(cols: &[&[f64]]) -> Vec<Vec<f64>> {
    let n = cols.first().map_or(0, |c| c.len());
    let rows: Vec<usize> = (0..n)
        .filter(|&r| cols.iter().all(|c| !c[r].is_nan()))
        .collect();
    cols.iter()
        .map(|c| rows.iter().map(|&r| c[r]).collect())
        .collect()
}

/// Cronbach's alpha, k/(k−1)·(1 − Σ var(item) / var(Σ items)), on units with every item present.
pub fn cronbach_alpha(items: &[&[f64]]) -> Option<f64> {
    let k = items.len();
    if k < 2 {
        return None;
    }
    let cols = complete(items);
    if cols[0].len() < 2 {
        return None;
    }
    let item_var: f64 = cols.iter().map(|c| stats::sd(c).powi(2)).sum();
    let totals: Vec<f64> = (0..cols[0].len())
        .map(|r| cols.iter().map(|c| c[r]).sum())
        .collect();
    let total_var = stats::sd(&totals).powi(2);
    (total_var > 0.0).then(|| k as f64 / (k as f64 - 1.0) * (1.0 - item_var / total_var))
}

/// Principal components of the correlation matrix of `items` on complete units.
pub fn pca(items: &[&[f64]]) -> Option<Pca> {
    let cols = complete(items);
    let k = cols.len();
    if k < 2 || cols[0].len() < 3 {
        return None;
    }
    let mut corr = vec![vec![1.0; k]; k];
    for a in 0..k {
        for b in a + 1..k {
            let r = pearson(&cols[a], &cols[b]);
            if r.is_nan() {
                return None;
            }
            corr[a][b] = r;
            corr[b][a] = r;
        }
    }
    let (values, vectors) = symmetric_eigen(corr);
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let total: f64 = values.iter().sum();
    let mut loadings: Vec<f64> = (0..k).map(|i| vectors[i][order[0]]).collect();
    if loadings.iter().sum::<f64>() < 0.0 {
        loadings.iter_mut().for_each(|l| *l = -*l);
    }
    Some(Pca {
        eigenvalues: order.iter().map(|&i| values[i]).collect(),
        explained: order.iter().map(|&i| values[i] / total).collect(),
        loadings,
    })
}

/// Audits a build (its scores; with stages kept, also missing values).
pub fn audit(build: &Build, settings: AuditSettings) -> Audit {
    let fw = &build.framework;
    let aggregates: Vec<AggregateAudit> = (fw.indicator_count..fw.nodes.len())
        .into_par_iter()
        .map(|a| {
            let node = &fw.nodes[a];
            let cols: Vec<&[f64]> = node
                .children
                .iter()
                .map(|&c| build.scores[c].as_slice())
                .collect();
            let k = cols.len();
            let mut p = vec![vec![1.0; k]; k];
            let mut s = vec![vec![1.0; k]; k];
            for i in 0..k {
                for j in i + 1..k {
                    p[i][j] = pearson(cols[i], cols[j]);
                    p[j][i] = p[i][j];
                    s[i][j] = spearman(cols[i], cols[j]);
                    s[j][i] = s[i][j];
                }
            }
            AggregateAudit {
                code: node.code.clone(),
                children: node
                    .children
                    .iter()
                    .map(|&c| fw.nodes[c].code.clone())
                    .collect(),
                with_parent: cols.iter().map(|c| pearson(c, &build.scores[a])).collect(),
                pearson: p,
                spearman: s,
                cronbach_alpha: cronbach_alpha(&cols),
                pca: pca(&cols),
            }
        })
        .collect();
    let mut flags = Vec::new();
    for ag in &aggregates {
        for i in 0..ag.children.len() {
            for j in i + 1..ag.children.len() {
                let r = ag.pearson[i][j];
                let kind = if r > settings.collinear {
                    Some(FlagKind::Collinear)
                } else if r < 0.0 {
                    Some(FlagKind::NegativeWithinAggregate)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    flags.push(Flag {
                        kind,
                        aggregate: ag.code.clone(),
                        a: ag.children[i].clone(),
                        b: ag.children[j].clone(),
                        value: r,
                    });
                }
            }
            if ag.with_parent[i] < settings.weak_with_parent {
                flags.push(Flag {
                    kind: FlagKind::WeakWithParent,
                    aggregate: ag.code.clone(),
                    a: ag.children[i].clone(),
                    b: ag.code.clone(),
                    value: ag.with_parent[i],
                });
            }
        }
    }
    let raw = build.stages.iter().find(|s| s.name == "raw");
    let quality = fw
        .indicators()
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let missing = raw.map_or(0, |s| s.columns[i].iter().filter(|v| v.is_nan()).count());
            let total = raw.map_or(0, |s| s.units.len());
            let imputed = build
                .records
                .imputed
                .iter()
                .filter(|r| r.indicator == n.code)
                .map(|r| r.count)
                .sum();
            let treated: Vec<_> = build
                .records
                .treated
                .iter()
                .filter(|r| r.indicator == n.code)
                .collect();
            Quality {
                indicator: n.code.clone(),
                missing,
                missing_share: if total > 0 {
                    missing as f64 / total as f64
                } else {
                    0.0
                },
                imputed,
                winsorised: treated.iter().map(|t| t.points.len()).sum(),
                transformed: treated.iter().find_map(|t| t.details.transform),
            }
        })
        .collect();
    Audit {
        aggregates,
        flags,
        quality,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlations_by_hand() {
        // x = 1..5, y = 2, 4, 5, 4, 5: Σdx·dy = 6, Σdx² = 10, Σdy² = 6 → r = 6 / √60.
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [2.0, 4.0, 5.0, 4.0, 5.0];
        assert!((pearson(&x, &y) - 6.0 / 60f64.sqrt()).abs() < 1e-12);
        // Ranks of y with ties: 1, 2.5, 4.5, 2.5, 4.5; Pearson of (1..5) with them = 0.7378647873726218.
        assert!((spearman(&x, &y) - 0.737_864_787_372_621_8).abs() < 1e-12);
        assert!(pearson(&[1.0, f64::NAN], &[1.0, 2.0]).is_nan());
    }

    #[test]
    fn cronbach_alpha_by_hand() {
        // Items a, b, c over 4 units; var(a) = var(b) = 5/3, var(c) = 1 (sample variances),
        // totals 3, 6, 8, 9 → var = 7; α = 3/2 · (1 − (13/3)/7) = 0.5714.
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [1.0, 3.0, 2.0, 4.0];
        let c = [1.0, 1.0, 3.0, 1.0];
        let alpha = cronbach_alpha(&[&a, &b, &c]).expect("alpha");
        assert!(
            (alpha - 1.5 * (1.0 - 13.0 / 3.0 / 7.0)).abs() < 1e-12,
            "{alpha}"
        );
    }

    #[test]
    fn pca_of_two_items() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [2.0, 4.0, 5.0, 4.0, 5.0];
        let p = pca(&[&a, &b]).expect("pca");
        let r = 6.0 / 60f64.sqrt();
        assert!((p.eigenvalues[0] - (1.0 + r)).abs() < 1e-12);
        assert!((p.explained[0] - (1.0 + r) / 2.0).abs() < 1e-12);
        assert!((p.loadings[0] - 0.5f64.sqrt()).abs() < 1e-12);
    }
}
