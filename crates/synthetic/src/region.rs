//! A realistic synthetic region: Tianjin enterprises answering the annual innovation survey.
//!
//! Enterprises are spread over the 16 districts (滨海新区 and the high-tech parks dense, outer districts
//! sparse) and over a plausible Tianjin industry mix. Revenue is log-normal, patents zero-inflated, R&D
//! and output correlated through a latent innovativeness; enterprises are born and exit during the
//! panel, some grow their R&D year after year, some have partners in Beijing and Hebei. Every record is
//! valid by construction; [`corrupted_rows`] makes the errors real surveys contain, for the report demo.

use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::{
    CreditCode, Field, IncubationStage, IndustryCode, Num, RdInstitutionLevel, RegionCode,
    SurveyRecord, TechField, Text, Titles,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal, Normal, Poisson};

/// Size and seed of a demo region.
#[derive(Debug, Clone)]
pub struct RegionSpec {
    /// Enterprises (alive at some point of the panel).
    pub enterprises: usize,
    /// Survey years, ascending.
    pub years: Vec<i32>,
    /// Random seed.
    pub seed: u64,
}

impl Default for RegionSpec {
    fn default() -> Self {
        RegionSpec {
            enterprises: 20_000,
            years: (2021..=2025).collect(),
            seed: 2026,
        }
    }
}

/// District code, share of enterprises, parks in it.
const DISTRICTS: [(&str, f64, &[&str]); 16] = [
    (
        "120116",
        0.30,
        &[
            "天津滨海高新技术产业开发区",
            "天津经济技术开发区",
            "天津港保税区",
            "中新天津生态城",
        ],
    ),
    ("120111", 0.09, &["西青经济技术开发区", "天津大学科技园"]),
    ("120104", 0.08, &["南开大学科技园", "天津南开科技园"]),
    ("120110", 0.07, &["东丽经济技术开发区"]),
    ("120114", 0.07, &["武清开发区", "京津科技谷"]),
    ("120112", 0.06, &["海河教育园区"]),
    ("120113", 0.06, &["北辰经济技术开发区"]),
    ("120103", 0.05, &["河西科技园"]),
    ("120101", 0.03, &[]),
    ("120102", 0.03, &[]),
    ("120105", 0.03, &[]),
    ("120106", 0.02, &[]),
    ("120115", 0.03, &["京津中关村科技城"]),
    ("120117", 0.02, &[]),
    ("120118", 0.03, &["静海经济开发区"]),
    ("120119", 0.02, &[]),
];

/// Industry class, high-tech field, share, name suffix.
const INDUSTRIES: [(&str, Option<TechField>, f64, &str); 16] = [
    (
        "I6513",
        Some(TechField::ElectronicInformation),
        0.14,
        "软件",
    ),
    (
        "I6531",
        Some(TechField::ElectronicInformation),
        0.06,
        "信息技术",
    ),
    (
        "C3911",
        Some(TechField::ElectronicInformation),
        0.05,
        "电子",
    ),
    (
        "C3562",
        Some(TechField::AdvancedManufacturing),
        0.08,
        "智能装备",
    ),
    (
        "C3670",
        Some(TechField::AdvancedManufacturing),
        0.07,
        "汽车零部件",
    ),
    (
        "C3441",
        Some(TechField::AdvancedManufacturing),
        0.05,
        "机械",
    ),
    ("C2710", Some(TechField::BiologyMedicine), 0.05, "医药"),
    ("C3581", Some(TechField::BiologyMedicine), 0.05, "医疗器械"),
    ("C3841", Some(TechField::NewEnergy), 0.05, "新能源"),
    ("C2651", Some(TechField::NewMaterials), 0.05, "新材料"),
    ("C3741", Some(TechField::Aerospace), 0.02, "航空科技"),
    ("M7320", Some(TechField::HighTechServices), 0.09, "技术服务"),
    ("M7484", Some(TechField::HighTechServices), 0.04, "工程设计"),
    ("N7723", Some(TechField::ResourcesEnvironment), 0.04, "环保"),
    ("C3311", None, 0.08, "金属制品"),
    ("F5179", None, 0.08, "贸易"),
];

const NAME_STEMS: [&str; 24] = [
    "华创", "津科", "海河", "渤海", "滨城", "中睿", "联合", "恒信", "博远", "天成", "瑞达", "新能",
    "智航", "泰和", "同方", "金桥", "北洋", "鼎盛", "光启", "蓝海", "启明", "卓越", "长城", "和众",
];

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn pick<T: Copy>(rng: &mut SmallRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|i| i.1).sum();
    let mut x = rng.random::<f64>() * total;
    for &(v, w) in items {
        if x < w {
            return v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// A unique, valid credit code for enterprise `i` registered in `region`.
pub fn credit_code(i: usize, region: &str) -> CreditCode {
    let mut org = [b'0'; 7];
    let mut n = i;
    for slot in org.iter_mut().rev() {
        *slot = ALPHABET[n % 31];
        n /= 31;
    }
    let body = format!("91{region}MA{}", String::from_utf8_lossy(&org));
    CreditCode::complete(&body).unwrap_or_else(|_| unreachable!("17 characters from the alphabet"))
}

struct Firm {
    code: CreditCode,
    name: String,
    region: RegionCode,
    park: Option<String>,
    industry: IndustryCode,
    field: Option<TechField>,
    founded: NaiveDate,
    exit_year: Option<i32>,
    quality: f64,
    employees: f64,
    revenue: f64,
    growth: f64,
    rd_ratio: f64,
    rd_streak: bool,
    jjj: bool,
    consent: bool,
}

fn money(v: f64) -> Option<f64> {
    Some((v * 10.0).round() / 10.0)
}

/// Generates the region's survey records, ordered by year then enterprise.
pub fn region(spec: &RegionSpec) -> Vec<SurveyRecord> {
    let mut rng = SmallRng::seed_from_u64(spec.seed);
    let first_year = spec.years.first().copied().unwrap_or(2025);
    let last_year = spec.years.last().copied().unwrap_or(2025);
    let normal = Normal::new(0.0, 1.0).unwrap_or_else(|_| unreachable!("valid"));
    let districts: Vec<(usize, f64)> = DISTRICTS
        .iter()
        .enumerate()
        .map(|(i, d)| (i, d.1))
        .collect();
    let industries: Vec<(usize, f64)> = INDUSTRIES
        .iter()
        .enumerate()
        .map(|(i, d)| (i, d.2))
        .collect();
    let mut firms: Vec<Firm> = (0..spec.enterprises)
        .map(|i| {
            let d = pick(&mut rng, &districts);
            let k = pick(&mut rng, &industries);
            let (code, field, _, suffix) = INDUSTRIES[k];
            let quality: f64 = normal.sample(&mut rng) + if field.is_some() { 0.3 } else { -0.3 };
            // Founding years skew recent; about one in eight is born during the panel.
            let age = (LogNormal::new(2.0, 0.7)
                .unwrap_or_else(|_| unreachable!("valid"))
                .sample(&mut rng) as i32)
                .min(40);
            let founded_year = if rng.random::<f64>() < 0.12 {
                rng.random_range(first_year..=last_year)
            } else {
                first_year - age.max(1)
            };
            let founded = NaiveDate::from_ymd_opt(
                founded_year,
                rng.random_range(1..=12),
                rng.random_range(1..=28),
            )
            .unwrap_or_default();
            let parks = DISTRICTS[d].2;
            let park = (!parks.is_empty() && rng.random::<f64>() < 0.7)
                .then(|| parks[rng.random_range(0..parks.len())].to_string());
            let size: f64 = normal.sample(&mut rng);
            let employees = (LogNormal::new(3.6 + 0.5 * size, 0.7)
                .unwrap_or_else(|_| unreachable!("valid"))
                .sample(&mut rng))
            .clamp(3.0, 20_000.0)
            .round();
            let revenue = employees
                * LogNormal::new(4.2 + 0.2 * quality, 0.5)
                    .unwrap_or_else(|_| unreachable!("valid"))
                    .sample(&mut rng);
            let rd_ratio = if field.is_none() && rng.random::<f64>() < 0.5 {
                0.0
            } else {
                (LogNormal::new((0.035f64).ln() + 0.45 * quality, 0.5)
                    .unwrap_or_else(|_| unreachable!("valid"))
                    .sample(&mut rng))
                .min(0.45)
            };
            Firm {
                code: credit_code(i, DISTRICTS[d].0),
                name: format!(
                    "天津{}{}{}有限公司",
                    NAME_STEMS[i % NAME_STEMS.len()],
                    NAME_STEMS[(i / NAME_STEMS.len() + 7) % NAME_STEMS.len()],
                    suffix
                ),
                region: RegionCode::parse(DISTRICTS[d].0)
                    .unwrap_or_else(|_| unreachable!("a listed district")),
                park,
                industry: IndustryCode::parse(code)
                    .unwrap_or_else(|_| unreachable!("a listed class")),
                field,
                founded,
                exit_year: (rng.random::<f64>() < 0.15)
                    .then(|| rng.random_range(first_year + 1..=last_year.max(first_year + 1))),
                quality,
                employees,
                revenue,
                growth: 0.06 + 0.05 * quality + 0.12 * normal.sample(&mut rng),
                rd_ratio,
                rd_streak: quality > 0.5 && rng.random::<f64>() < 0.5,
                jjj: rng.random::<f64>() < 0.25 + 0.1 * quality.max(0.0),
                consent: rng.random::<f64>() < 0.4,
            }
        })
        .collect();

    let mut out = Vec::new();
    for &year in &spec.years {
        for f in firms.iter_mut() {
            if chrono::Datelike::year(&f.founded) > year || f.exit_year.is_some_and(|e| year >= e) {
                continue;
            }
            out.push(year_record(f, year, &mut rng, &normal));
            // Next year's scale.
            let g = f.growth + 0.1 * normal.sample(&mut rng);
            f.revenue *= (1.0 + g).max(0.3);
            f.employees = (f.employees * (1.0 + 0.5 * g).max(0.5)).round().max(3.0);
            f.rd_ratio = if f.rd_streak {
                (f.rd_ratio * 1.15).min(0.45)
            } else {
                (f.rd_ratio * (1.0 + 0.1 * normal.sample(&mut rng))).clamp(0.0, 0.45)
            };
        }
    }
    out
}

fn year_record(f: &Firm, year: i32, rng: &mut SmallRng, normal: &Normal<f64>) -> SurveyRecord {
    let q = f.quality;
    let mut v = vec![None; Num::COUNT];
    let mut set = |n: Num, x: Option<f64>| v[n as usize] = x;
    let employees = f.employees;
    let tech_share = (0.12 + 0.08 * q + 0.05 * normal.sample(rng)).clamp(0.02, 0.9);
    let tech = (employees * tech_share).round();
    let rd = (tech * rng.random_range(0.4..0.9)).round();
    let revenue = f.revenue;
    let rd_expense = revenue * f.rd_ratio;
    let costs = revenue * rng.random_range(0.8..1.05);
    let hightech = if f.field.is_some() {
        revenue * (0.45 + 0.15 * q + 0.1 * normal.sample(rng)).clamp(0.0, 0.98)
    } else {
        revenue * rng.random_range(0.0..0.2)
    };
    let assets = revenue * rng.random_range(0.7..2.2);
    let poisson = |mean: f64, rng: &mut SmallRng| -> f64 {
        if mean <= 0.0 {
            0.0
        } else {
            Poisson::new(mean.min(1e4)).map_or(0.0, |p| p.sample(rng))
        }
    };
    // Zero-inflated patents, driven by R&D and quality.
    let invents = if f.rd_ratio > 0.0 && rng.random::<f64>() < 0.55 + 0.15 * q {
        poisson((0.8 + q + 0.4 * (employees / 50.0).ln()).exp(), rng)
    } else {
        0.0
    };
    let granted = (invents * rng.random_range(0.0..0.35)).round();
    let tech_contract = if rng.random::<f64>() < 0.35 + 0.1 * q {
        revenue * rng.random_range(0.01..0.15)
    } else {
        0.0
    };
    set(Num::Employees, Some(employees));
    set(Num::TechStaff, Some(tech));
    set(Num::RdStaff, Some(rd));
    set(
        Num::PhdStaff,
        Some((rd * rng.random_range(0.0..0.08)).round()),
    );
    set(Num::Revenue, money(revenue));
    set(
        Num::MainBusinessRevenue,
        money(revenue * rng.random_range(0.65..1.0)),
    );
    set(Num::HightechRevenue, money(hightech));
    set(Num::TotalAssets, money(assets));
    set(
        Num::TotalLiabilities,
        money(assets * rng.random_range(0.15..0.85)),
    );
    set(
        Num::NetProfit,
        money(revenue * (0.06 + 0.02 * q + 0.07 * normal.sample(rng))),
    );
    set(Num::TaxPaid, money(revenue * rng.random_range(0.01..0.06)));
    set(Num::RdExpense, money(rd_expense));
    set(
        Num::RdExpenseDomestic,
        money(rd_expense * rng.random_range(0.85..1.0)),
    );
    set(Num::TotalCostExpense, money(costs.max(rd_expense)));
    set(
        Num::GovFunding,
        money(if rng.random::<f64>() < 0.15 + 0.1 * q.max(0.0) {
            rd_expense * rng.random_range(0.05..0.3)
        } else {
            0.0
        }),
    );
    set(
        Num::EquityFinancing,
        money(if rng.random::<f64>() < 0.06 {
            revenue * rng.random_range(0.1..1.5)
        } else {
            0.0
        }),
    );
    set(Num::InventionPatentsGranted, Some(granted));
    set(Num::InventionPatentsValid, Some(invents));
    set(
        Num::UtilityModelsValid,
        Some(poisson((1.0 + 0.6 * q).exp(), rng)),
    );
    set(Num::DesignsValid, Some(poisson(0.4, rng)));
    set(
        Num::SoftwareCopyrights,
        Some(poisson(
            if f.industry.section() == 'I' {
                6.0
            } else {
                1.0
            } * (0.5 * q).exp(),
            rng,
        )),
    );
    set(Num::OtherClass1Ip, Some(poisson(0.05, rng)));
    set(Num::PctApplications, Some(poisson(0.1 * (q).exp(), rng)));
    set(Num::StandardsInternational, Some(poisson(0.005, rng)));
    set(Num::StandardsNational, Some(poisson(0.03 * (q).exp(), rng)));
    set(Num::StandardsIndustry, Some(poisson(0.06 * (q).exp(), rng)));
    set(Num::TechContractTurnover, money(tech_contract));
    set(
        Num::AchievementsConverted,
        Some(poisson((0.2 + 0.6 * q).exp() * 0.8, rng)),
    );
    set(
        Num::NewProductRevenue,
        money(revenue * (0.15 + 0.1 * q).clamp(0.0, 0.9) * rng.random_range(0.3..1.0)),
    );
    set(Num::AwardsNational, Some(poisson(0.003 * (q).exp(), rng)));
    set(Num::AwardsProvincial, Some(poisson(0.03 * (q).exp(), rng)));
    let age = (year - chrono::Datelike::year(&f.founded)).max(0);
    set(
        Num::NicheYears,
        Some(f64::from(age.min(rng.random_range(0..=age.max(0) + 1)))),
    );
    set(
        Num::DigitalMaturityLevel,
        Some(f64::from(
            (1.5 + q + normal.sample(rng)).clamp(0.0, 5.0).round() as i32,
        )),
    );
    set(Num::QualityCertifications, Some(poisson(1.0, rng)));
    set(
        Num::MarketShare,
        Some(
            ((0.5 + q).exp() * rng.random_range(0.2..2.0))
                .min(60.0)
                .round(),
        ),
    );
    set(Num::UnivCollabProjects, Some(poisson((q - 0.3).exp(), rng)));
    let jjj_partners = if f.jjj { 1.0 + poisson(1.5, rng) } else { 0.0 };
    set(Num::JjjPartners, Some(jjj_partners));
    set(
        Num::JjjContractTurnover,
        money(if jjj_partners > 0.0 {
            tech_contract * rng.random_range(0.0..0.6)
        } else {
            0.0
        }),
    );

    let rd_share = if revenue > 0.0 {
        rd_expense / revenue
    } else {
        0.0
    };
    let until = |held: bool, years: i32| {
        held.then(|| NaiveDate::from_ymd_opt(year + years, 12, 31))
            .flatten()
    };
    let hnte = f.field.is_some()
        && rd_share >= 0.03
        && hightech >= 0.6 * revenue
        && invents >= 1.0
        && q > -0.2;
    let small = employees <= 500.0 && revenue <= 20_000.0;
    SurveyRecord {
        credit_code: f.code.clone(),
        name: f.name.clone(),
        region_code: f.region.clone(),
        park: f.park.clone(),
        industry_code: f.industry.clone(),
        tech_field: f.field,
        founded_on: f.founded,
        year,
        values: v,
        rd_institution_level: match q {
            q if q > 2.0 => RdInstitutionLevel::National,
            q if q > 1.2 => RdInstitutionLevel::Provincial,
            q if q > 0.5 => RdInstitutionLevel::City,
            _ => RdInstitutionLevel::None,
        },
        incubation_stage: (age < 3)
            .then_some(IncubationStage::Incubator)
            .or((age < 6 && f.park.is_some()).then_some(IncubationStage::Accelerator)),
        titles: Titles {
            hnte: until(hnte, 2),
            tech_sme: until(small && (rd_share >= 0.03 || invents > 0.0), 0),
            innovative_sme: until(small && q > 0.3, 2),
            specialised_sme: until(small && q > 1.0 && age >= 2, 2),
            little_giant: until(q > 2.2 && age >= 3, 2),
        },
        consent_bank: f.consent,
    }
}

/// Puts one error into a row's cells.
type Fault = fn(&mut HashMap<Field, String>);

/// Rows with the errors real surveys contain, each with a description: a negative amount, R&D staff
/// above employees, a mistyped credit code, a year out of range, text in a number cell, an unknown
/// district, high-tech revenue above revenue.
pub fn corrupted_rows(
    records: &[SurveyRecord],
    seed: u64,
) -> Vec<(String, HashMap<Field, String>)> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let cells = |r: &SurveyRecord| -> HashMap<Field, String> {
        Field::all()
            .into_iter()
            .map(|f| {
                let v = match f {
                    Field::Text(t) => r.text(t),
                    Field::Num(n) => r.get(n).map(|x| x.to_string()).unwrap_or_default(),
                };
                (f, v)
            })
            .collect()
    };
    let faults: [(&str, Fault); 7] = [
        ("研发费用为负", |c| {
            c.insert(Field::Num(Num::RdExpense), "-35.5".into());
        }),
        ("研发人员多于从业人员", |c| {
            let e: f64 = c
                .get(&Field::Num(Num::Employees))
                .and_then(|v| v.parse().ok())
                .unwrap_or(10.0);
            c.insert(Field::Num(Num::RdStaff), (e + 5.0).to_string());
        }),
        ("信用代码含非法字符", |c| {
            let code = c
                .get(&Field::Text(Text::CreditCode))
                .cloned()
                .unwrap_or_default();
            c.insert(Field::Text(Text::CreditCode), code.replacen('A', "O", 1));
        }),
        ("调查年度超出范围", |c| {
            c.insert(Field::Text(Text::Year), "2099".into());
        }),
        ("数字格里填了文字", |c| {
            c.insert(Field::Num(Num::Revenue), "约5000".into());
        }),
        ("不存在的区县", |c| {
            c.insert(Field::Text(Text::RegionCode), "120199".into());
        }),
        ("高新收入超过营业收入", |c| {
            let r: f64 = c
                .get(&Field::Num(Num::Revenue))
                .and_then(|v| v.parse().ok())
                .unwrap_or(100.0);
            c.insert(Field::Num(Num::HightechRevenue), (r * 1.5).to_string());
        }),
    ];
    let mut out = Vec::new();
    if records.is_empty() {
        return out;
    }
    for (what, fault) in faults {
        let r = &records[rng.random_range(0..records.len())];
        let mut c = cells(r);
        fault(&mut c);
        out.push((what.to_string(), c));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use kechuang_domain::{ParseContext, parse_record};

    use super::*;

    #[test]
    fn every_generated_record_passes_validation() {
        let spec = RegionSpec {
            enterprises: 400,
            ..RegionSpec::default()
        };
        let records = region(&spec);
        assert!(records.len() > 1000, "{}", records.len());
        let cx = ParseContext {
            max_year: 2026,
            jump_factor: None,
        };
        for r in &records {
            let cells: HashMap<Field, String> = Field::all()
                .into_iter()
                .map(|f| {
                    (
                        f,
                        match f {
                            Field::Text(t) => r.text(t),
                            Field::Num(n) => r.get(n).map(|x| x.to_string()).unwrap_or_default(),
                        },
                    )
                })
                .collect();
            let (parsed, issues) = parse_record(&cells, &cx);
            let errors: Vec<_> = issues
                .iter()
                .filter(|i| i.severity == kechuang_domain::Severity::Error)
                .collect();
            assert!(
                errors.is_empty(),
                "{} {}: {errors:?}",
                r.credit_code,
                r.year
            );
            assert_eq!(parsed.as_ref(), Some(r), "text round trip");
        }
        let keys: HashSet<(&str, i32)> = records
            .iter()
            .map(|r| (r.credit_code.as_str(), r.year))
            .collect();
        assert_eq!(
            keys.len(),
            records.len(),
            "one record per enterprise and year"
        );
    }

    #[test]
    fn deterministic_and_realistic() {
        let spec = RegionSpec {
            enterprises: 2000,
            ..RegionSpec::default()
        };
        let a = region(&spec);
        assert_eq!(a, region(&spec));
        let y = a.iter().filter(|r| r.year == 2025).collect::<Vec<_>>();
        let binhai = y
            .iter()
            .filter(|r| r.region_code.as_str() == "120116")
            .count() as f64
            / y.len() as f64;
        assert!((0.22..0.38).contains(&binhai), "Binhai is dense: {binhai}");
        let no_patents = y
            .iter()
            .filter(|r| r.get(Num::InventionPatentsValid) == Some(0.0))
            .count() as f64
            / y.len() as f64;
        assert!(
            (0.25..0.75).contains(&no_patents),
            "patents are zero-inflated: {no_patents}"
        );
        let born = a
            .iter()
            .filter(|r| chrono::Datelike::year(&r.founded_on) >= 2022)
            .map(|r| r.credit_code.as_str())
            .collect::<HashSet<_>>();
        assert!(!born.is_empty(), "births during the panel");
        let in_2021: HashSet<_> = a
            .iter()
            .filter(|r| r.year == 2021)
            .map(|r| r.credit_code.as_str())
            .collect();
        let in_2025: HashSet<_> = y.iter().map(|r| r.credit_code.as_str()).collect();
        assert!(
            in_2021.difference(&in_2025).count() > 0,
            "exits during the panel"
        );
    }

    #[test]
    fn corrupted_rows_fail_validation() {
        let records = region(&RegionSpec {
            enterprises: 50,
            ..RegionSpec::default()
        });
        let cx = ParseContext {
            max_year: 2026,
            jump_factor: None,
        };
        for (what, cells) in corrupted_rows(&records, 1) {
            let (parsed, _) = parse_record(&cells, &cx);
            assert!(parsed.is_none(), "{what} should fail");
        }
    }
}
