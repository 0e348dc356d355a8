//! The same person from several sources: detection and merging with an audit trail.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::person::Person;

/// Why two records are taken for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Evidence {
    /// The same persistent identifier: certain.
    SameOrcid,
    /// The same e-mail address.
    SameEmail,
    /// The same name (after normalisation).
    SameName,
    /// The same year of birth.
    SameBirthYear,
    /// An institution in common.
    SharedInstitution,
}

/// A pair of records (indices into the slice given) taken for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// First record.
    pub a: usize,
    /// Second record.
    pub b: usize,
    /// What matched.
    pub evidence: Vec<Evidence>,
}

/// A name compared without spacing, case, full-width forms or the order of Latin name parts, so
/// "张 伟", "张伟" and "ＺＨＡＮＧ Wei" / "Wei Zhang" meet.
fn name_key(name: &str) -> String {
    let half: String = name
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    if half.is_ascii() {
        let mut parts: Vec<&str> = half
            .split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '-')
            .filter(|s| !s.is_empty())
            .collect();
        parts.sort_unstable();
        parts.concat()
    } else {
        half.chars()
            .filter(|c| !c.is_whitespace() && *c != '·')
            .collect()
    }
}

fn institutions(p: &Person) -> BTreeSet<String> {
    p.affiliations
        .iter()
        .map(|a| a.institution.split_whitespace().collect::<String>())
        .collect()
}

/// The evidence that `a` and `b` are one person, or `None` when it is not enough or they conflict.
fn compare(a: &Person, b: &Person) -> Option<Vec<Evidence>> {
    let mut ev = Vec::new();
    if let (Some(x), Some(y)) = (&a.orcid, &b.orcid) {
        if x.eq_ignore_ascii_case(y) {
            ev.push(Evidence::SameOrcid);
        } else {
            // Two different persistent identifiers are two people, whatever else matches.
            return None;
        }
    }
    if let (Some(x), Some(y)) = (&a.email, &b.email)
        && x.trim().eq_ignore_ascii_case(y.trim())
    {
        ev.push(Evidence::SameEmail);
    }
    let same_name = name_key(&a.name) == name_key(&b.name);
    if same_name {
        ev.push(Evidence::SameName);
    }
    match (a.birth_year, b.birth_year) {
        (Some(x), Some(y)) if x == y => ev.push(Evidence::SameBirthYear),
        (Some(_), Some(_)) if !ev.contains(&Evidence::SameOrcid) => return None,
        _ => {}
    }
    if !institutions(a).is_disjoint(&institutions(b)) {
        ev.push(Evidence::SharedInstitution);
    }
    // Common names repeat: a name alone, or a name with one weak coincidence, is not enough.
    let strong = ev.contains(&Evidence::SameOrcid)
        || (ev.contains(&Evidence::SameEmail) && same_name)
        || (same_name
            && ev.contains(&Evidence::SameBirthYear)
            && ev.contains(&Evidence::SharedInstitution));
    strong.then_some(ev)
}

/// Pairs of records that are the same person. Records are compared only within blocks sharing an
/// identifier, an e-mail or a name, so the work grows with the duplicates, not with the square of
/// the register.
pub fn find_duplicates(people: &[Person]) -> Vec<Duplicate> {
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        if let Some(o) = &p.orcid {
            blocks
                .entry(format!("o:{}", o.to_lowercase()))
                .or_default()
                .push(i);
        }
        if let Some(e) = &p.email {
            blocks
                .entry(format!("e:{}", e.trim().to_lowercase()))
                .or_default()
                .push(i);
        }
        blocks
            .entry(format!("n:{}", name_key(&p.name)))
            .or_default()
            .push(i);
    }
    let mut pairs = BTreeSet::new();
    for members in blocks.values() {
        for (k, &i) in members.iter().enumerate() {
            for &j in &members[k + 1..] {
                pairs.insert((i.min(j), i.max(j)));
            }
        }
    }
    pairs
        .into_iter()
        .filter_map(|(a, b)| {
            compare(&people[a], &people[b]).map(|evidence| Duplicate { a, b, evidence })
        })
        .collect()
}

/// What a merge did, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeRecord {
    /// The record kept.
    pub kept: String,
    /// The record merged into it.
    pub merged: String,
    /// The merged record's source.
    pub merged_source: String,
    /// Who merged.
    pub by: String,
    /// Why (the evidence).
    pub evidence: Vec<Evidence>,
    /// Fields that gained something from the merged record.
    pub fields_changed: Vec<&'static str>,
}

fn union<T: PartialEq + Clone>(into: &mut Vec<T>, from: &[T]) -> bool {
    let before = into.len();
    for x in from {
        if !into.contains(x) {
            into.push(x.clone());
        }
    }
    into.len() > before
}

/// Merges `other` into `kept`: lists are united, a value missing from `kept` is taken from `other`,
/// and a value both have stays as `kept` has it.
pub fn merge(
    kept: &Person,
    other: &Person,
    by: &str,
    evidence: &[Evidence],
) -> (Person, MergeRecord) {
    let mut p = kept.clone();
    let mut changed = Vec::new();
    let mut fill = |slot: &mut Option<_>, from: &Option<_>, name: &'static str| {
        if slot.is_none() && from.is_some() {
            slot.clone_from(from);
            changed.push(name);
        }
    };
    fill(&mut p.orcid, &other.orcid, "orcid");
    fill(&mut p.email, &other.email, "email");
    if p.birth_year.is_none() && other.birth_year.is_some() {
        p.birth_year = other.birth_year;
        changed.push("birth_year");
    }
    if !p.doctorate && other.doctorate {
        p.doctorate = true;
        changed.push("doctorate");
    }
    for (name, into, from) in [
        ("fields", &mut p.fields, &other.fields),
        ("titles", &mut p.titles, &other.titles),
        ("programmes", &mut p.programmes, &other.programmes),
    ] {
        if union(into, from) {
            changed.push(name);
        }
    }
    if union(&mut p.awards, &other.awards) {
        changed.push("awards");
    }
    if union(&mut p.projects, &other.projects) {
        changed.push("projects");
    }
    if union(&mut p.affiliations, &other.affiliations) {
        changed.push("affiliations");
    }
    // Two sources counting the same year's works: keep the larger count, never the sum.
    let mut outputs_changed = false;
    for o in &other.outputs {
        match p.outputs.iter_mut().find(|x| x.year == o.year) {
            Some(x) if x.count < o.count => {
                x.count = o.count;
                outputs_changed = true;
            }
            Some(_) => {}
            None => {
                p.outputs.push(*o);
                outputs_changed = true;
            }
        }
    }
    if outputs_changed {
        changed.push("outputs");
    }
    let record = MergeRecord {
        kept: kept.id.clone(),
        merged: other.id.clone(),
        merged_source: other.source.clone(),
        by: by.into(),
        evidence: evidence.to_vec(),
        fields_changed: changed,
    };
    (p, record)
}
