//! Regional tables: counts, sums, R&D intensity, shares of certified enterprises, index means and
//! medians, 京津冀 collaboration — by district, park, industry section, technology field or stage —
//! with disclosure control applied to each table.

use std::collections::BTreeMap;

use kechuang_domain::{Num, SurveyRecord, held_in};
use serde::Serialize;

use crate::disclosure::{CellStats, Decisions, Reason, Rules, suppress};

/// An enterprise-year and its index score.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// The survey record.
    pub record: &'a SurveyRecord,
    /// Its index score, if built.
    pub index: Option<f64>,
}

/// What to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// 区 (Tianjin district, or the region code elsewhere).
    District,
    /// 园区.
    Park,
    /// 行业门类 (GB/T 4754 section).
    Industry,
    /// 高新技术领域.
    Field,
    /// 发展阶段.
    Stage,
}

impl Dimension {
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        ["区", "园区", "行业门类", "技术领域", "发展阶段"][self as usize]
    }

    fn label(self, r: &SurveyRecord) -> String {
        match self {
            Dimension::District => r
                .region_code
                .district_name()
                .unwrap_or(r.region_code.as_str())
                .to_string(),
            Dimension::Park => r.park.clone().unwrap_or_else(|| "(园区外)".into()),
            Dimension::Industry => format!(
                "{} {}",
                r.industry_code.section(),
                r.industry_code.section_name()
            ),
            Dimension::Field => r
                .tech_field
                .map_or("(未填)".to_string(), |f| f.zh().to_string()),
            Dimension::Stage => r.stage().zh().to_string(),
        }
    }
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Figures {
    /// Enterprises.
    pub enterprises: usize,
    /// Revenue, ¥10k.
    pub revenue: f64,
    /// R&D expense, ¥10k.
    pub rd_expense: f64,
    /// R&D expense / revenue, %.
    pub rd_intensity: f64,
    /// Share holding 高企, %.
    pub hnte_share: f64,
    /// Share holding 科小, %.
    pub tech_sme_share: f64,
    /// Share holding 专精特新 (or 小巨人), %.
    pub specialised_share: f64,
    /// Mean index.
    pub index_mean: Option<f64>,
    /// Median index.
    pub index_median: Option<f64>,
    /// Lower quartile of the index (R's type 7).
    pub index_p25: Option<f64>,
    /// Upper quartile of the index (R's type 7).
    pub index_p75: Option<f64>,
    /// Share with partners in Beijing or Hebei, %.
    pub jjj_share: f64,
    /// The largest enterprise's R&D expense (for the dominance rule; never published).
    #[serde(skip)]
    pub rd_largest: f64,
}

/// A one-way table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OneWay {
    /// What the rows are.
    pub dimension: Dimension,
    /// Row labels.
    pub labels: Vec<String>,
    /// Figures per row.
    pub rows: Vec<Figures>,
    /// The whole region.
    pub total: Figures,
    /// Suppression of each row's magnitudes (`None` = published).
    pub suppressed: Vec<Option<Reason>>,
}

impl OneWay {
    /// Each row's label and its figures as they may be published: `None` for a suppressed row,
    /// whose every measure (count, sums, shares, means, quartiles) is withheld. Outputs read rows
    /// through this, so none can print part of a suppressed row.
    pub fn published(&self) -> impl Iterator<Item = (&str, Option<&Figures>)> {
        self.labels
            .iter()
            .zip(&self.rows)
            .zip(&self.suppressed)
            .map(|((label, f), s)| (label.as_str(), s.is_none().then_some(f)))
    }
}

/// A two-way table of enterprise counts and R&D expense.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwoWay {
    /// Row dimension.
    pub rows: Dimension,
    /// Column dimension.
    pub columns: Dimension,
    /// Row labels.
    pub row_labels: Vec<String>,
    /// Column labels.
    pub column_labels: Vec<String>,
    /// Cells: enterprises, R&D total, largest R&D.
    pub cells: Vec<Vec<CellStats>>,
    /// Suppression decisions per cell.
    pub suppressed: Decisions,
}

/// The `q` quantile of sorted values (R's type 7), `None` when there are none.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    (!sorted.is_empty()).then(|| kechuang_engine::stats::quantile_sorted(sorted, q))
}

fn figures(entries: &[&Entry<'_>]) -> Figures {
    let n = entries.len();
    let sum = |f: Num| entries.iter().filter_map(|e| e.record.get(f)).sum::<f64>();
    let share = |pred: &dyn Fn(&SurveyRecord) -> bool| {
        if n == 0 {
            0.0
        } else {
            entries.iter().filter(|e| pred(e.record)).count() as f64 / n as f64 * 100.0
        }
    };
    let mut index: Vec<f64> = entries.iter().filter_map(|e| e.index).collect();
    index.sort_by(f64::total_cmp);
    let revenue = sum(Num::Revenue);
    let rd = sum(Num::RdExpense);
    Figures {
        enterprises: n,
        revenue,
        rd_expense: rd,
        rd_intensity: if revenue > 0.0 {
            rd / revenue * 100.0
        } else {
            0.0
        },
        hnte_share: share(&|r| held_in(r.titles.hnte, r.year)),
        tech_sme_share: share(&|r| held_in(r.titles.tech_sme, r.year)),
        specialised_share: share(&|r| {
            held_in(r.titles.specialised_sme, r.year) || held_in(r.titles.little_giant, r.year)
        }),
        index_mean: (!index.is_empty()).then(|| index.iter().sum::<f64>() / index.len() as f64),
        index_median: quantile(&index, 0.5),
        index_p25: quantile(&index, 0.25),
        index_p75: quantile(&index, 0.75),
        jjj_share: share(&|r| r.get(Num::JjjPartners).unwrap_or(0.0) > 0.0),
        rd_largest: entries
            .iter()
            .filter_map(|e| e.record.get(Num::RdExpense))
            .fold(0.0, f64::max),
    }
}

/// A one-way table by `dimension`, rows in label order, suppression by enterprises and R&D expense.
pub fn one_way(entries: &[Entry<'_>], dimension: Dimension, rules: &Rules) -> OneWay {
    let mut groups: BTreeMap<String, Vec<&Entry<'_>>> = BTreeMap::new();
    for e in entries {
        groups.entry(dimension.label(e.record)).or_default().push(e);
    }
    let labels: Vec<String> = groups.keys().cloned().collect();
    let rows: Vec<Figures> = groups.values().map(|g| figures(g)).collect();
    let all: Vec<&Entry<'_>> = entries.iter().collect();
    let cells: Vec<Vec<CellStats>> = rows
        .iter()
        .map(|f| {
            vec![CellStats {
                count: f.enterprises,
                total: f.rd_expense,
                largest: f.rd_largest,
            }]
        })
        .collect();
    let suppressed = suppress(&cells, rules)
        .into_iter()
        .map(|row| row[0])
        .collect();
    OneWay {
        dimension,
        labels,
        rows,
        total: figures(&all),
        suppressed,
    }
}

/// A two-way table of enterprises and R&D expense, e.g. district × industry section.
pub fn two_way(
    entries: &[Entry<'_>],
    rows: Dimension,
    columns: Dimension,
    rules: &Rules,
) -> TwoWay {
    let mut row_labels: Vec<String> = entries.iter().map(|e| rows.label(e.record)).collect();
    row_labels.sort();
    row_labels.dedup();
    let mut column_labels: Vec<String> = entries.iter().map(|e| columns.label(e.record)).collect();
    column_labels.sort();
    column_labels.dedup();
    let mut cells = vec![vec![CellStats::default(); column_labels.len()]; row_labels.len()];
    for e in entries {
        let r = row_labels.binary_search(&rows.label(e.record)).unwrap_or(0);
        let c = column_labels
            .binary_search(&columns.label(e.record))
            .unwrap_or(0);
        let rd = e.record.get(Num::RdExpense).unwrap_or(0.0);
        let cell = &mut cells[r][c];
        cell.count += 1;
        cell.total += rd;
        cell.largest = cell.largest.max(rd);
    }
    let suppressed = suppress(&cells, rules);
    TwoWay {
        rows,
        columns,
        row_labels,
        column_labels,
        cells,
        suppressed,
    }
}

#[cfg(test)]
mod tests {
    use kechuang_synthetic::region::{RegionSpec, region};

    use super::*;
    use crate::disclosure::recoverable;

    fn entries(records: &[SurveyRecord]) -> Vec<Entry<'_>> {
        records
            .iter()
            .map(|r| Entry {
                record: r,
                index: Some(f64::from(r.age_years())),
            })
            .collect()
    }

    #[test]
    fn quartiles_follow_r_type_7() {
        // R: quantile(c(1, 2, 4, 10), c(.25, .5, .75)) gives 1.75, 3, 5.5.
        let v = [1.0, 2.0, 4.0, 10.0];
        assert_eq!(quantile(&v, 0.25), Some(1.75));
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.75), Some(5.5));
        assert_eq!(quantile(&[7.0], 0.25), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn one_way_figures_add_up_and_small_groups_are_suppressed() {
        let records = region(&RegionSpec {
            enterprises: 300,
            years: vec![2025],
            seed: 4,
        });
        let e = entries(&records);
        let t = one_way(&e, Dimension::District, &Rules::default());
        assert_eq!(
            t.rows.iter().map(|f| f.enterprises).sum::<usize>(),
            records.len()
        );
        assert_eq!(t.total.enterprises, records.len());
        let rd: f64 = records.iter().filter_map(|r| r.get(Num::RdExpense)).sum();
        assert!((t.total.rd_expense - rd).abs() < 1e-6);
        assert!(
            (t.total.rd_intensity
                - rd / records
                    .iter()
                    .filter_map(|r| r.get(Num::Revenue))
                    .sum::<f64>()
                    * 100.0)
                .abs()
                < 1e-9
        );
        for (f, s) in t.rows.iter().zip(&t.suppressed) {
            if f.enterprises < 3 {
                assert_eq!(*s, Some(Reason::TooFew));
            }
        }
        assert_ne!(
            t.suppressed.iter().filter(|s| s.is_some()).count(),
            1,
            "one suppressed row alone would follow from the total"
        );
    }

    #[test]
    fn two_way_suppressed_cells_cannot_be_recovered() {
        let records = region(&RegionSpec {
            enterprises: 400,
            years: vec![2025],
            seed: 8,
        });
        let t = two_way(
            &entries(&records),
            Dimension::District,
            Dimension::Industry,
            &Rules::default(),
        );
        assert_eq!(
            t.cells.iter().flatten().map(|c| c.count).sum::<usize>(),
            records.len()
        );
        let mut suppressed = 0;
        for (r, row) in t.suppressed.iter().enumerate() {
            for (c, d) in row.iter().enumerate() {
                if d.is_some() {
                    suppressed += 1;
                    assert!(!recoverable(&t.suppressed, (r, c)), "({r}, {c})");
                }
            }
        }
        assert!(
            suppressed > 0,
            "a 16 × 20 table of 400 enterprises has small cells"
        );
    }
}
