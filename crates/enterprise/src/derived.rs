//! Indicators derived from survey fields (ratios, per-staff rates, growth over the previous year,
//! log-scaled amounts), documented in `docs/framework.md`. Missing inputs give a missing value.

use kechuang_domain::{Num, SurveyRecord};

/// One derived indicator.
pub struct Derived {
    /// Column code.
    pub code: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// The formula, for documentation.
    pub formula: &'static str,
    /// Computes it from the year's record and the previous year's, if any.
    pub compute: fn(&SurveyRecord, Option<&SurveyRecord>) -> Option<f64>,
}

fn g(r: &SurveyRecord, n: Num) -> Option<f64> {
    r.get(n)
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b * 100.0),
        _ => None,
    }
}

fn growth(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    match (now, before) {
        (Some(a), Some(b)) if b > 0.0 => Some((a / b - 1.0) * 100.0),
        _ => None,
    }
}

fn sum(r: &SurveyRecord, fields: &[Num]) -> Option<f64> {
    fields.iter().map(|&n| r.get(n)).sum()
}

fn ln1p(v: Option<f64>) -> Option<f64> {
    v.filter(|v| *v >= 0.0).map(f64::ln_1p)
}

use Num::*;

/// Every derived indicator.
pub static DERIVED: &[Derived] = &[
    Derived {
        code: "rd_intensity",
        zh: "研发投入强度",
        en: "R&D intensity",
        unit: "%",
        formula: "rd_expense / revenue × 100",
        compute: |r, _| ratio(g(r, RdExpense), g(r, Revenue)),
    },
    Derived {
        code: "rd_staff_share",
        zh: "研发人员占比",
        en: "R&D staff share",
        unit: "%",
        formula: "rd_staff / employees × 100",
        compute: |r, _| ratio(g(r, RdStaff), g(r, Employees)),
    },
    Derived {
        code: "tech_staff_share",
        zh: "科技人员占比",
        en: "Technology staff share",
        unit: "%",
        formula: "tech_staff / employees × 100",
        compute: |r, _| ratio(g(r, TechStaff), g(r, Employees)),
    },
    Derived {
        code: "rd_growth",
        zh: "研发费用增长率",
        en: "R&D expense growth",
        unit: "%",
        formula: "(rd_expense / previous year's − 1) × 100",
        compute: |r, p| growth(g(r, RdExpense), p.and_then(|p| g(p, RdExpense))),
    },
    Derived {
        code: "rd_institution",
        zh: "研发机构级别",
        en: "R&D institution level",
        unit: "0–3",
        formula: "none 0, city 1, provincial 2, national 3",
        compute: |r, _| Some(f64::from(r.rd_institution_level as u8)),
    },
    Derived {
        code: "invention_patents_per_100",
        zh: "每百名从业人员有效发明专利",
        en: "Valid invention patents per 100 employees",
        unit: "件/百人",
        formula: "invention_patents_valid / employees × 100",
        compute: |r, _| ratio(g(r, InventionPatentsValid), g(r, Employees)),
    },
    Derived {
        code: "class1_ip",
        zh: "Ⅰ类知识产权",
        en: "Class-I IP",
        unit: "件",
        formula: "invention_patents_valid + other_class1_ip",
        compute: |r, _| sum(r, &[InventionPatentsValid, OtherClass1Ip]),
    },
    Derived {
        code: "class2_ip",
        zh: "Ⅱ类知识产权",
        en: "Class-II IP",
        unit: "件",
        formula: "utility_models_valid + designs_valid + software_copyrights",
        compute: |r, _| sum(r, &[UtilityModelsValid, DesignsValid, SoftwareCopyrights]),
    },
    Derived {
        code: "standards_led",
        zh: "主导制定标准数",
        en: "Standards led",
        unit: "项",
        formula: "international + national + industry standards led",
        compute: |r, _| {
            sum(
                r,
                &[StandardsInternational, StandardsNational, StandardsIndustry],
            )
        },
    },
    Derived {
        code: "new_product_share",
        zh: "新产品销售收入占比",
        en: "New-product revenue share",
        unit: "%",
        formula: "new_product_revenue / revenue × 100",
        compute: |r, _| ratio(g(r, NewProductRevenue), g(r, Revenue)),
    },
    Derived {
        code: "hightech_share",
        zh: "高新技术产品收入占比",
        en: "High-tech revenue share",
        unit: "%",
        formula: "hightech_revenue / revenue × 100",
        compute: |r, _| ratio(g(r, HightechRevenue), g(r, Revenue)),
    },
    Derived {
        code: "tech_contract_log",
        zh: "技术合同成交额 (对数)",
        en: "Technology-contract turnover (log)",
        unit: "ln(1+万元)",
        formula: "ln(1 + tech_contract_turnover)",
        compute: |r, _| ln1p(g(r, TechContractTurnover)),
    },
    Derived {
        code: "revenue_growth",
        zh: "营业收入增长率",
        en: "Revenue growth",
        unit: "%",
        formula: "(revenue / previous year's − 1) × 100",
        compute: |r, p| growth(g(r, Revenue), p.and_then(|p| g(p, Revenue))),
    },
    Derived {
        code: "net_margin",
        zh: "净利润率",
        en: "Net margin",
        unit: "%",
        formula: "net_profit / revenue × 100",
        compute: |r, _| ratio(g(r, NetProfit), g(r, Revenue)),
    },
    Derived {
        code: "debt_ratio",
        zh: "资产负债率",
        en: "Debt ratio",
        unit: "%",
        formula: "total_liabilities / total_assets × 100",
        compute: |r, _| ratio(g(r, TotalLiabilities), g(r, TotalAssets)),
    },
    Derived {
        code: "equity_financing_log",
        zh: "股权融资额 (对数)",
        en: "Equity financing (log)",
        unit: "ln(1+万元)",
        formula: "ln(1 + equity_financing)",
        compute: |r, _| ln1p(g(r, EquityFinancing)),
    },
    Derived {
        code: "jjj_turnover_log",
        zh: "京冀技术合同成交额 (对数)",
        en: "Technology contracts with Beijing or Hebei (log)",
        unit: "ln(1+万元)",
        formula: "ln(1 + jjj_contract_turnover)",
        compute: |r, _| ln1p(g(r, JjjContractTurnover)),
    },
];
