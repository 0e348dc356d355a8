//! The data table the engine works on: units × columns, stored column by column.
//!
//! Missing values are `f64::NAN`. Group columns are categorical (a level table plus one code per
//! unit) so that a million units do not carry a million strings per group.

use std::collections::HashMap;

use crate::error::{Error, Result};

/// A categorical column used for group-wise imputation and ranking (COINr's `*_group`).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupColumn {
    /// Column name, e.g. `EurAsia_group` or `district`.
    pub name: String,
    /// The distinct labels; `codes` index into this.
    pub levels: Vec<String>,
    /// One entry per unit: the index of its label in `levels`, or `None` when blank.
    pub codes: Vec<Option<u32>>,
}

impl GroupColumn {
    /// Builds a group column from one label per unit (empty string = no group).
    pub fn from_labels<S: AsRef<str>>(name: impl Into<String>, labels: &[S]) -> Self {
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut levels = Vec::new();
        let codes = labels
            .iter()
            .map(|l| {
                let l = l.as_ref();
                if l.is_empty() {
                    return None;
                }
                Some(*index.entry(l).or_insert_with(|| {
                    levels.push(l.to_string());
                    (levels.len() - 1) as u32
                }))
            })
            .collect();
        GroupColumn {
            name: name.into(),
            levels,
            codes,
        }
    }

    /// The label of unit `row`, if it has one.
    pub fn label(&self, row: usize) -> Option<&str> {
        self.codes[row].map(|c| self.levels[c as usize].as_str())
    }

    fn select(&self, rows: &[usize]) -> GroupColumn {
        GroupColumn {
            name: self.name.clone(),
            levels: self.levels.clone(),
            codes: rows.iter().map(|&r| self.codes[r]).collect(),
        }
    }
}

/// A numeric column: an indicator, a denominator or any other number per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Column code (COINr's `iCode`).
    pub code: String,
    /// One value per unit; `NAN` is missing.
    pub values: Vec<f64>,
}

/// Units × columns, the engine's only input besides the framework.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    /// Unit codes (COINr's `uCode`).
    pub codes: Vec<String>,
    /// Unit names (COINr's `uName`); may repeat codes when the source has no names.
    pub names: Vec<String>,
    /// The year of each row for panel data (COINr's `Time`).
    pub times: Option<Vec<i32>>,
    /// Group columns.
    pub groups: Vec<GroupColumn>,
    /// Numeric columns.
    pub columns: Vec<Column>,
}

impl Dataset {
    /// Number of rows (unit × year).
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The numeric column with this code.
    pub fn column(&self, code: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.code == code)
    }

    /// The group column with this name.
    pub fn group(&self, name: &str) -> Option<&GroupColumn> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The distinct years, ascending (empty without a time column).
    pub fn years(&self) -> Vec<i32> {
        let mut years = self.times.clone().unwrap_or_default();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// Checks shape and that unit codes are unique (per year for panel data).
    pub fn validate(&self) -> Result<()> {
        let n = self.len();
        let bad_len = |what: &str, len: usize| Error::Step {
            step: "data",
            message: format!("{what} has {len} values for {n} units"),
        };
        if self.names.len() != n {
            return Err(bad_len("unit names", self.names.len()));
        }
        if let Some(t) = &self.times
            && t.len() != n
        {
            return Err(bad_len("time", t.len()));
        }
        for g in &self.groups {
            if g.codes.len() != n {
                return Err(bad_len(&g.name, g.codes.len()));
            }
        }
        let mut seen_cols: HashMap<&str, ()> = HashMap::new();
        for c in &self.columns {
            if c.values.len() != n {
                return Err(bad_len(&c.code, c.values.len()));
            }
            if seen_cols.insert(c.code.as_str(), ()).is_some() {
                return Err(Error::Step {
                    step: "data",
                    message: format!("column '{}' appears twice", c.code),
                });
            }
        }
        let mut seen: HashMap<(&str, i32), usize> = HashMap::with_capacity(n);
        for (row, code) in self.codes.iter().enumerate() {
            let t = self.times.as_ref().map_or(0, |t| t[row]);
            if let Some(first) = seen.insert((code.as_str(), t), row) {
                return Err(Error::DuplicateUnit {
                    code: code.clone(),
                    row: row + 1,
                    first_row: first + 1,
                });
            }
        }
        Ok(())
    }

    /// A new dataset holding only `rows`, in that order.
    pub fn select_rows(&self, rows: &[usize]) -> Dataset {
        Dataset {
            codes: rows.iter().map(|&r| self.codes[r].clone()).collect(),
            names: rows.iter().map(|&r| self.names[r].clone()).collect(),
            times: self
                .times
                .as_ref()
                .map(|t| rows.iter().map(|&r| t[r]).collect()),
            groups: self.groups.iter().map(|g| g.select(rows)).collect(),
            columns: self
                .columns
                .iter()
                .map(|c| Column {
                    code: c.code.clone(),
                    values: rows.iter().map(|&r| c.values[r]).collect(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Dataset {
        Dataset {
            codes: vec!["A".into(), "B".into()],
            names: vec!["a".into(), "b".into()],
            times: None,
            groups: vec![GroupColumn::from_labels("g", &["x", ""])],
            columns: vec![Column {
                code: "i1".into(),
                values: vec![1.0, f64::NAN],
            }],
        }
    }

    #[test]
    fn group_labels_are_categorical() {
        let g = GroupColumn::from_labels("g", &["x", "y", "x", ""]);
        assert_eq!(g.levels, vec!["x", "y"]);
        assert_eq!(g.codes, vec![Some(0), Some(1), Some(0), None]);
        assert_eq!(g.label(2), Some("x"));
        assert_eq!(g.label(3), None);
    }

    #[test]
    fn duplicate_unit_is_reported_with_both_rows() {
        let mut d = tiny();
        d.codes[1] = "A".into();
        assert_eq!(
            d.validate(),
            Err(Error::DuplicateUnit {
                code: "A".into(),
                row: 2,
                first_row: 1
            })
        );
        // The same code in two different years is a panel, not a duplicate.
        d.times = Some(vec![2020, 2021]);
        assert_eq!(d.validate(), Ok(()));
    }

    #[test]
    fn select_rows_keeps_everything_aligned() {
        let d = tiny().select_rows(&[1]);
        assert_eq!(d.codes, vec!["B"]);
        assert_eq!(d.groups[0].label(0), None);
        assert!(d.columns[0].values[0].is_nan());
    }
}
