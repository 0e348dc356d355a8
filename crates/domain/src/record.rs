//! The annual survey record (one enterprise × one year), parsed from text cells with every issue found.
//!
//! Parsing is robust rather than fallible: [`parse_record`] returns the record (when no error was found)
//! *and* every issue, so that one import reports all bad cells at once.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::{CreditCode, IndustryCode, RegionCode, TechField};
use crate::fields::{Field, Kind, Num, Text};

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; does not stop an import unless warnings are refused.
    Warning,
    /// The record cannot be stored.
    Error,
}

/// One problem with one field (or, for cross-field rules, the first field named).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// The field.
    pub field: Field,
    /// The value as written.
    pub value: String,
    /// Stable rule identifier, e.g. `non_negative`.
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, for the user.
    pub message: String,
}

impl Issue {
    fn error(field: Field, value: &str, rule: &'static str, message: impl Into<String>) -> Issue {
        Issue {
            field,
            value: value.to_string(),
            rule,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    fn warning(field: Field, value: &str, rule: &'static str, message: impl Into<String>) -> Issue {
        Issue {
            field,
            value: value.to_string(),
            rule,
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

/// 研发机构级别: the highest accredited R&D institution the enterprise has.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum RdInstitutionLevel {
    /// 无.
    #[default]
    None,
    /// 市级.
    City,
    /// 省级.
    Provincial,
    /// 国家级.
    National,
}

impl RdInstitutionLevel {
    /// Parses 无/市级/省级/国家级 or the English key.
    pub fn parse(t: &str) -> Option<Self> {
        Some(match t.trim() {
            "" | "无" | "none" => Self::None,
            "市级" | "city" => Self::City,
            "省级" | "provincial" => Self::Provincial,
            "国家级" | "national" => Self::National,
            _ => return None,
        })
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        ["无", "市级", "省级", "国家级"][self as usize]
    }

    /// English key.
    pub fn key(self) -> &'static str {
        ["none", "city", "provincial", "national"][self as usize]
    }
}

/// 孵化阶段: where in the incubation chain the enterprise sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncubationStage {
    /// 众创空间.
    Makerspace,
    /// 孵化器.
    Incubator,
    /// 加速器.
    Accelerator,
    /// 产业园区.
    IndustrialPark,
}

impl IncubationStage {
    /// Parses the Chinese label or English key.
    pub fn parse(t: &str) -> Option<Self> {
        Some(match t.trim() {
            "众创空间" | "makerspace" => Self::Makerspace,
            "孵化器" | "incubator" => Self::Incubator,
            "加速器" | "accelerator" => Self::Accelerator,
            "产业园区" | "industrial_park" => Self::IndustrialPark,
            _ => return None,
        })
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        ["众创空间", "孵化器", "加速器", "产业园区"][self as usize]
    }

    /// English key.
    pub fn key(self) -> &'static str {
        ["makerspace", "incubator", "accelerator", "industrial_park"][self as usize]
    }
}

/// The titles an enterprise holds, each with the date its recognition is valid until.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Titles {
    /// 高新技术企业.
    pub hnte: Option<NaiveDate>,
    /// 科技型中小企业.
    pub tech_sme: Option<NaiveDate>,
    /// 创新型中小企业.
    pub innovative_sme: Option<NaiveDate>,
    /// 专精特新中小企业.
    pub specialised_sme: Option<NaiveDate>,
    /// 专精特新"小巨人".
    pub little_giant: Option<NaiveDate>,
}

/// A title valid at some point of `year` (its end date is on or after 1 January).
pub fn held_in(until: Option<NaiveDate>, year: i32) -> bool {
    until.is_some_and(|d| d.year() >= year)
}

/// One enterprise's survey answers for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyRecord {
    /// 统一社会信用代码.
    pub credit_code: CreditCode,
    /// 企业名称.
    pub name: String,
    /// 行政区划代码.
    pub region_code: RegionCode,
    /// 所在园区.
    pub park: Option<String>,
    /// 国民经济行业代码.
    pub industry_code: IndustryCode,
    /// 高新技术领域.
    pub tech_field: Option<TechField>,
    /// 成立日期.
    pub founded_on: NaiveDate,
    /// 调查年度.
    pub year: i32,
    /// Numeric answers, indexed by [`Num`]; `None` = not answered.
    pub values: Vec<Option<f64>>,
    /// 研发机构级别.
    pub rd_institution_level: RdInstitutionLevel,
    /// 孵化阶段.
    pub incubation_stage: Option<IncubationStage>,
    /// Titles held.
    pub titles: Titles,
    /// 同意向合作银行提供数据.
    pub consent_bank: bool,
}

impl SurveyRecord {
    /// A numeric answer.
    pub fn get(&self, n: Num) -> Option<f64> {
        self.values.get(n as usize).copied().flatten()
    }

    /// Sets a numeric answer.
    pub fn set(&mut self, n: Num, v: Option<f64>) {
        self.values[n as usize] = v;
    }

    /// Full years since founding, at the end of the survey year.
    pub fn age_years(&self) -> i32 {
        (self.year - self.founded_on.year()).max(0)
    }

    /// The enterprise's stage (see [`Stage::of`]).
    pub fn stage(&self) -> Stage {
        Stage::of(self.age_years())
    }

    /// The size class (see [`SizeClass::of`]).
    pub fn size_class(&self) -> SizeClass {
        SizeClass::of(self.get(Num::Employees), self.get(Num::Revenue))
    }

    /// The text of a non-numeric field, as the template writes it.
    pub fn text(&self, t: Text) -> String {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        match t {
            Text::CreditCode => self.credit_code.to_string(),
            Text::Name => self.name.clone(),
            Text::RegionCode => self.region_code.to_string(),
            Text::Park => self.park.clone().unwrap_or_default(),
            Text::IndustryCode => self.industry_code.to_string(),
            Text::TechField => self
                .tech_field
                .map(|f| f.zh().to_string())
                .unwrap_or_default(),
            Text::FoundedOn => self.founded_on.to_string(),
            Text::Year => self.year.to_string(),
            Text::RdInstitutionLevel => self.rd_institution_level.zh().to_string(),
            Text::IncubationStage => self
                .incubation_stage
                .map(|s| s.zh().to_string())
                .unwrap_or_default(),
            Text::HnteUntil => date(self.titles.hnte),
            Text::TechSmeUntil => date(self.titles.tech_sme),
            Text::InnovativeSmeUntil => date(self.titles.innovative_sme),
            Text::SpecialisedSmeUntil => date(self.titles.specialised_sme),
            Text::LittleGiantUntil => date(self.titles.little_giant),
            Text::ConsentBank => if self.consent_bank { "是" } else { "否" }.to_string(),
        }
    }
}

/// Life-cycle stage, as the innovation-points scheme weighs it (初创期 / 成长期 / 稳定期).
///
/// kechuang's rule, by age at the end of the survey year: start-up under 3 years, growth from 3 to under
/// 10 years, mature from 10 years. (The national scheme names the stages but publishes no cut-offs.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 初创期.
    Startup,
    /// 成长期.
    Growth,
    /// 稳定期.
    Mature,
}

impl Stage {
    /// The stage of an enterprise of this age.
    pub fn of(age_years: i32) -> Stage {
        match age_years {
            a if a < 3 => Stage::Startup,
            a if a < 10 => Stage::Growth,
            _ => Stage::Mature,
        }
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        ["初创期", "成长期", "稳定期"][self as usize]
    }

    /// English key.
    pub fn key(self) -> &'static str {
        ["startup", "growth", "mature"][self as usize]
    }

    /// English label.
    pub fn en(self) -> &'static str {
        ["Start-up", "Growth", "Mature"][self as usize]
    }

    /// The three stages, youngest first.
    pub const ALL: [Stage; 3] = [Stage::Startup, Stage::Growth, Stage::Mature];

    /// The stage with this key.
    pub fn from_key(key: &str) -> Option<Stage> {
        [Stage::Startup, Stage::Growth, Stage::Mature]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// Size class by the national statistical standard (国统字〔2017〕213号), industrial thresholds applied to
/// every sector: large ≥ 1,000 employees and ≥ ¥400M revenue; medium ≥ 300 and ≥ ¥20M; small ≥ 20 and
/// ≥ ¥3M; micro otherwise. Unknown when either figure is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    /// 大型.
    Large,
    /// 中型.
    Medium,
    /// 小型.
    Small,
    /// 微型.
    Micro,
    /// 未知.
    Unknown,
}

impl SizeClass {
    /// The class for these employees and revenue (¥10k).
    pub fn of(employees: Option<f64>, revenue: Option<f64>) -> SizeClass {
        let (Some(e), Some(r)) = (employees, revenue) else {
            return SizeClass::Unknown;
        };
        if e >= 1000.0 && r >= 40000.0 {
            SizeClass::Large
        } else if e >= 300.0 && r >= 2000.0 {
            SizeClass::Medium
        } else if e >= 20.0 && r >= 300.0 {
            SizeClass::Small
        } else {
            SizeClass::Micro
        }
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        ["大型", "中型", "小型", "微型", "未知"][self as usize]
    }

    /// English label.
    pub fn en(self) -> &'static str {
        ["Large", "Medium", "Small", "Micro", "Unknown"][self as usize]
    }

    /// English key.
    pub fn key(self) -> &'static str {
        ["large", "medium", "small", "micro", "unknown"][self as usize]
    }
}

/// What parsing needs to know beyond the cells.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext {
    /// The latest survey year accepted (normally the current year).
    pub max_year: i32,
    /// Year-on-year change (×) beyond which a value is flagged; `None`: each field's own
    /// (revenue, R&D expense and assets ×10, employees ×5).
    pub jump_factor: Option<f64>,
}

/// The earliest survey year accepted.
pub const MIN_YEAR: i32 = 2000;

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // ISO dates, nearly all of them, without a format parsed per cell.
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *s.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |ds: &[u8]| ds.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
            return NaiveDate::from_ymd_opt(
                n(&digits[..4]) as i32,
                n(&digits[4..6]),
                n(&digits[6..]),
            );
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y.%m.%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y年%m月%d日"))
        .ok()
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    // Thousands separators are rare: copy only when there are some.
    let without: std::borrow::Cow<'_, str> = if s.contains([',', '，']) {
        s.replace([',', '，'], "").into()
    } else {
        s.into()
    };
    let t = without.strip_suffix('%').unwrap_or(&without);
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A row's cells by field, as a reader holds them; absent and blank are the same.
pub trait Cells {
    /// The text of `field`'s cell, when the row has that column.
    fn text(&self, field: Field) -> Option<&str>;
}

impl<S: AsRef<str>, H: std::hash::BuildHasher> Cells for HashMap<Field, S, H> {
    fn text(&self, field: Field) -> Option<&str> {
        self.get(&field).map(AsRef::as_ref)
    }
}

/// Parses and validates one row. `cells` maps each field to its text; absent and blank are the same.
/// Returns the record when no error was found, and every issue.
pub fn parse_record<C: Cells + ?Sized>(
    cells: &C,
    cx: &ParseContext,
) -> (Option<SurveyRecord>, Vec<Issue>) {
    let mut issues = Vec::new();
    let cell = |f: Field| cells.text(f).map(str::trim).unwrap_or("");
    let required = |t: Text, issues: &mut Vec<Issue>| -> Option<String> {
        let v = cell(Field::Text(t));
        if v.is_empty() {
            issues.push(Issue::error(Field::Text(t), "", "required", "is required"));
            None
        } else {
            Some(v.to_string())
        }
    };

    let credit_code = required(Text::CreditCode, &mut issues).and_then(|v| match CreditCode::parse(&v) {
        Ok(c) => {
            if !c.checksum_ok() {
                issues.push(Issue::warning(
                    Field::Text(Text::CreditCode),
                    &v,
                    "credit_code_checksum",
                    format!("check character should be '{}': flagged for review (early pilot codes fail this check)", c.expected_check()),
                ));
            }
            Some(c)
        }
        Err(e) => {
            issues.push(Issue::error(Field::Text(Text::CreditCode), &v, "credit_code_format", e.0));
            None
        }
    });
    let name = required(Text::Name, &mut issues);
    let region_code = required(Text::RegionCode, &mut issues).and_then(|v| {
        RegionCode::parse_name_or_code(&v)
            .map_err(|e| {
                issues.push(Issue::error(
                    Field::Text(Text::RegionCode),
                    &v,
                    "region_code",
                    e.0,
                ))
            })
            .ok()
    });
    let industry_code = required(Text::IndustryCode, &mut issues).and_then(|v| {
        IndustryCode::parse(&v)
            .map_err(|e| {
                issues.push(Issue::error(
                    Field::Text(Text::IndustryCode),
                    &v,
                    "industry_code",
                    e.0,
                ))
            })
            .ok()
    });
    let tech_field = match cell(Field::Text(Text::TechField)) {
        "" => None,
        v => TechField::parse(v)
            .map_err(|e| {
                issues.push(Issue::error(
                    Field::Text(Text::TechField),
                    v,
                    "tech_field",
                    e.0,
                ))
            })
            .ok(),
    };
    let year = required(Text::Year, &mut issues).and_then(|v| {
        match v.trim_end_matches('年').parse::<i32>() {
            Ok(y) if (MIN_YEAR..=cx.max_year).contains(&y) => Some(y),
            _ => {
                issues.push(Issue::error(
                    Field::Text(Text::Year),
                    &v,
                    "year_range",
                    format!("must be a year from {MIN_YEAR} to {}", cx.max_year),
                ));
                None
            }
        }
    });
    let founded_on = required(Text::FoundedOn, &mut issues).and_then(|v| match parse_date(&v) {
        Some(d) if year.is_none_or(|y| d.year() <= y) && d.year() >= 1949 => Some(d),
        Some(_) => {
            issues.push(Issue::error(
                Field::Text(Text::FoundedOn),
                &v,
                "founded_before_year",
                "must fall between 1949 and the end of the survey year",
            ));
            None
        }
        None => {
            issues.push(Issue::error(
                Field::Text(Text::FoundedOn),
                &v,
                "date",
                "is not a date (YYYY-MM-DD)",
            ));
            None
        }
    });
    let mut date_field = |t: Text| match cell(Field::Text(t)) {
        "" => None,
        v => parse_date(v).or_else(|| {
            issues.push(Issue::error(
                Field::Text(t),
                v,
                "date",
                "is not a date (YYYY-MM-DD)",
            ));
            None
        }),
    };
    let titles = Titles {
        hnte: date_field(Text::HnteUntil),
        tech_sme: date_field(Text::TechSmeUntil),
        innovative_sme: date_field(Text::InnovativeSmeUntil),
        specialised_sme: date_field(Text::SpecialisedSmeUntil),
        little_giant: date_field(Text::LittleGiantUntil),
    };
    let rd_level_text = cell(Field::Text(Text::RdInstitutionLevel));
    let rd_institution_level = RdInstitutionLevel::parse(rd_level_text).unwrap_or_else(|| {
        issues.push(Issue::error(
            Field::Text(Text::RdInstitutionLevel),
            rd_level_text,
            "choice",
            "must be 无, 市级, 省级 or 国家级",
        ));
        RdInstitutionLevel::None
    });
    let incubation_stage = match cell(Field::Text(Text::IncubationStage)) {
        "" | "无" => None,
        v => IncubationStage::parse(v).or_else(|| {
            issues.push(Issue::error(
                Field::Text(Text::IncubationStage),
                v,
                "choice",
                "must be 众创空间, 孵化器, 加速器 or 产业园区",
            ));
            None
        }),
    };
    let consent_text = cell(Field::Text(Text::ConsentBank));
    let consent_bank = match consent_text {
        "" | "否" | "no" | "false" | "0" | "N" => false,
        "是" | "yes" | "true" | "1" | "Y" => true,
        v => {
            issues.push(Issue::error(
                Field::Text(Text::ConsentBank),
                v,
                "choice",
                "must be 是 or 否",
            ));
            false
        }
    };

    let mut values = vec![None; Num::COUNT];
    for &n in Num::ALL {
        let text = cell(Field::Num(n));
        if text.is_empty() {
            continue;
        }
        let Some(v) = parse_number(text) else {
            issues.push(Issue::error(
                Field::Num(n),
                text,
                "number",
                "is not a number",
            ));
            continue;
        };
        let bad = match n.spec().kind {
            Kind::Count if v < 0.0 || v.fract() != 0.0 => Some((
                "whole_non_negative",
                "must be a whole number ≥ 0".to_string(),
            )),
            Kind::Money if v < 0.0 => Some(("non_negative", "must be ≥ 0".to_string())),
            Kind::Percent if !(0.0..=100.0).contains(&v) => {
                Some(("percent_range", "must be within 0–100%".to_string()))
            }
            Kind::Level { min, max }
                if v.fract() != 0.0 || v < f64::from(min) || v > f64::from(max) =>
            {
                Some((
                    "level_range",
                    format!("must be a whole number from {min} to {max}"),
                ))
            }
            _ => None,
        };
        match bad {
            Some((rule, message)) => issues.push(Issue::error(Field::Num(n), text, rule, message)),
            None => values[n as usize] = Some(v),
        }
    }
    cross_field(&values, &mut issues);
    if let (Some(c), Some(r)) = (&credit_code, &region_code)
        && c.region_part()[..2] != r.as_str()[..2]
        && c.checksum_ok()
    {
        issues.push(Issue::warning(
            Field::Text(Text::RegionCode),
            r.as_str(),
            "region_matches_credit_code",
            format!(
                "the credit code was issued in region {}; check that the enterprise has moved",
                c.region_part()
            ),
        ));
    }

    let has_error = issues.iter().any(|i| i.severity == Severity::Error);
    let record = match (
        credit_code,
        name,
        region_code,
        industry_code,
        founded_on,
        year,
    ) {
        (
            Some(credit_code),
            Some(name),
            Some(region_code),
            Some(industry_code),
            Some(founded_on),
            Some(year),
        ) if !has_error => Some(SurveyRecord {
            credit_code,
            name,
            region_code,
            park: Some(cell(Field::Text(Text::Park)).to_string()).filter(|p| !p.is_empty()),
            industry_code,
            tech_field,
            founded_on,
            year,
            values,
            rd_institution_level,
            incubation_stage,
            titles,
            consent_bank,
        }),
        _ => None,
    };
    (record, issues)
}

/// Pairs that must satisfy `smaller ≤ larger`, with the rule id.
const NOT_ABOVE: [(Num, Num, &str); 8] = [
    (Num::RdStaff, Num::Employees, "rd_staff_le_employees"),
    (Num::TechStaff, Num::Employees, "tech_staff_le_employees"),
    (Num::PhdStaff, Num::Employees, "phd_staff_le_employees"),
    (
        Num::HightechRevenue,
        Num::Revenue,
        "hightech_revenue_le_revenue",
    ),
    (
        Num::MainBusinessRevenue,
        Num::Revenue,
        "main_business_revenue_le_revenue",
    ),
    (
        Num::NewProductRevenue,
        Num::Revenue,
        "new_product_revenue_le_revenue",
    ),
    (
        Num::RdExpenseDomestic,
        Num::RdExpense,
        "rd_expense_domestic_le_rd_expense",
    ),
    (
        Num::InventionPatentsGranted,
        Num::InventionPatentsValid,
        "granted_le_valid",
    ),
];

fn cross_field(values: &[Option<f64>], issues: &mut Vec<Issue>) {
    let get = |n: Num| values[n as usize];
    for (small, large, rule) in NOT_ABOVE {
        if let (Some(s), Some(l)) = (get(small), get(large))
            && s > l
        {
            issues.push(Issue::error(
                Field::Num(small),
                &s.to_string(),
                rule,
                format!(
                    "{} ({s}) exceeds {} ({l})",
                    small.spec().zh,
                    large.spec().zh
                ),
            ));
        }
    }
    if let (Some(rd), Some(cost)) = (get(Num::RdExpense), get(Num::TotalCostExpense))
        && rd > cost
    {
        issues.push(Issue::warning(
            Field::Num(Num::RdExpense),
            &rd.to_string(),
            "rd_expense_le_costs",
            format!("研发费用 ({rd}) exceeds 成本费用总额 ({cost})"),
        ));
    }
}

/// Year-on-year changes that are possible but rare enough to check: (field, factor).
const JUMPS: [(Num, f64); 4] = [
    (Num::Revenue, 10.0),
    (Num::Employees, 5.0),
    (Num::RdExpense, 10.0),
    (Num::TotalAssets, 10.0),
];

/// Warnings for implausible jumps between the same enterprise's consecutive years: a change by
/// more than the field's factor (or `cx.jump_factor`), and a rise from zero.
pub fn cross_year(
    previous: &SurveyRecord,
    current: &SurveyRecord,
    cx: &ParseContext,
) -> Vec<Issue> {
    let mut out = Vec::new();
    if current.year != previous.year + 1 {
        return out;
    }
    for (n, factor) in JUMPS {
        let factor = cx.jump_factor.unwrap_or(factor);
        if let (Some(a), Some(b)) = (previous.get(n), current.get(n))
            && a == 0.0
            && b > 0.0
        {
            out.push(Issue::warning(
                Field::Num(n),
                &b.to_string(),
                "jump_from_zero",
                format!(
                    "{} went from 0 in {} to {b}: check the unit and the earlier year",
                    n.spec().zh,
                    previous.year
                ),
            ));
        }
        if let (Some(a), Some(b)) = (previous.get(n), current.get(n))
            && a > 0.0
            && b > 0.0
            && (b / a > factor || a / b > factor)
        {
            out.push(Issue::warning(
                Field::Num(n),
                &b.to_string(),
                "implausible_jump",
                format!(
                    "{} went from {a} in {} to {b}: more than ×{factor} in a year",
                    n.spec().zh,
                    previous.year
                ),
            ));
        }
    }
    if current.founded_on != previous.founded_on {
        out.push(Issue::warning(
            Field::Text(Text::FoundedOn),
            &current.founded_on.to_string(),
            "founded_on_changed",
            format!("was {} in {}", previous.founded_on, previous.year),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
