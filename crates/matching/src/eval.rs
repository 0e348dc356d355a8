//! Relevance measures for an evaluation set of graded judgments (0 = not relevant … 3 = exactly
//! what the demand needs): nDCG@k with the exponential gain 2^grade − 1, and recall@k of the
//! candidates judged relevant (grade ≥ 2).

use std::collections::HashMap;

/// nDCG@k of a ranking (document ids, best first) against graded judgments (unjudged = 0).
pub fn ndcg_at(k: usize, ranking: &[String], judgments: &HashMap<String, u8>) -> f64 {
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let dcg: f64 = ranking
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, id)| gain(judgments.get(id).copied().unwrap_or(0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u8> = judgments.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// The share of relevant candidates (grade ≥ 2) found in the first `k` (1 when none is relevant).
pub fn recall_at(k: usize, ranking: &[String], judgments: &HashMap<String, u8>) -> f64 {
    let relevant: Vec<&String> = judgments
        .iter()
        .filter(|(_, g)| **g >= 2)
        .map(|(id, _)| id)
        .collect();
    if relevant.is_empty() {
        return 1.0;
    }
    let top: std::collections::HashSet<&String> = ranking.iter().take(k).collect();
    relevant.iter().filter(|id| top.contains(*id)).count() as f64 / relevant.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(pairs: &[(&str, u8)]) -> HashMap<String, u8> {
        pairs.iter().map(|(k, g)| (k.to_string(), *g)).collect()
    }

    fn r(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ndcg_matches_a_hand_computation() {
        let judged = j(&[("a", 3), ("b", 2), ("c", 0), ("d", 1)]);
        assert!((ndcg_at(10, &r(&["a", "b", "d", "c"]), &judged) - 1.0).abs() < 1e-12);
        // b, a, c: DCG = 3/1 + 7/log2(3) + 0 = 7.41650; IDCG = 7 + 3/log2(3) + 1/2 = 9.39279.
        let got = ndcg_at(3, &r(&["b", "a", "c"]), &judged);
        let dcg = 3.0 + 7.0 / 3f64.log2();
        let idcg = 7.0 + 3.0 / 3f64.log2() + 1.0 / 2.0;
        assert!((got - dcg / idcg).abs() < 1e-12, "{got}");
        assert!((got - 0.789_596).abs() < 1e-5, "{got}");
        assert_eq!(ndcg_at(10, &r(&["x"]), &j(&[("x", 0)])), 0.0);
    }

    #[test]
    fn recall_counts_grades_two_and_up() {
        let judged = j(&[("a", 3), ("b", 2), ("c", 1)]);
        assert_eq!(recall_at(1, &r(&["a", "b"]), &judged), 0.5);
        assert_eq!(recall_at(50, &r(&["c", "b", "a"]), &judged), 1.0);
        assert_eq!(recall_at(50, &r(&["c"]), &j(&[("c", 1)])), 1.0);
    }
}

/// Mean nDCG@10 and recall@50 of a ranking method over an evaluation set.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Mean nDCG@10.
    pub ndcg_10: f64,
    /// Mean recall@50 (grade ≥ 2).
    pub recall_50: f64,
}

/// The ranking and plain BM25 measured on the same demands and judgments (supply kinds only).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Demands evaluated.
    pub demands: usize,
    /// Judged candidates (grade ≥ 1), in all.
    pub judged: usize,
    /// The ranking of [`crate::matching::for_demand`].
    pub ranking: Scores,
    /// Plain BM25 over the same words.
    pub bm25: Scores,
}

/// Runs both methods for every demand against its judgments.
pub fn evaluate(
    index: &crate::SearchIndex,
    demands: &[(crate::Doc, HashMap<String, u8>)],
) -> Result<Report, crate::search::SearchError> {
    let supply: Vec<crate::Kind> = crate::Kind::ALL
        .into_iter()
        .filter(|k| *k != crate::Kind::Demand)
        .collect();
    let (mut ours, mut base) = (
        Scores {
            ndcg_10: 0.0,
            recall_50: 0.0,
        },
        Scores {
            ndcg_10: 0.0,
            recall_50: 0.0,
        },
    );
    let mut judged = 0;
    for (demand, judgments) in demands {
        judged += judgments.len();
        let ranked: Vec<String> = crate::matching::for_demand(index, demand, &supply, 50)?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let plain: Vec<String> = crate::matching::bm25(index, demand, &supply, 50)?
            .into_iter()
            .map(|d| index.docs()[d].id.clone())
            .collect();
        ours.ndcg_10 += ndcg_at(10, &ranked, judgments);
        ours.recall_50 += recall_at(50, &ranked, judgments);
        base.ndcg_10 += ndcg_at(10, &plain, judgments);
        base.recall_50 += recall_at(50, &plain, judgments);
    }
    let n = demands.len().max(1) as f64;
    let mean = |s: Scores| Scores {
        ndcg_10: s.ndcg_10 / n,
        recall_50: s.recall_50 / n,
    };
    Ok(Report {
        demands: demands.len(),
        judged,
        ranking: mean(ours),
        bm25: mean(base),
    })
}
