//! The catalogue (对接资源库): enterprises' technology demands and the supply side — achievements,
//! patents, experts, shared equipment and service providers — across 京津冀.

use serde::{Deserialize, Serialize};

/// What a catalogue entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 技术需求.
    Demand,
    /// 科技成果.
    Achievement,
    /// 专利.
    Patent,
    /// 专家.
    Expert,
    /// 共享仪器设备.
    Equipment,
    /// 服务机构 (信创 chain service directory).
    Service,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 6] = [
        Kind::Demand,
        Kind::Achievement,
        Kind::Patent,
        Kind::Expert,
        Kind::Equipment,
        Kind::Service,
    ];

    /// The stable key.
    pub fn key(self) -> &'static str {
        [
            "demand",
            "achievement",
            "patent",
            "expert",
            "equipment",
            "service",
        ][self as usize]
    }

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        [
            "技术需求",
            "科技成果",
            "专利",
            "专家",
            "共享仪器",
            "服务机构",
        ][self as usize]
    }

    /// From the key.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == s.trim())
    }
}

pub use kechuang_domain::Province;

/// A technology demand (技术需求) published by an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    /// Id.
    pub id: String,
    /// The enterprise's credit code.
    pub enterprise: String,
    /// Title.
    pub title: String,
    /// The problem to solve.
    pub problem: String,
    /// Technical indicators to reach.
    pub indicators: String,
    /// What the enterprise has already.
    pub basis: String,
    /// Budget, ¥10k.
    pub budget: Option<f64>,
    /// 合作方式: transfer, licence, joint development, commissioned development, consulting.
    pub cooperation: String,
    /// High-tech field key.
    pub field: String,
    /// Where the enterprise is.
    pub region: Province,
    /// The least technology readiness it can use (GB/T 22900 TRL 1–9).
    pub min_trl: Option<u8>,
    /// Deadline (YYYY-MM-DD).
    pub deadline: Option<String>,
    /// open, matched, in_contact, contract, closed.
    pub status: String,
}

/// A research achievement (科技成果) offered for transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Achievement {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// High-tech field key.
    pub field: String,
    /// Technology readiness (GB/T 22900 TRL 1–9).
    pub trl: u8,
    /// Patents and other IP attached (numbers).
    pub ip: Vec<String>,
    /// transfer, licence, equity, joint.
    pub transfer_mode: String,
    /// Asking price, ¥10k: low and high.
    pub price: Option<(f64, f64)>,
    /// Owner (university, institute, enterprise).
    pub owner: String,
    /// Where the owner is.
    pub region: Province,
}

/// A patent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patent {
    /// Publication or grant number.
    pub number: String,
    /// Title.
    pub title: String,
    /// Abstract.
    pub abstract_text: String,
    /// I (invention) or II (utility model, design, software).
    pub class: String,
    /// Holder.
    pub holder: String,
    /// valid, pending, lapsed.
    pub status: String,
    /// High-tech field key.
    pub field: String,
    /// Where the holder is.
    pub region: Province,
}

/// An expert (an ORCID-like record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expert {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Affiliations, latest first: "organisation (from–to)".
    pub affiliations: Vec<String>,
    /// Titles (正高级工程师, 教授 …).
    pub titles: Vec<String>,
    /// High-tech field keys.
    pub fields: Vec<String>,
    /// Research keywords.
    pub keywords: Vec<String>,
    /// Selected works.
    pub works: Vec<String>,
    /// consulting, joint research, part-time, training.
    pub service_modes: Vec<String>,
    /// Where the expert works.
    pub region: Province,
    /// Taking requests now.
    pub available: bool,
}

/// A shared instrument (共享仪器设备).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Equipment {
    /// Id.
    pub id: String,
    /// Instrument.
    pub instrument: String,
    /// Model.
    pub model: String,
    /// Host institution.
    pub host: String,
    /// Address.
    pub location: String,
    /// What it can measure or make.
    pub capabilities: String,
    /// Booking rules.
    pub booking: String,
    /// Fee, ¥ per hour.
    pub fee: Option<f64>,
    /// High-tech field key.
    pub field: String,
    /// Where it is.
    pub region: Province,
    /// Bookable now.
    pub available: bool,
}

/// A service provider of the 信创 chain service directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Category (testing, IP, technology transfer, finance, design …).
    pub category: String,
    /// Services offered.
    pub services: String,
    /// Qualifications (CMA, CNAS …).
    pub qualifications: Vec<String>,
    /// High-tech field key, if specialised.
    pub field: Option<String>,
    /// Where it is.
    pub region: Province,
}

/// The whole catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Demands.
    pub demands: Vec<Demand>,
    /// Achievements.
    pub achievements: Vec<Achievement>,
    /// Patents.
    pub patents: Vec<Patent>,
    /// Experts.
    pub experts: Vec<Expert>,
    /// Equipment.
    pub equipment: Vec<Equipment>,
    /// Services.
    pub services: Vec<Service>,
}

/// One searchable document: what every kind looks like to the index and to matching.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doc {
    /// Kind.
    pub kind: Kind,
    /// Id (a patent's number).
    pub id: String,
    /// Title (a name for experts and services).
    pub title: String,
    /// The rest of the text.
    pub body: String,
    /// High-tech field keys.
    pub fields: Vec<String>,
    /// Province.
    pub region: Province,
    /// Technology readiness (achievements; demands: the least usable).
    pub trl: Option<u8>,
    /// Price or budget, ¥10k (achievements: the low asking price; demands: the budget).
    pub price: Option<f64>,
    /// A kind-specific type: transfer mode, patent class, service category, cooperation mode.
    pub kind_type: String,
    /// Open demand, valid patent, available expert or instrument.
    pub available: bool,
}

impl Catalogue {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.demands.len()
            + self.achievements.len()
            + self.patents.len()
            + self.experts.len()
            + self.equipment.len()
            + self.services.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// "N demands, N achievements, …" for messages.
    pub fn counts(&self) -> String {
        format!(
            "{} demands, {} achievements, {} patents, {} experts, {} instruments, {} service providers",
            self.demands.len(),
            self.achievements.len(),
            self.patents.len(),
            self.experts.len(),
            self.equipment.len(),
            self.services.len()
        )
    }

    /// Every entry as a searchable document.
    pub fn docs(&self) -> Vec<Doc> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.demands.iter().map(Demand::doc));
        out.extend(self.achievements.iter().map(|a| Doc {
            kind: Kind::Achievement,
            id: a.id.clone(),
            title: a.title.clone(),
            body: format!("{} {} {}", a.summary, a.owner, a.ip.join(" ")),
            fields: vec![a.field.clone()],
            region: a.region,
            trl: Some(a.trl),
            price: a.price.map(|p| p.0),
            kind_type: a.transfer_mode.clone(),
            available: true,
        }));
        out.extend(self.patents.iter().map(|p| Doc {
            kind: Kind::Patent,
            id: p.number.clone(),
            title: p.title.clone(),
            body: format!("{} {}", p.abstract_text, p.holder),
            fields: vec![p.field.clone()],
            region: p.region,
            trl: None,
            price: None,
            kind_type: p.class.clone(),
            available: p.status == "valid",
        }));
        out.extend(self.experts.iter().map(|e| Doc {
            kind: Kind::Expert,
            id: e.id.clone(),
            title: e.name.clone(),
            body: format!(
                "{} {} {} {} {}",
                e.keywords.join(" "),
                e.titles.join(" "),
                e.affiliations.join(" "),
                e.works.join(" "),
                e.service_modes.join(" ")
            ),
            fields: e.fields.clone(),
            region: e.region,
            trl: None,
            price: None,
            kind_type: e.service_modes.first().cloned().unwrap_or_default(),
            available: e.available,
        }));
        out.extend(self.equipment.iter().map(|q| Doc {
            kind: Kind::Equipment,
            id: q.id.clone(),
            title: format!("{} {}", q.instrument, q.model),
            body: format!("{} {} {} {}", q.capabilities, q.host, q.location, q.booking),
            fields: vec![q.field.clone()],
            region: q.region,
            trl: None,
            price: q.fee.map(|f| f / 10_000.0),
            kind_type: String::new(),
            available: q.available,
        }));
        out.extend(self.services.iter().map(|s| Doc {
            kind: Kind::Service,
            id: s.id.clone(),
            title: s.name.clone(),
            body: format!(
                "{} {} {}",
                s.category,
                s.services,
                s.qualifications.join(" ")
            ),
            fields: s.field.iter().cloned().collect(),
            region: s.region,
            trl: None,
            price: None,
            kind_type: s.category.clone(),
            available: true,
        }));
        out
    }
}

impl Demand {
    /// The demand as a searchable document.
    pub fn doc(&self) -> Doc {
        Doc {
            kind: Kind::Demand,
            id: self.id.clone(),
            title: self.title.clone(),
            body: format!("{} {} {}", self.problem, self.indicators, self.basis),
            fields: vec![self.field.clone()],
            region: self.region,
            trl: self.min_trl,
            price: self.budget,
            kind_type: self.cooperation.clone(),
            available: self.status == "open",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_parse_from_names_abbreviations_and_codes() {
        assert_eq!(Province::parse("津"), Some(Province::Tianjin));
        assert_eq!(Province::parse("北京市"), Some(Province::Beijing));
        assert_eq!(Province::parse("130100"), Some(Province::Hebei));
        assert_eq!(Province::parse("hebei"), Some(Province::Hebei));
        assert_eq!(Province::parse("上海"), None);
        assert_eq!(Province::parse("310000"), None);
        assert_eq!(Province::Tianjin.proximity(Province::Tianjin), 1.0);
        assert!(Province::Tianjin.proximity(Province::Hebei) < 1.0);
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.key()), Some(k));
        }
    }
}
