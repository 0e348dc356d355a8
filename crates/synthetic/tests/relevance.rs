//! The matching ranking against plain BM25 on the demo evaluation set (60 demands, graded
//! judgments from the generator's topics, never from ranking code).

use kechuang_matching::SearchIndex;
use kechuang_matching::eval::evaluate;
use kechuang_synthetic::catalogue::evaluation_set;

#[test]
fn the_ranking_beats_plain_bm25_on_the_evaluation_set() {
    let (generated, set) = evaluation_set(5000, 60, 2026);
    assert_eq!(set.len(), 60);
    assert!(
        set.iter().all(|(_, j)| !j.is_empty()),
        "every demand has judged candidates"
    );
    let index = SearchIndex::build(generated.catalogue.docs(), None).expect("index");
    let report = evaluate(&index, &set).expect("evaluate");
    println!("{report:?}");
    assert!(
        report.ranking.ndcg_10 > report.bm25.ndcg_10,
        "nDCG@10: ranking {:.3} vs BM25 {:.3}",
        report.ranking.ndcg_10,
        report.bm25.ndcg_10
    );
    assert!(report.ranking.recall_50 >= report.bm25.recall_50 - 1e-9);
    assert!(
        report.bm25.ndcg_10 > 0.2,
        "the set is searchable at all: {:.3}",
        report.bm25.ndcg_10
    );
}
