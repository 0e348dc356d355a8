//! Official codes as checked newtypes: holding one means the value is well-formed.
//!
//! - [`CreditCode`] 统一社会信用代码 (GB 32100-2015), with the check character.
//! - [`RegionCode`] 行政区划代码 (GB/T 2260) for Tianjin's districts, Beijing and Hebei.
//! - [`IndustryCode`] 国民经济行业分类 (GB/T 4754-2017), section consistent with division.
//! - [`TechField`] 高新技术领域, the 8 state-supported high-tech fields.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CodeError(pub String);

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// 统一社会信用代码: the 18-character national enterprise identifier (GB 32100-2015).
///
/// A well-formed code whose check character does not match is still accepted (early pilot codes are
/// legitimate and fail the checksum); [`CreditCode::checksum_ok`] says whether to flag it for review.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code (surrounding blanks and lower case are tolerated).
    pub fn parse(text: &str) -> Result<CreditCode, CodeError> {
        let code = text.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(CodeError(format!(
                "must have 18 characters, has {}",
                code.chars().count()
            )));
        }
        if let Some(bad) = code.bytes().find(|b| !CREDIT_ALPHABET.contains(b)) {
            return Err(CodeError(format!(
                "character '{}' is not allowed (letters I, O, S, V, Z never appear)",
                bad as char
            )));
        }
        Ok(CreditCode(code))
    }

    /// Completes 17 characters with their check character (used to issue synthetic codes).
    pub fn complete(body: &str) -> Result<CreditCode, CodeError> {
        if body.len() != 17 {
            return Err(CodeError(format!(
                "a code body has 17 characters, not {}",
                body.len()
            )));
        }
        let partial = CreditCode::parse(&format!("{body}0"))?;
        let check = partial.expected_check();
        Ok(CreditCode(format!("{}{check}", &partial.0[..17])))
    }

    /// The check character the first 17 characters call for.
    pub fn expected_check(&self) -> char {
        let sum: u32 = self.0.as_bytes()[..17]
            .iter()
            .zip(CREDIT_WEIGHTS)
            .map(|(b, w)| value(*b) * w)
            .sum();
        let check = (31 - sum % 31) % 31;
        CREDIT_ALPHABET[check as usize] as char
    }

    /// Whether the 18th character is the check character.
    pub fn checksum_ok(&self) -> bool {
        self.0.as_bytes()[17] as char == self.expected_check()
    }

    /// The six-digit administrative division embedded at positions 3–8.
    pub fn region_part(&self) -> &str {
        &self.0[2..8]
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value(b: u8) -> u32 {
    CREDIT_ALPHABET.iter().position(|&a| a == b).unwrap_or(0) as u32
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        CreditCode::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

/// Tianjin's 16 districts (GB/T 2260): code, Chinese name, English name.
pub const TIANJIN_DISTRICTS: [(&str, &str, &str); 16] = [
    ("120101", "和平区", "Heping"),
    ("120102", "河东区", "Hedong"),
    ("120103", "河西区", "Hexi"),
    ("120104", "南开区", "Nankai"),
    ("120105", "河北区", "Hebei District"),
    ("120106", "红桥区", "Hongqiao"),
    ("120110", "东丽区", "Dongli"),
    ("120111", "西青区", "Xiqing"),
    ("120112", "津南区", "Jinnan"),
    ("120113", "北辰区", "Beichen"),
    ("120114", "武清区", "Wuqing"),
    ("120115", "宝坻区", "Baodi"),
    ("120116", "滨海新区", "Binhai New Area"),
    ("120117", "宁河区", "Ninghe"),
    ("120118", "静海区", "Jinghai"),
    ("120119", "蓟州区", "Jizhou"),
];

/// Which part of 京津冀 a region belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Province {
    /// 北京.
    Beijing,
    /// 天津.
    Tianjin,
    /// 河北.
    Hebei,
}

impl Province {
    /// Every province of 京津冀.
    pub const ALL: [Province; 3] = [Province::Beijing, Province::Tianjin, Province::Hebei];

    /// The stable key.
    pub fn key(self) -> &'static str {
        ["beijing", "tianjin", "hebei"][self as usize]
    }

    /// The one-character abbreviation (京, 津, 冀).
    pub fn abbr(self) -> &'static str {
        ["京", "津", "冀"][self as usize]
    }

    /// 京/津/冀, 北京/天津/河北, the keys, or a GB/T 2260 code (11…, 12…, 13…).
    pub fn parse(s: &str) -> Option<Province> {
        let t = s.trim();
        Province::ALL.into_iter().find(|p| {
            t == p.key()
                || t == p.abbr()
                || t.starts_with(["北京", "天津", "河北"][*p as usize])
                || (t.len() >= 2
                    && t.bytes().all(|b| b.is_ascii_digit())
                    && &t[..2] == ["11", "12", "13"][*p as usize])
        })
    }

    /// How near two provinces are, for matching: the same one 1, another in 京津冀 0.6 (the three
    /// border each other).
    pub fn proximity(self, other: Province) -> f64 {
        if self == other { 1.0 } else { 0.6 }
    }
}

/// 行政区划代码: a six-digit division in Tianjin (one of its 16 districts), Beijing (11xxxx) or Hebei (13xxxx).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a region code.
    pub fn parse(text: &str) -> Result<RegionCode, CodeError> {
        let code = text.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError("must be 6 digits (GB/T 2260)".into()));
        }
        match &code[..2] {
            "12" if TIANJIN_DISTRICTS.iter().any(|d| d.0 == code) => Ok(RegionCode(code.into())),
            "12" => Err(CodeError(
                "is not one of Tianjin's 16 districts (120101–120119)".into(),
            )),
            "11" | "13" => Ok(RegionCode(code.into())),
            _ => Err(CodeError(
                "is outside Beijing (11), Tianjin (12) and Hebei (13)".into(),
            )),
        }
    }

    /// Accepts a district's Chinese name (滨海新区) as well as its code.
    pub fn parse_name_or_code(text: &str) -> Result<RegionCode, CodeError> {
        let t = text.trim();
        match TIANJIN_DISTRICTS
            .iter()
            .find(|d| d.1 == t || d.1.trim_end_matches('区') == t)
        {
            Some(d) => Ok(RegionCode(d.0.into())),
            None => RegionCode::parse(t),
        }
    }

    /// Beijing, Tianjin or Hebei.
    pub fn province(&self) -> Province {
        match &self.0[..2] {
            "11" => Province::Beijing,
            "13" => Province::Hebei,
            _ => Province::Tianjin,
        }
    }

    /// The Tianjin district's Chinese name, if it is one.
    pub fn district_name(&self) -> Option<&'static str> {
        TIANJIN_DISTRICTS
            .iter()
            .find(|d| d.0 == self.0)
            .map(|d| d.1)
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        RegionCode::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

/// GB/T 4754-2017 sections and the divisions each covers.
pub const INDUSTRY_SECTIONS: [(char, u8, u8, &str); 20] = [
    ('A', 1, 5, "农、林、牧、渔业"),
    ('B', 6, 12, "采矿业"),
    ('C', 13, 43, "制造业"),
    ('D', 44, 46, "电力、热力、燃气及水生产和供应业"),
    ('E', 47, 50, "建筑业"),
    ('F', 51, 52, "批发和零售业"),
    ('G', 53, 60, "交通运输、仓储和邮政业"),
    ('H', 61, 62, "住宿和餐饮业"),
    ('I', 63, 65, "信息传输、软件和信息技术服务业"),
    ('J', 66, 69, "金融业"),
    ('K', 70, 70, "房地产业"),
    ('L', 71, 72, "租赁和商务服务业"),
    ('M', 73, 75, "科学研究和技术服务业"),
    ('N', 76, 79, "水利、环境和公共设施管理业"),
    ('O', 80, 82, "居民服务、修理和其他服务业"),
    ('P', 83, 83, "教育"),
    ('Q', 84, 85, "卫生和社会工作"),
    ('R', 86, 90, "文化、体育和娱乐业"),
    ('S', 91, 96, "公共管理、社会保障和社会组织"),
    ('T', 97, 97, "国际组织"),
];

/// The English names of the GB/T 4754-2017 sections, in the order of [`INDUSTRY_SECTIONS`].
pub const INDUSTRY_SECTIONS_EN: [(char, &str); 20] = [
    ('A', "Agriculture, forestry, animal husbandry and fishery"),
    ('B', "Mining"),
    ('C', "Manufacturing"),
    ('D', "Electricity, heat, gas and water supply"),
    ('E', "Construction"),
    ('F', "Wholesale and retail trade"),
    ('G', "Transport, storage and post"),
    ('H', "Accommodation and catering"),
    ('I', "Information transmission, software and IT services"),
    ('J', "Finance"),
    ('K', "Real estate"),
    ('L', "Leasing and business services"),
    ('M', "Scientific research and technical services"),
    (
        'N',
        "Water conservancy, environment and public facilities management",
    ),
    ('O', "Residential, repair and other services"),
    ('P', "Education"),
    ('Q', "Health and social work"),
    ('R', "Culture, sports and entertainment"),
    (
        'S',
        "Public administration, social security and social organisations",
    ),
    ('T', "International organisations"),
];

/// 国民经济行业分类 (GB/T 4754-2017): a section letter and a division (2 digits), group (3) or class (4).
/// Written `C3911`, `C39` or `3911` (the section is then implied by the division).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndustryCode(String);

impl IndustryCode {
    /// Parses a code; a given section letter must be the one its division belongs to.
    pub fn parse(text: &str) -> Result<IndustryCode, CodeError> {
        let t = text.trim().to_ascii_uppercase();
        let (letter, digits) = match t.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (Some(c), &t[1..]),
            _ => (None, t.as_str()),
        };
        if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeError(
                "must be a section letter with 2–4 digits, e.g. C3911".into(),
            ));
        }
        let division: u8 = digits[..2]
            .parse()
            .map_err(|_| CodeError("bad division".into()))?;
        let Some(section) = INDUSTRY_SECTIONS
            .iter()
            .find(|s| (s.1..=s.2).contains(&division))
        else {
            return Err(CodeError(format!(
                "division {division:02} does not exist in GB/T 4754-2017"
            )));
        };
        if let Some(l) = letter
            && l != section.0
        {
            return Err(CodeError(format!(
                "division {division:02} belongs to section {}, not {l}",
                section.0
            )));
        }
        Ok(IndustryCode(format!("{}{digits}", section.0)))
    }

    /// The section letter (A–T).
    pub fn section(&self) -> char {
        self.0.chars().next().unwrap_or('?')
    }

    /// The section's Chinese name.
    pub fn section_name(&self) -> &'static str {
        INDUSTRY_SECTIONS
            .iter()
            .find(|s| s.0 == self.section())
            .map_or("", |s| s.3)
    }

    /// The two-digit division.
    pub fn division(&self) -> &str {
        &self.0[1..3]
    }

    /// The code as text, with its section letter.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IndustryCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        IndustryCode::parse(&s)
    }
}

impl From<IndustryCode> for String {
    fn from(c: IndustryCode) -> String {
        c.0
    }
}

/// 高新技术领域: the 8 state-supported high-tech fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TechField {
    /// 电子信息.
    ElectronicInformation,
    /// 生物与新医药.
    BiologyMedicine,
    /// 航空航天.
    Aerospace,
    /// 新材料.
    NewMaterials,
    /// 高技术服务.
    HighTechServices,
    /// 新能源与节能.
    NewEnergy,
    /// 资源与环境.
    ResourcesEnvironment,
    /// 先进制造与自动化.
    AdvancedManufacturing,
}

impl TechField {
    /// All eight, in the official order.
    pub const ALL: [TechField; 8] = [
        TechField::ElectronicInformation,
        TechField::BiologyMedicine,
        TechField::Aerospace,
        TechField::NewMaterials,
        TechField::HighTechServices,
        TechField::NewEnergy,
        TechField::ResourcesEnvironment,
        TechField::AdvancedManufacturing,
    ];

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        [
            "电子信息",
            "生物与新医药",
            "航空航天",
            "新材料",
            "高技术服务",
            "新能源与节能",
            "资源与环境",
            "先进制造与自动化",
        ][self as usize]
    }

    /// English name.
    pub fn en(self) -> &'static str {
        [
            "Electronic information",
            "Biology and new medicine",
            "Aerospace",
            "New materials",
            "High-tech services",
            "New energy and energy saving",
            "Resources and environment",
            "Advanced manufacturing and automation",
        ][self as usize]
    }

    /// Stable English key.
    pub fn key(self) -> &'static str {
        [
            "electronic_information",
            "biology_medicine",
            "aerospace",
            "new_materials",
            "high_tech_services",
            "new_energy",
            "resources_environment",
            "advanced_manufacturing",
        ][self as usize]
    }

    /// Parses the Chinese name or the English key.
    pub fn parse(text: &str) -> Result<TechField, CodeError> {
        let t = text.trim();
        TechField::ALL
            .into_iter()
            .find(|f| f.zh() == t || f.key() == t)
            .ok_or_else(|| {
                CodeError(format!(
                    "is not one of the 8 high-tech fields ({})",
                    TechField::ALL.map(TechField::zh).join("、")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_credit_code_examples_pass_the_checksum() {
        for c in [
            "91310110666007217T",
            "91310115591693856A",
            "914403001922038216",
            "91440300708461136T",
        ] {
            let code = CreditCode::parse(c).expect("well-formed");
            assert!(
                code.checksum_ok(),
                "{c}: expected check {}",
                code.expected_check()
            );
        }
    }

    #[test]
    fn completing_a_body_gives_a_valid_code() {
        let c = CreditCode::complete("91120116MA05K1234").expect("body");
        assert!(c.checksum_ok());
        assert_eq!(c.region_part(), "120116");
        assert_eq!(
            CreditCode::complete("91310110666007217")
                .expect("official")
                .as_str(),
            "91310110666007217T"
        );
    }

    #[test]
    fn pilot_code_is_accepted_but_flagged() {
        let code = CreditCode::parse("91350100M0001TGQXM").expect("well-formed");
        assert!(!code.checksum_ok());
    }

    #[test]
    fn malformed_credit_codes_are_refused() {
        assert!(CreditCode::parse("9131011066600721").is_err(), "too short");
        let e = CreditCode::parse("91310110666007217O").expect_err("O");
        assert!(e.0.contains("'O'"), "{e}");
        assert_eq!(
            CreditCode::parse(" 91310110666007217t ")
                .expect("trimmed")
                .as_str(),
            "91310110666007217T"
        );
    }

    #[test]
    fn one_changed_character_breaks_the_checksum() {
        let code = CreditCode::parse("91310110666007217T").expect("ok");
        let mut bytes = code.as_str().as_bytes().to_vec();
        bytes[10] = if bytes[10] == b'1' { b'2' } else { b'1' };
        let changed =
            CreditCode::parse(std::str::from_utf8(&bytes).expect("ascii")).expect("well-formed");
        assert!(!changed.checksum_ok());
    }

    #[test]
    fn region_codes() {
        assert_eq!(
            RegionCode::parse("120116").expect("Binhai").district_name(),
            Some("滨海新区")
        );
        assert_eq!(
            RegionCode::parse_name_or_code("滨海新区")
                .expect("name")
                .as_str(),
            "120116"
        );
        assert_eq!(
            RegionCode::parse_name_or_code("和平")
                .expect("short name")
                .as_str(),
            "120101"
        );
        assert_eq!(
            RegionCode::parse("110108").expect("Haidian").province(),
            Province::Beijing
        );
        assert_eq!(
            RegionCode::parse("130100")
                .expect("Shijiazhuang")
                .province(),
            Province::Hebei
        );
        assert!(
            RegionCode::parse("120107").is_err(),
            "no such Tianjin district"
        );
        assert!(
            RegionCode::parse("310101").is_err(),
            "Shanghai is outside 京津冀"
        );
        assert!(RegionCode::parse("12011").is_err());
    }

    #[test]
    fn industry_codes_keep_section_and_division_consistent() {
        let c = IndustryCode::parse("C3911").expect("ok");
        assert_eq!((c.section(), c.division()), ('C', "39"));
        assert_eq!(
            IndustryCode::parse("6513").expect("implied").as_str(),
            "I6513"
        );
        assert_eq!(
            IndustryCode::parse("m73").expect("lower case").as_str(),
            "M73"
        );
        let e = IndustryCode::parse("A3911").expect_err("inconsistent");
        assert!(e.0.contains("section C"), "{e}");
        assert!(
            IndustryCode::parse("C98").is_err(),
            "division 98 does not exist"
        );
        assert!(IndustryCode::parse("C391123").is_err());
    }

    #[test]
    fn tech_fields_by_name_or_key() {
        assert_eq!(
            TechField::parse("新材料").expect("zh"),
            TechField::NewMaterials
        );
        assert_eq!(
            TechField::parse("aerospace").expect("key"),
            TechField::Aerospace
        );
        assert!(TechField::parse("区块链").is_err());
    }
}
