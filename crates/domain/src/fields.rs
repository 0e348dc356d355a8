//! The survey's fields: one catalogue with each field's key, Chinese and English label, unit and rule.
//!
//! Numeric fields are listed once, in [`NUMERIC`], and named by [`Num`]; import, export, templates and
//! storage all walk this catalogue, so a new field is added in one place.

use serde::Serialize;

/// The kind of a numeric field, which decides its validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A whole number ≥ 0 (people, patents, projects).
    Count,
    /// An amount in ¥10k (万元) ≥ 0.
    Money,
    /// An amount in ¥10k that may be negative (profit).
    SignedMoney,
    /// A percentage within [0, 100].
    Percent,
    /// A whole number within [min, max].
    Level {
        /// Smallest allowed value.
        min: i32,
        /// Largest allowed value.
        max: i32,
    },
}

/// One numeric field of the survey record.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FieldSpec {
    /// Stable English key (column name in files and databases).
    pub key: &'static str,
    /// Chinese label (template header).
    pub zh: &'static str,
    /// English label.
    pub en: &'static str,
    /// Unit, for headers and documentation (Chinese).
    pub unit: &'static str,
    /// Validation kind.
    pub kind: Kind,
    /// The section of the survey form it belongs to.
    pub section: &'static str,
}

macro_rules! numeric_fields {
    ($($variant:ident => $key:literal, $zh:literal, $en:literal, $unit:literal, $kind:expr, $section:literal;)*) => {
        /// A numeric survey field; `Num::X as usize` indexes [`NUMERIC`] and a record's values.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(missing_docs)]
        pub enum Num { $($variant),* }

        impl Num {
            /// Every numeric field, in catalogue order.
            pub const ALL: &'static [Num] = &[$(Num::$variant),*];
            /// How many numeric fields there are.
            pub const COUNT: usize = Num::ALL.len();
        }

        /// The catalogue of numeric fields, in [`Num`] order.
        pub static NUMERIC: &[FieldSpec] = &[
            $(FieldSpec { key: $key, zh: $zh, en: $en, unit: $unit, kind: $kind, section: $section }),*
        ];
    };
}

use Kind::{Count, Level, Money, Percent, SignedMoney};

numeric_fields! {
    Employees => "employees", "从业人员", "Employees", "人", Count, "people";
    TechStaff => "tech_staff", "科技人员", "Technology staff", "人", Count, "people";
    RdStaff => "rd_staff", "研发人员", "R&D staff", "人", Count, "people";
    PhdStaff => "phd_staff", "博士人员", "Staff with a doctorate", "人", Count, "people";
    Revenue => "revenue", "营业收入", "Revenue", "万元", Money, "finance";
    MainBusinessRevenue => "main_business_revenue", "主营业务收入", "Main-business revenue", "万元", Money, "finance";
    HightechRevenue => "hightech_revenue", "高新技术产品(服务)收入", "High-tech products and services revenue", "万元", Money, "finance";
    TotalAssets => "total_assets", "资产总额", "Total assets", "万元", Money, "finance";
    TotalLiabilities => "total_liabilities", "负债总额", "Total liabilities", "万元", Money, "finance";
    NetProfit => "net_profit", "净利润", "Net profit", "万元", SignedMoney, "finance";
    TaxPaid => "tax_paid", "实缴税金", "Tax paid", "万元", Money, "finance";
    RdExpense => "rd_expense", "研发费用", "R&D expense", "万元", Money, "finance";
    RdExpenseDomestic => "rd_expense_domestic", "境内研发费用", "R&D expense in China", "万元", Money, "finance";
    TotalCostExpense => "total_cost_expense", "成本费用总额", "Total costs and expenses", "万元", Money, "finance";
    GovFunding => "gov_funding", "政府科技资金", "Government S&T funding", "万元", Money, "finance";
    EquityFinancing => "equity_financing", "股权融资额", "Equity financing", "万元", Money, "finance";
    InventionPatentsGranted => "invention_patents_granted", "当年发明专利授权数", "Invention patents granted this year", "件", Count, "output";
    InventionPatentsValid => "invention_patents_valid", "有效发明专利数", "Valid invention patents", "件", Count, "output";
    UtilityModelsValid => "utility_models_valid", "有效实用新型专利数", "Valid utility models", "件", Count, "output";
    DesignsValid => "designs_valid", "有效外观设计专利数", "Valid design patents", "件", Count, "output";
    SoftwareCopyrights => "software_copyrights", "软件著作权数", "Software copyrights", "件", Count, "output";
    OtherClass1Ip => "other_class1_ip", "其他Ⅰ类知识产权数", "Other class-I IP", "件", Count, "output";
    PctApplications => "pct_applications", "PCT专利申请数", "PCT applications", "件", Count, "output";
    StandardsInternational => "standards_international", "主导制定国际标准数", "International standards led", "项", Count, "output";
    StandardsNational => "standards_national", "主导制定国家标准数", "National standards led", "项", Count, "output";
    StandardsIndustry => "standards_industry", "主导制定行业标准数", "Industry standards led", "项", Count, "output";
    TechContractTurnover => "tech_contract_turnover", "技术合同成交额", "Technology-contract turnover", "万元", Money, "output";
    AchievementsConverted => "achievements_converted", "科技成果转化数", "Research results converted", "项", Count, "output";
    NewProductRevenue => "new_product_revenue", "新产品销售收入", "New-product revenue", "万元", Money, "output";
    AwardsNational => "awards_national", "国家级科技奖励数", "National S&T awards", "项", Count, "capability";
    AwardsProvincial => "awards_provincial", "省级科技奖励数", "Provincial S&T awards", "项", Count, "capability";
    NicheYears => "niche_years", "细分领域从业年限", "Years in the niche market", "年", Count, "capability";
    DigitalMaturityLevel => "digital_maturity_level", "数字化水平等级", "Digital maturity level", "级", Level { min: 0, max: 5 }, "capability";
    QualityCertifications => "quality_certifications", "质量管理体系认证数", "Quality certifications", "项", Count, "capability";
    MarketShare => "market_share", "细分市场占有率", "Niche market share", "%", Percent, "capability";
    UnivCollabProjects => "univ_collab_projects", "产学研合作项目数", "University collaboration projects", "项", Count, "collaboration";
    JjjPartners => "jjj_partners", "京冀合作伙伴数", "Partners in Beijing or Hebei", "家", Count, "collaboration";
    JjjContractTurnover => "jjj_contract_turnover", "京冀技术合同成交额", "Technology contracts with Beijing or Hebei", "万元", Money, "collaboration";
}

impl Num {
    /// The field's catalogue entry.
    pub fn spec(self) -> &'static FieldSpec {
        &NUMERIC[self as usize]
    }

    /// The field with this English key.
    pub fn from_key(key: &str) -> Option<Num> {
        Num::ALL.iter().copied().find(|n| n.spec().key == key)
    }
}

/// A non-numeric field of the survey record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Text {
    /// 统一社会信用代码.
    CreditCode,
    /// 企业名称.
    Name,
    /// 行政区划代码.
    RegionCode,
    /// 所在园区.
    Park,
    /// 国民经济行业代码.
    IndustryCode,
    /// 高新技术领域.
    TechField,
    /// 成立日期.
    FoundedOn,
    /// 调查年度.
    Year,
    /// 研发机构级别.
    RdInstitutionLevel,
    /// 孵化阶段.
    IncubationStage,
    /// 高新技术企业有效期至.
    HnteUntil,
    /// 科技型中小企业有效期至.
    TechSmeUntil,
    /// 创新型中小企业有效期至.
    InnovativeSmeUntil,
    /// 专精特新中小企业有效期至.
    SpecialisedSmeUntil,
    /// 专精特新"小巨人"有效期至.
    LittleGiantUntil,
    /// 同意向合作银行提供数据.
    ConsentBank,
}

/// A non-numeric field's labels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TextSpec {
    /// The field.
    pub field: Text,
    /// Stable English key.
    pub key: &'static str,
    /// Chinese label.
    pub zh: &'static str,
    /// English label.
    pub en: &'static str,
    /// Must be filled.
    pub required: bool,
    /// How to fill it, for the template's notes.
    pub hint: &'static str,
}

/// The non-numeric fields, in template order.
pub static TEXT: &[TextSpec] = &[
    TextSpec {
        field: Text::CreditCode,
        key: "credit_code",
        zh: "统一社会信用代码",
        en: "Unified social credit code",
        required: true,
        hint: "18位, GB 32100-2015",
    },
    TextSpec {
        field: Text::Name,
        key: "name",
        zh: "企业名称",
        en: "Enterprise name",
        required: true,
        hint: "营业执照上的名称",
    },
    TextSpec {
        field: Text::RegionCode,
        key: "region_code",
        zh: "行政区划代码",
        en: "Region code",
        required: true,
        hint: "6位代码或区名, 如 120116 或 滨海新区",
    },
    TextSpec {
        field: Text::Park,
        key: "park",
        zh: "所在园区",
        en: "Park",
        required: false,
        hint: "如 天津滨海高新区",
    },
    TextSpec {
        field: Text::IndustryCode,
        key: "industry_code",
        zh: "国民经济行业代码",
        en: "Industry code (GB/T 4754-2017)",
        required: true,
        hint: "门类字母加2-4位数字, 如 C3911",
    },
    TextSpec {
        field: Text::TechField,
        key: "tech_field",
        zh: "高新技术领域",
        en: "High-tech field",
        required: false,
        hint: "八大领域之一",
    },
    TextSpec {
        field: Text::FoundedOn,
        key: "founded_on",
        zh: "成立日期",
        en: "Founded on",
        required: true,
        hint: "YYYY-MM-DD",
    },
    TextSpec {
        field: Text::Year,
        key: "year",
        zh: "调查年度",
        en: "Survey year",
        required: true,
        hint: "如 2025",
    },
    TextSpec {
        field: Text::RdInstitutionLevel,
        key: "rd_institution_level",
        zh: "研发机构级别",
        en: "R&D institution level",
        required: false,
        hint: "无/市级/省级/国家级",
    },
    TextSpec {
        field: Text::IncubationStage,
        key: "incubation_stage",
        zh: "孵化阶段",
        en: "Incubation stage",
        required: false,
        hint: "众创空间/孵化器/加速器/产业园区",
    },
    TextSpec {
        field: Text::HnteUntil,
        key: "hnte_until",
        zh: "高新技术企业有效期至",
        en: "HNTE certificate valid until",
        required: false,
        hint: "YYYY-MM-DD, 无则留空",
    },
    TextSpec {
        field: Text::TechSmeUntil,
        key: "tech_sme_until",
        zh: "科技型中小企业有效期至",
        en: "Tech-SME registration valid until",
        required: false,
        hint: "YYYY-MM-DD",
    },
    TextSpec {
        field: Text::InnovativeSmeUntil,
        key: "innovative_sme_until",
        zh: "创新型中小企业有效期至",
        en: "Innovative SME valid until",
        required: false,
        hint: "YYYY-MM-DD",
    },
    TextSpec {
        field: Text::SpecialisedSmeUntil,
        key: "specialised_sme_until",
        zh: "专精特新中小企业有效期至",
        en: "Specialised SME valid until",
        required: false,
        hint: "YYYY-MM-DD",
    },
    TextSpec {
        field: Text::LittleGiantUntil,
        key: "little_giant_until",
        zh: "专精特新小巨人有效期至",
        en: "Little giant valid until",
        required: false,
        hint: "YYYY-MM-DD",
    },
    TextSpec {
        field: Text::ConsentBank,
        key: "consent_bank",
        zh: "同意向合作银行提供数据",
        en: "Consents to share with partner banks",
        required: false,
        hint: "是/否",
    },
];

impl Text {
    /// How many text fields there are (the last variant's index and one).
    pub const COUNT: usize = Text::ConsentBank as usize + 1;

    /// The field's catalogue entry.
    pub fn spec(self) -> &'static TextSpec {
        TEXT.iter().find(|t| t.field == self).unwrap_or(&TEXT[0])
    }
}

/// A column of the survey, numeric or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Field {
    /// A text, code, date or flag field.
    Text(Text),
    /// A numeric field.
    Num(Num),
}

impl Field {
    /// How many fields there are.
    pub const COUNT: usize = Text::COUNT + Num::COUNT;

    /// A dense index below [`Field::COUNT`]: text fields in declaration order, then numeric ones
    /// (for readers that look cells up by field millions of times).
    pub fn ordinal(self) -> usize {
        match self {
            Field::Text(t) => t as usize,
            Field::Num(n) => Text::COUNT + n as usize,
        }
    }

    /// Every field in template order: identity and status fields, then the numeric ones.
    pub fn all() -> Vec<Field> {
        TEXT.iter()
            .map(|t| Field::Text(t.field))
            .chain(Num::ALL.iter().map(|&n| Field::Num(n)))
            .collect()
    }

    /// Stable English key.
    pub fn key(self) -> &'static str {
        match self {
            Field::Text(t) => t.spec().key,
            Field::Num(n) => n.spec().key,
        }
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Field::Text(t) => t.spec().zh,
            Field::Num(n) => n.spec().zh,
        }
    }

    /// English label.
    pub fn en(self) -> &'static str {
        match self {
            Field::Text(t) => t.spec().en,
            Field::Num(n) => n.spec().en,
        }
    }

    /// The template header: the Chinese label with the unit, e.g. `研发费用(万元)`.
    pub fn header_zh(self) -> String {
        match self {
            Field::Text(t) => t.spec().zh.to_string(),
            Field::Num(n) => format!("{}({})", n.spec().zh, n.spec().unit),
        }
    }

    /// Finds a field by any accepted header: the English key, the English label, the Chinese label with
    /// or without its unit in half- or full-width brackets.
    pub fn from_header(header: &str) -> Option<Field> {
        let h = header.trim().trim_start_matches('\u{feff}');
        let bare = h.split(['(', '（']).next().unwrap_or(h).trim();
        Field::all().into_iter().find(|f| {
            f.key() == h
                || f.en().eq_ignore_ascii_case(h)
                || f.zh() == h
                || f.zh() == bare
                || f.header_zh() == h
        })
    }
}

/// A unit as the survey and the rule files write it (万元, 人 …), in English.
pub fn unit_en(zh: &str) -> &str {
    match zh {
        "万元" => "×10k yuan",
        "分" => "points",
        "人" => "people",
        "件" | "项" => "items",
        "家" => "firms",
        "年" => "years",
        "级" => "level",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_consistent() {
        assert_eq!(NUMERIC.len(), Num::COUNT);
        assert_eq!(TEXT.len(), Text::COUNT);
        let mut ordinals: Vec<usize> = Field::all().into_iter().map(Field::ordinal).collect();
        ordinals.sort_unstable();
        assert_eq!(ordinals, (0..Field::COUNT).collect::<Vec<_>>());
        for (i, n) in Num::ALL.iter().enumerate() {
            assert_eq!(*n as usize, i);
        }
        let mut keys: Vec<&str> = Field::all().iter().map(|f| f.key()).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "keys are unique");
    }

    #[test]
    fn headers_in_chinese_or_english() {
        assert_eq!(
            Field::from_header("研发费用(万元)"),
            Some(Field::Num(Num::RdExpense))
        );
        assert_eq!(
            Field::from_header("研发费用（万元）"),
            Some(Field::Num(Num::RdExpense))
        );
        assert_eq!(
            Field::from_header("研发费用"),
            Some(Field::Num(Num::RdExpense))
        );
        assert_eq!(
            Field::from_header("rd_expense"),
            Some(Field::Num(Num::RdExpense))
        );
        assert_eq!(
            Field::from_header("R&D expense"),
            Some(Field::Num(Num::RdExpense))
        );
        assert_eq!(
            Field::from_header("统一社会信用代码"),
            Some(Field::Text(Text::CreditCode))
        );
        assert_eq!(Field::from_header("nonsense"), None);
    }
}
