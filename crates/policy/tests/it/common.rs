//! A record builder and helpers.

use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::{
    CreditCode, IndustryCode, Num, RdInstitutionLevel, RegionCode, SurveyRecord, TechField, Titles,
};
use kechuang_policy::{Evaluation, History, evaluate, shipped};

/// A record for `year` with the given fields; everything else unanswered.
pub fn record(year: i32, fields: &[(Num, f64)]) -> SurveyRecord {
    let mut values = vec![None; Num::COUNT];
    for &(n, v) in fields {
        values[n as usize] = Some(v);
    }
    SurveyRecord {
        credit_code: CreditCode::complete("91120116MA05K1234").expect("code"),
        name: "天津示例科技有限公司".into(),
        region_code: RegionCode::parse("120116").expect("region"),
        park: None,
        industry_code: IndustryCode::parse("C3911").expect("industry"),
        tech_field: Some(TechField::ElectronicInformation),
        founded_on: NaiveDate::from_ymd_opt(2015, 1, 1).expect("date"),
        year,
        values,
        rd_institution_level: RdInstitutionLevel::None,
        incubation_stage: None,
        titles: Titles::default(),
        consent_bank: false,
    }
}

pub fn eval(scheme: &str, current: &SurveyRecord, earlier: &[SurveyRecord]) -> Evaluation<'static> {
    // Leaked so that evaluations can borrow labels from the rules for the rest of the test.
    let rules: &'static _ = Box::leak(Box::new(shipped(scheme).expect("shipped")));
    evaluate(
        rules,
        &History {
            current,
            earlier: &earlier.iter().collect::<Vec<_>>(),
        },
        &HashMap::new(),
        true,
    )
}

pub fn eval_with_expert(
    scheme: &str,
    current: &SurveyRecord,
    earlier: &[SurveyRecord],
    expert: &[(&str, f64)],
) -> Evaluation<'static> {
    // Leaked so that evaluations can borrow labels from the rules for the rest of the test.
    let rules: &'static _ = Box::leak(Box::new(shipped(scheme).expect("shipped")));
    let expert: HashMap<String, f64> = expert.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    evaluate(
        rules,
        &History {
            current,
            earlier: &earlier.iter().collect::<Vec<_>>(),
        },
        &expert,
        true,
    )
}

/// An indicator's (low, high) points.
pub fn points(e: &Evaluation, id: &str) -> (f64, f64) {
    e.criteria
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.points)
        .unwrap_or_else(|| panic!("no points for {id}: {e:#?}"))
}

pub fn passed(e: &Evaluation, id: &str) -> Option<bool> {
    e.criteria
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no criterion {id}"))
        .passed
}
