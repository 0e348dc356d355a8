use super::*;

const CX: ParseContext = ParseContext {
    max_year: 2026,
    jump_factor: None,
};

/// A valid code issued in Binhai (120116).
fn tianjin_code() -> String {
    CreditCode::complete("91120116MA05K1234")
        .expect("valid")
        .to_string()
}

fn good() -> HashMap<Field, String> {
    let mut m = HashMap::new();
    let code = tianjin_code();
    let mut put = |f: Field, v: &str| {
        m.insert(f, v.to_string());
    };
    put(Field::Text(Text::CreditCode), &code);
    put(Field::Text(Text::Name), "天津示例科技有限公司");
    put(Field::Text(Text::RegionCode), "滨海新区");
    put(Field::Text(Text::IndustryCode), "C3911");
    put(Field::Text(Text::TechField), "电子信息");
    put(Field::Text(Text::FoundedOn), "2019-05-20");
    put(Field::Text(Text::Year), "2025");
    put(Field::Text(Text::HnteUntil), "2026-12-31");
    put(Field::Text(Text::ConsentBank), "是");
    put(Field::Num(Num::Employees), "120");
    put(Field::Num(Num::RdStaff), "30");
    put(Field::Num(Num::Revenue), "8,000");
    put(Field::Num(Num::HightechRevenue), "6000");
    put(Field::Num(Num::RdExpense), "500");
    put(Field::Num(Num::NetProfit), "-20");
    put(Field::Num(Num::MarketShare), "12.5%");
    m
}

fn with(field: Field, value: &str) -> (Option<SurveyRecord>, Vec<Issue>) {
    let mut cells = good();
    cells.insert(field, value.to_string());
    parse_record(&cells, &CX)
}

fn rule_of(field: Field, value: &str) -> Vec<&'static str> {
    with(field, value).1.iter().map(|i| i.rule).collect()
}

#[test]
fn a_good_row_parses_with_derived_attributes() {
    let (r, issues) = parse_record(&good(), &CX);
    assert!(issues.is_empty(), "{issues:?}");
    let r = r.expect("record");
    assert_eq!(r.region_code.as_str(), "120116");
    assert_eq!(r.get(Num::Revenue), Some(8000.0));
    assert_eq!(r.get(Num::MarketShare), Some(12.5));
    assert_eq!(r.get(Num::NetProfit), Some(-20.0));
    assert_eq!(r.age_years(), 6);
    assert_eq!(r.stage(), Stage::Growth);
    assert_eq!(r.size_class(), SizeClass::Small);
    assert!(held_in(r.titles.hnte, 2025) && !held_in(r.titles.hnte, 2027));
    assert!(r.consent_bank);
    assert_eq!(r.text(Text::TechField), "电子信息");
}

#[test]
fn field_rules_good_and_bad() {
    use Field::{Num as N, Text as T};
    assert_eq!(rule_of(N(Num::Employees), "-1"), ["whole_non_negative"]);
    assert_eq!(rule_of(N(Num::Employees), "1.5"), ["whole_non_negative"]);
    assert_eq!(rule_of(N(Num::RdExpense), "-3"), ["non_negative"]);
    assert_eq!(rule_of(N(Num::RdExpense), "abc"), ["number"]);
    assert_eq!(rule_of(N(Num::MarketShare), "101"), ["percent_range"]);
    assert_eq!(rule_of(N(Num::DigitalMaturityLevel), "6"), ["level_range"]);
    assert!(with(N(Num::DigitalMaturityLevel), "5").0.is_some());
    assert_eq!(rule_of(T(Text::Year), "1999"), ["year_range"]);
    assert_eq!(rule_of(T(Text::Year), "2027"), ["year_range"]);
    assert!(with(T(Text::Year), "2026").0.is_some());
    assert_eq!(
        rule_of(T(Text::FoundedOn), "2026-01-01"),
        ["founded_before_year"]
    );
    assert_eq!(rule_of(T(Text::FoundedOn), "yesterday"), ["date"]);
    assert!(with(T(Text::FoundedOn), "2019年5月20日").0.is_some());
    assert_eq!(rule_of(T(Text::IndustryCode), "A3911"), ["industry_code"]);
    assert_eq!(rule_of(T(Text::TechField), "区块链"), ["tech_field"]);
    assert_eq!(rule_of(T(Text::RdInstitutionLevel), "区级"), ["choice"]);
    assert_eq!(rule_of(T(Text::ConsentBank), "maybe"), ["choice"]);
    assert_eq!(rule_of(T(Text::Name), " "), ["required"]);
}

#[test]
fn credit_code_rules() {
    let (r, issues) = with(Field::Text(Text::CreditCode), "91350100M0001TGQXM");
    assert!(r.is_some(), "a pilot code is stored");
    assert!(
        issues
            .iter()
            .any(|i| i.rule == "credit_code_checksum" && i.severity == Severity::Warning)
    );
    let (r, issues) = with(Field::Text(Text::CreditCode), "9135010");
    assert!(r.is_none());
    assert_eq!(issues[0].rule, "credit_code_format");
}

#[test]
fn a_code_issued_elsewhere_is_only_a_warning() {
    let (r, issues) = with(Field::Text(Text::CreditCode), "91310110666007217T");
    assert!(r.is_some());
    assert_eq!(
        issues.iter().map(|i| i.rule).collect::<Vec<_>>(),
        ["region_matches_credit_code"]
    );
}

#[test]
fn region_must_be_in_jjj() {
    assert_eq!(
        rule_of(Field::Text(Text::RegionCode), "310101"),
        ["region_code"]
    );
    assert_eq!(
        rule_of(Field::Text(Text::RegionCode), "120107"),
        ["region_code"]
    );
}

#[test]
fn cross_field_rules() {
    assert!(rule_of(Field::Num(Num::RdStaff), "121").contains(&"rd_staff_le_employees"));
    assert!(
        !rule_of(Field::Num(Num::RdStaff), "120").contains(&"rd_staff_le_employees"),
        "equal is fine"
    );
    assert!(
        rule_of(Field::Num(Num::HightechRevenue), "8001").contains(&"hightech_revenue_le_revenue")
    );
    let mut cells = good();
    cells.insert(Field::Num(Num::RdExpenseDomestic), "501".into());
    let (r, issues) = parse_record(&cells, &CX);
    assert!(r.is_none());
    assert!(
        issues
            .iter()
            .any(|i| i.rule == "rd_expense_domestic_le_rd_expense")
    );
    let mut cells = good();
    cells.insert(Field::Num(Num::TotalCostExpense), "400".into());
    let (r, issues) = parse_record(&cells, &CX);
    assert!(r.is_some(), "R&D above costs is only a warning");
    assert!(
        issues
            .iter()
            .any(|i| i.rule == "rd_expense_le_costs" && i.severity == Severity::Warning)
    );
}

#[test]
fn every_bad_cell_is_reported_at_once() {
    let mut cells = good();
    cells.insert(Field::Num(Num::Employees), "-5".into());
    cells.insert(Field::Num(Num::RdExpense), "x".into());
    cells.insert(Field::Text(Text::Year), "3000".into());
    let (r, issues) = parse_record(&cells, &CX);
    assert!(r.is_none());
    assert_eq!(
        issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count(),
        3,
        "{issues:?}"
    );
}

#[test]
fn implausible_jumps_between_years() {
    let (a, _) = parse_record(&good(), &CX);
    let a = a.expect("record");
    let mut b = a.clone();
    b.year = 2026;
    b.set(Num::Revenue, Some(90000.0));
    let w = cross_year(&a, &b, &CX);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].rule, "implausible_jump");
    b.set(Num::Revenue, Some(70000.0));
    assert!(cross_year(&a, &b, &CX).is_empty(), "×8.75 is plausible");
    // A factor set by the bureau: ×8.75 is beyond ×5.
    let strict = ParseContext {
        jump_factor: Some(5.0),
        ..CX
    };
    assert_eq!(cross_year(&a, &b, &strict).len(), 1);
    // From zero to something: flagged whatever the factor.
    let mut zero = a.clone();
    zero.set(Num::RdExpense, Some(0.0));
    let mut then = zero.clone();
    then.year = 2026;
    then.set(Num::RdExpense, Some(300.0));
    let w = cross_year(&zero, &then, &CX);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].rule, "jump_from_zero");
}

#[test]
fn stages_and_sizes_at_their_boundaries() {
    assert_eq!(Stage::of(2), Stage::Startup);
    assert_eq!(Stage::of(3), Stage::Growth);
    assert_eq!(Stage::of(9), Stage::Growth);
    assert_eq!(Stage::of(10), Stage::Mature);
    assert_eq!(SizeClass::of(Some(1000.0), Some(40000.0)), SizeClass::Large);
    assert_eq!(SizeClass::of(Some(999.0), Some(40000.0)), SizeClass::Medium);
    assert_eq!(SizeClass::of(Some(300.0), Some(1999.0)), SizeClass::Small);
    assert_eq!(SizeClass::of(Some(19.0), Some(300.0)), SizeClass::Micro);
    assert_eq!(SizeClass::of(None, Some(300.0)), SizeClass::Unknown);
}

#[test]
fn every_not_above_pair_accepts_equal_and_refuses_more() {
    for (small, large, rule) in NOT_ABOVE {
        let mut cells = good();
        // Above every other value of the good row, so only the pair under test is in play.
        cells.insert(Field::Num(large), "1000000".into());
        cells.insert(Field::Num(small), "1000000".into());
        let (r, issues) = parse_record(&cells, &CX);
        assert!(
            r.is_some() && !issues.iter().any(|i| i.rule == rule),
            "{rule}: equal values pass: {issues:?}"
        );
        cells.insert(Field::Num(small), "1000001".into());
        let (r, issues) = parse_record(&cells, &CX);
        assert!(r.is_none(), "{rule}: more fails");
        let issue = issues.iter().find(|i| i.rule == rule).expect("reported");
        assert_eq!(
            (issue.field, issue.severity),
            (Field::Num(small), Severity::Error)
        );
    }
}

proptest::proptest! {
    /// The fast path for ISO dates agrees with chrono's parser on every ten-character string of
    /// digits and separators, valid or not.
    #[test]
    fn iso_dates_parse_as_chrono_parses_them(s in "[0-9]{4}[-/.][0-9]{2}[-/.][0-9]{2}") {
        let chrono = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(&s, "%Y/%m/%d"))
            .or_else(|_| NaiveDate::parse_from_str(&s, "%Y.%m.%d"))
            .ok();
        proptest::prop_assert_eq!(parse_date(&s), chrono);
    }
}

#[test]
fn dates_in_other_forms_still_parse() {
    assert_eq!(
        parse_date(" 2018-3-1 "),
        NaiveDate::from_ymd_opt(2018, 3, 1)
    );
    assert_eq!(
        parse_date("2018年03月01日"),
        NaiveDate::from_ymd_opt(2018, 3, 1)
    );
    assert_eq!(parse_date("2018-02-30"), None);
    assert_eq!(parse_date("2018-00-10"), None);
}
