//! Primary and secondary cell suppression for two-way tables with published margins.

use serde::Serialize;

/// Disclosure-control parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rules {
    /// A cell with fewer enterprises is suppressed (threshold rule).
    pub min_count: usize,
    /// A cell where the largest enterprise holds more than this share of the total is suppressed
    /// (dominance rule).
    pub dominance: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_count: 3,
            dominance: 0.85,
        }
    }
}

/// What a cell holds, for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct CellStats {
    /// Enterprises in the cell.
    pub count: usize,
    /// The published value (e.g. total R&D expense).
    pub total: f64,
    /// The largest single enterprise's contribution.
    pub largest: f64,
}

/// Why a cell is suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Fewer than `min_count` enterprises.
    TooFew,
    /// One enterprise dominates the total.
    Dominance,
    /// Suppressed so that another suppressed cell cannot be recovered from the margins.
    Secondary,
}

/// Suppression decisions, one per cell (`None` = published), with every decision recorded.
pub type Decisions = Vec<Vec<Option<Reason>>>;

fn primary(c: &CellStats, rules: &Rules) -> Option<Reason> {
    if c.count == 0 {
        None // an empty cell is a published zero; it reveals nobody
    } else if c.count < rules.min_count {
        Some(Reason::TooFew)
    } else if c.total > 0.0 && c.largest / c.total > rules.dominance {
        Some(Reason::Dominance)
    } else {
        None
    }
}

/// Whether the value of suppressed cell `target` is determined by the published cells and the row and
/// column totals: true when its unit vector lies in the row space of the margin constraints over the
/// suppressed cells (Gaussian elimination; exact for the small tables published).
pub fn recoverable(decisions: &Decisions, target: (usize, usize)) -> bool {
    let rows = decisions.len();
    let cols = decisions.first().map_or(0, Vec::len);
    let unknowns: Vec<(usize, usize)> = (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .filter(|&(r, c)| decisions[r][c].is_some())
        .collect();
    let index = |cell: (usize, usize)| unknowns.iter().position(|&u| u == cell);
    let Some(t) = index(target) else { return true };
    let mut system: Vec<Vec<f64>> = Vec::new();
    for r in 0..rows {
        system.push(
            unknowns
                .iter()
                .map(|&(ur, _)| f64::from(u8::from(ur == r)))
                .collect(),
        );
    }
    for c in 0..cols {
        system.push(
            unknowns
                .iter()
                .map(|&(_, uc)| f64::from(u8::from(uc == c)))
                .collect(),
        );
    }
    let rank = |m: &[Vec<f64>]| -> usize {
        let mut m: Vec<Vec<f64>> = m.to_vec();
        let width = unknowns.len();
        let mut rank = 0;
        for col in 0..width {
            let Some(p) = (rank..m.len()).find(|&i| m[i][col].abs() > 1e-9) else {
                continue;
            };
            m.swap(rank, p);
            let pivot_row = m[rank].clone();
            for (i, row) in m.iter_mut().enumerate() {
                if i != rank && row[col].abs() > 1e-9 {
                    let f = row[col] / pivot_row[col];
                    for (x, p) in row.iter_mut().zip(&pivot_row) {
                        *x -= f * p;
                    }
                }
            }
            rank += 1;
        }
        rank
    };
    let base = rank(&system);
    let mut with = system.clone();
    let mut e = vec![0.0; unknowns.len()];
    e[t] = 1.0;
    with.push(e);
    rank(&with) == base
}

/// Applies primary suppression, then secondary suppression until no suppressed cell can be recovered
/// from the margins. Secondary cells are the smallest (fewest enterprises, then smallest total)
/// published cells in the line that exposes a suppressed cell, empty cells last.
pub fn suppress(table: &[Vec<CellStats>], rules: &Rules) -> Decisions {
    let rows = table.len();
    let cols = table.first().map_or(0, Vec::len);
    let mut d: Decisions = table
        .iter()
        .map(|row| row.iter().map(|c| primary(c, rules)).collect())
        .collect();
    // Non-empty cells first (cheapest by enterprises, then total); an empty cell only when nothing else
    // is left, since a suppressed zero is as unknown to a reader as any other suppressed value.
    let smallest = |d: &Decisions, cells: &mut dyn Iterator<Item = (usize, usize)>| {
        cells.filter(|&(r, c)| d[r][c].is_none()).min_by(|&a, &b| {
            let (x, y) = (&table[a.0][a.1], &table[b.0][b.1]);
            (x.count == 0)
                .cmp(&(y.count == 0))
                .then(x.count.cmp(&y.count))
                .then(x.total.total_cmp(&y.total))
        })
    };
    loop {
        let mut changed = false;
        // A line with exactly one suppressed cell gives it away by subtraction from the total.
        for r in 0..rows {
            if (0..cols).filter(|&c| d[r][c].is_some()).count() == 1
                && let Some((rr, cc)) = smallest(&d, &mut (0..cols).map(|c| (r, c)))
            {
                d[rr][cc] = Some(Reason::Secondary);
                changed = true;
            }
        }
        for c in 0..cols {
            if (0..rows).filter(|&r| d[r][c].is_some()).count() == 1
                && let Some((rr, cc)) = smallest(&d, &mut (0..rows).map(|r| (r, c)))
            {
                d[rr][cc] = Some(Reason::Secondary);
                changed = true;
            }
        }
        if changed {
            continue;
        }
        // Subtler patterns: any cell still determined by the whole system gets a companion.
        let exposed = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .find(|&(r, c)| d[r][c].is_some() && recoverable(&d, (r, c)));
        match exposed {
            None => return d,
            Some((r, c)) => {
                let mut line = (0..cols)
                    .map(|cc| (r, cc))
                    .chain((0..rows).map(|rr| (rr, c)));
                match smallest(&d, &mut line).or_else(|| {
                    smallest(
                        &d,
                        &mut (0..rows).flat_map(|rr| (0..cols).map(move |cc| (rr, cc))),
                    )
                }) {
                    Some((rr, cc)) => d[rr][cc] = Some(Reason::Secondary),
                    None => return d, // nothing left to suppress
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn cell(count: usize, total: f64, largest: f64) -> CellStats {
        CellStats {
            count,
            total,
            largest,
        }
    }

    #[test]
    fn primary_rules_at_their_boundaries() {
        let r = Rules::default();
        assert_eq!(primary(&cell(2, 10.0, 6.0), &r), Some(Reason::TooFew));
        assert_eq!(
            primary(&cell(3, 10.0, 8.5), &r),
            None,
            "85% exactly is allowed"
        );
        assert_eq!(primary(&cell(3, 10.0, 8.51), &r), Some(Reason::Dominance));
        assert_eq!(
            primary(&cell(0, 0.0, 0.0), &r),
            None,
            "an empty cell reveals nobody"
        );
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // (row, column) indexing reads best for a table
    fn a_lone_suppression_gets_companions_in_its_row_and_column() {
        let t = vec![
            vec![
                cell(10, 100.0, 20.0),
                cell(2, 30.0, 20.0),
                cell(8, 80.0, 10.0),
            ],
            vec![
                cell(9, 90.0, 10.0),
                cell(7, 70.0, 10.0),
                cell(6, 60.0, 10.0),
            ],
            vec![
                cell(12, 120.0, 10.0),
                cell(11, 110.0, 10.0),
                cell(5, 50.0, 10.0),
            ],
        ];
        let d = suppress(&t, &Rules::default());
        assert_eq!(d[0][1], Some(Reason::TooFew));
        for (r, row) in d.iter().enumerate() {
            assert_ne!(row.iter().filter(|x| x.is_some()).count(), 1, "row {r}");
        }
        for c in 0..3 {
            assert_ne!(
                (0..3).filter(|&r| d[r][c].is_some()).count(),
                1,
                "column {c}"
            );
        }
        for r in 0..3 {
            for c in 0..3 {
                if d[r][c].is_some() {
                    assert!(!recoverable(&d, (r, c)), "({r}, {c}) can be worked out");
                }
            }
        }
    }

    #[test]
    fn recoverability_check_by_hand() {
        // One suppressed cell alone in its row: determined by the row total.
        let mut d: Decisions = vec![vec![None; 2]; 2];
        d[0][0] = Some(Reason::TooFew);
        assert!(recoverable(&d, (0, 0)));
        // A 2×2 rectangle: each cell appears with three others; the margins leave one degree of freedom.
        d = vec![vec![Some(Reason::TooFew); 2]; 2];
        assert!(!recoverable(&d, (0, 0)));
    }

    proptest! {
        #[test]
        fn no_suppressed_cell_is_recoverable(cells in prop::collection::vec((0usize..12, 1.0..100.0f64, 0.0..1.0f64), 16..=16)) {
            let t: Vec<Vec<CellStats>> = cells
                .chunks(4)
                .map(|row| row.iter().map(|&(n, total, share)| cell(n, if n == 0 { 0.0 } else { total }, if n == 0 { 0.0 } else { total * share })).collect())
                .collect();
            let d = suppress(&t, &Rules::default());
            for r in 0..4 {
                for c in 0..4 {
                    if primary(&t[r][c], &Rules::default()).is_some() {
                        prop_assert!(d[r][c].is_some(), "primary cells stay suppressed");
                    }
                    if d[r][c].is_some() {
                        prop_assert!(!recoverable(&d, (r, c)), "({}, {}) recoverable in {:?}", r, c, d);
                    }
                }
            }
        }
    }
}
