//! Catalogue files: one CSV per kind (UTF-8, a header row of the keys below; lists separated by
//! `;` or `；`). Every row is validated and every problem reported with its row, column and value;
//! a file with any problem yields no entries (all or nothing), as survey imports do.
//!
//! | kind | required columns | optional columns |
//! |---|---|---|
//! | demand | id, enterprise, title, problem, field, region | indicators, basis, budget, cooperation, min_trl, deadline, status |
//! | achievement | id, title, summary, field, trl, owner, region | ip, transfer_mode, price_low, price_high |
//! | patent | number, title, abstract, class, holder, status, field, region | |
//! | expert | id, name, fields, keywords, region | affiliations, titles, works, service_modes, available |
//! | equipment | id, instrument, host, capabilities, field, region | model, location, booking, fee, available |
//! | service | id, name, category, services, region | qualifications, field |

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::catalogue::{Achievement, Demand, Equipment, Expert, Kind, Patent, Province, Service};

/// The high-tech field keys (the eight fields of 高新技术企业认定).
pub fn field_keys() -> [&'static str; 8] {
    kechuang_domain::TechField::ALL.map(kechuang_domain::TechField::key)
}

/// One problem in a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// 1-based row as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// Column key.
    pub column: String,
    /// The value as written.
    pub value: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column {}: '{}' {}",
            self.row, self.column, self.value, self.message
        )
    }
}

/// The entries of one file, of its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Entries {
    /// Demands.
    Demands(Vec<Demand>),
    /// Achievements.
    Achievements(Vec<Achievement>),
    /// Patents.
    Patents(Vec<Patent>),
    /// Experts.
    Experts(Vec<Expert>),
    /// Equipment.
    Equipment(Vec<Equipment>),
    /// Services.
    Services(Vec<Service>),
}

/// Every column a file of `kind` may have: the required ones, then the optional ones.
pub fn columns(kind: Kind) -> Vec<&'static str> {
    required(kind)
        .iter()
        .chain(optional(kind))
        .copied()
        .collect()
}

fn required(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Demand => &["id", "enterprise", "title", "problem", "field", "region"],
        Kind::Achievement => &["id", "title", "summary", "field", "trl", "owner", "region"],
        Kind::Patent => &[
            "number", "title", "abstract", "class", "holder", "status", "field", "region",
        ],
        Kind::Expert => &["id", "name", "fields", "keywords", "region"],
        Kind::Equipment => &[
            "id",
            "instrument",
            "host",
            "capabilities",
            "field",
            "region",
        ],
        Kind::Service => &["id", "name", "category", "services", "region"],
    }
}

fn optional(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Demand => &[
            "indicators",
            "basis",
            "budget",
            "cooperation",
            "min_trl",
            "deadline",
            "status",
        ],
        Kind::Achievement => &["ip", "transfer_mode", "price_low", "price_high"],
        Kind::Patent => &[],
        Kind::Expert => &[
            "affiliations",
            "titles",
            "works",
            "service_modes",
            "available",
        ],
        Kind::Equipment => &["model", "location", "booking", "fee", "available"],
        Kind::Service => &["qualifications", "field"],
    }
}

/// One row being read: cells by column key, and the issues found.
struct Row<'a> {
    number: usize,
    cells: &'a HashMap<&'a str, &'a str>,
    issues: &'a mut Vec<Issue>,
}

impl Row<'_> {
    fn raw(&self, column: &str) -> &str {
        self.cells.get(column).map_or("", |v| v.trim())
    }

    fn issue(&mut self, column: &str, message: impl Into<String>) {
        let value = self.raw(column).to_string();
        self.issues.push(Issue {
            row: self.number,
            column: column.into(),
            value,
            message: message.into(),
        });
    }

    fn text(&mut self, column: &str, required: bool) -> String {
        let v = self.raw(column).to_string();
        if required && v.is_empty() {
            self.issue(column, "is required");
        }
        v
    }

    fn list(&mut self, column: &str, required: bool) -> Vec<String> {
        let v: Vec<String> = self
            .raw(column)
            .split([';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if required && v.is_empty() {
            self.issue(column, "is required (separate several with ;)");
        }
        v
    }

    fn number(&mut self, column: &str) -> Option<f64> {
        let v = self.raw(column);
        if v.is_empty() {
            return None;
        }
        match v.replace(',', "").parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Some(n),
            _ => {
                self.issue(column, "must be a number ≥ 0");
                None
            }
        }
    }

    fn trl(&mut self, column: &str, required: bool) -> Option<u8> {
        let v = self.raw(column);
        if v.is_empty() {
            if required {
                self.issue(column, "is required (TRL 1–9, GB/T 22900)");
            }
            return None;
        }
        match v.parse::<u8>() {
            Ok(t @ 1..=9) => Some(t),
            _ => {
                self.issue(
                    column,
                    "must be a technology readiness level from 1 to 9 (GB/T 22900)",
                );
                None
            }
        }
    }

    fn field(&mut self, column: &str, required: bool) -> Option<String> {
        let v = self.raw(column).to_string();
        if v.is_empty() {
            if required {
                self.issue(column, "is required");
            }
            return None;
        }
        if field_keys().contains(&v.as_str()) {
            Some(v)
        } else {
            self.issue(
                column,
                format!(
                    "is not a high-tech field: use one of {}",
                    field_keys().join(", ")
                ),
            );
            None
        }
    }

    fn region(&mut self) -> Province {
        match Province::parse(self.raw("region")) {
            Some(p) => p,
            None => {
                self.issue("region", "must be in 京津冀: 京/津/冀, beijing/tianjin/hebei, or a region code 11…/12…/13…");
                Province::Tianjin
            }
        }
    }

    fn flag(&mut self, column: &str) -> bool {
        match self.raw(column) {
            "" | "true" | "yes" | "是" | "1" => true,
            "false" | "no" | "否" | "0" => false,
            _ => {
                self.issue(column, "must be 是/否 (yes/no)");
                true
            }
        }
    }

    fn one_of(&mut self, column: &str, allowed: &[&str], default: &str) -> String {
        let v = self.raw(column);
        if v.is_empty() {
            return default.to_string();
        }
        if allowed.contains(&v) {
            v.to_string()
        } else {
            self.issue(column, format!("must be one of {}", allowed.join(", ")));
            default.to_string()
        }
    }

    fn date(&mut self, column: &str) -> Option<String> {
        let v = self.raw(column);
        if v.is_empty() {
            return None;
        }
        let ok = v.len() == 10
            && v.as_bytes()[4] == b'-'
            && v.as_bytes()[7] == b'-'
            && v[..4].parse::<u16>().is_ok()
            && v[5..7].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m))
            && v[8..].parse::<u8>().is_ok_and(|d| (1..=31).contains(&d));
        if ok {
            Some(v.to_string())
        } else {
            self.issue(column, "must be a date YYYY-MM-DD");
            None
        }
    }
}

/// Reads a catalogue CSV of `kind` (UTF-8): the entries, or every issue (and then no entries).
pub fn read_csv(kind: Kind, bytes: &[u8]) -> Result<Entries, Vec<Issue>> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        match record {
            Ok(r) => rows.push(r.iter().map(String::from).collect()),
            Err(e) => {
                return Err(vec![Issue {
                    row: i + 1,
                    column: String::new(),
                    value: String::new(),
                    message: format!("cannot be read as CSV: {e}"),
                }]);
            }
        }
    }
    read_rows(kind, &rows)
}

/// Reads catalogue rows of `kind` (the first row the header, as from a CSV file or a workbook
/// sheet): the entries, or every issue (and then no entries).
pub fn read_rows(kind: Kind, rows: &[Vec<String>]) -> Result<Entries, Vec<Issue>> {
    let Some((header, data)) = rows.split_first() else {
        return Err(vec![Issue {
            row: 1,
            column: String::new(),
            value: String::new(),
            message: "the file is empty: a header row of column keys is needed".into(),
        }]);
    };
    let headers: Vec<String> = header
        .iter()
        .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let known: HashSet<&str> = columns(kind).into_iter().collect();
    let mut issues = Vec::new();
    for h in &headers {
        if !known.contains(h.as_str()) {
            issues.push(Issue {
                row: 1,
                column: h.clone(),
                value: h.clone(),
                message: format!(
                    "is not a column of a {} file: use {}",
                    kind.key(),
                    columns(kind).join(", ")
                ),
            });
        }
    }
    for r in required(kind) {
        if !headers.iter().any(|h| h == r) {
            issues.push(Issue {
                row: 1,
                column: (*r).into(),
                value: String::new(),
                message: "required column is missing".into(),
            });
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut entries = match kind {
        Kind::Demand => Entries::Demands(Vec::new()),
        Kind::Achievement => Entries::Achievements(Vec::new()),
        Kind::Patent => Entries::Patents(Vec::new()),
        Kind::Expert => Entries::Experts(Vec::new()),
        Kind::Equipment => Entries::Equipment(Vec::new()),
        Kind::Service => Entries::Services(Vec::new()),
    };
    let id_column = if kind == Kind::Patent { "number" } else { "id" };
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, record) in data.iter().enumerate() {
        let number = i + 2;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter().map(String::as_str))
            .collect();
        let mut row = Row {
            number,
            cells: &cells,
            issues: &mut issues,
        };
        let id = row.raw(id_column).to_string();
        if let Some(first) = ids.insert(id.clone(), number)
            && !id.is_empty()
        {
            row.issue(id_column, format!("is also on row {first}: ids are unique"));
        }
        match &mut entries {
            Entries::Demands(v) => {
                let budget = row.number("budget");
                v.push(Demand {
                    id: row.text("id", true),
                    enterprise: row.text("enterprise", true),
                    title: row.text("title", true),
                    problem: row.text("problem", true),
                    indicators: row.text("indicators", false),
                    basis: row.text("basis", false),
                    budget,
                    cooperation: row.one_of(
                        "cooperation",
                        &["transfer", "licence", "joint", "commissioned", "consulting"],
                        "joint",
                    ),
                    field: row.field("field", true).unwrap_or_default(),
                    region: row.region(),
                    min_trl: row.trl("min_trl", false),
                    deadline: row.date("deadline"),
                    status: row.one_of(
                        "status",
                        &["open", "matched", "in_contact", "contract", "closed"],
                        "open",
                    ),
                });
            }
            Entries::Achievements(v) => {
                let low = row.number("price_low");
                let high = row.number("price_high");
                let price = match (low, high) {
                    (Some(l), Some(h)) if l > h => {
                        row.issue("price_high", format!("is below price_low ({l})"));
                        None
                    }
                    (Some(l), Some(h)) => Some((l, h)),
                    (Some(l), None) => Some((l, l)),
                    (None, Some(h)) => Some((h, h)),
                    (None, None) => None,
                };
                v.push(Achievement {
                    id: row.text("id", true),
                    title: row.text("title", true),
                    summary: row.text("summary", true),
                    field: row.field("field", true).unwrap_or_default(),
                    trl: row.trl("trl", true).unwrap_or(1),
                    ip: row.list("ip", false),
                    transfer_mode: row.one_of(
                        "transfer_mode",
                        &["transfer", "licence", "equity", "joint"],
                        "transfer",
                    ),
                    price,
                    owner: row.text("owner", true),
                    region: row.region(),
                });
            }
            Entries::Patents(v) => v.push(Patent {
                number: row.text("number", true),
                title: row.text("title", true),
                abstract_text: row.text("abstract", true),
                class: row.one_of("class", &["I", "II"], "I"),
                holder: row.text("holder", true),
                status: row.one_of("status", &["valid", "pending", "lapsed"], "valid"),
                field: row.field("field", true).unwrap_or_default(),
                region: row.region(),
            }),
            Entries::Experts(v) => {
                let fields = row.list("fields", true);
                for f in &fields {
                    if !field_keys().contains(&f.as_str()) {
                        row.issue(
                            "fields",
                            format!(
                                "'{f}' is not a high-tech field: use {}",
                                field_keys().join(", ")
                            ),
                        );
                    }
                }
                v.push(Expert {
                    id: row.text("id", true),
                    name: row.text("name", true),
                    affiliations: row.list("affiliations", false),
                    titles: row.list("titles", false),
                    fields,
                    keywords: row.list("keywords", true),
                    works: row.list("works", false),
                    service_modes: row.list("service_modes", false),
                    region: row.region(),
                    available: row.flag("available"),
                });
            }
            Entries::Equipment(v) => v.push(Equipment {
                id: row.text("id", true),
                instrument: row.text("instrument", true),
                model: row.text("model", false),
                host: row.text("host", true),
                location: row.text("location", false),
                capabilities: row.text("capabilities", true),
                booking: row.text("booking", false),
                fee: row.number("fee"),
                field: row.field("field", true).unwrap_or_default(),
                region: row.region(),
                available: row.flag("available"),
            }),
            Entries::Services(v) => v.push(Service {
                id: row.text("id", true),
                name: row.text("name", true),
                category: row.text("category", true),
                services: row.text("services", true),
                qualifications: row.list("qualifications", false),
                field: row.field("field", false),
                region: row.region(),
            }),
        }
    }
    if issues.is_empty() {
        Ok(entries)
    } else {
        Err(issues)
    }
}

/// The catalogue as the six CSV files [`read_csv`] reads: (file name, kind, contents).
pub fn write_csv(c: &crate::Catalogue) -> Vec<(&'static str, Kind, String)> {
    fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(header);
        for r in rows {
            let _ = w.write_record(&r);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let list = |v: &[String]| v.join(";");
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    vec![
        (
            "demands.csv",
            Kind::Demand,
            table(
                &[
                    "id",
                    "enterprise",
                    "title",
                    "problem",
                    "indicators",
                    "basis",
                    "budget",
                    "cooperation",
                    "field",
                    "region",
                    "min_trl",
                    "deadline",
                    "status",
                ],
                c.demands
                    .iter()
                    .map(|d| {
                        vec![
                            d.id.clone(),
                            d.enterprise.clone(),
                            d.title.clone(),
                            d.problem.clone(),
                            d.indicators.clone(),
                            d.basis.clone(),
                            opt(d.budget),
                            d.cooperation.clone(),
                            d.field.clone(),
                            d.region.abbr().into(),
                            d.min_trl.map(|t| t.to_string()).unwrap_or_default(),
                            d.deadline.clone().unwrap_or_default(),
                            d.status.clone(),
                        ]
                    })
                    .collect(),
            ),
        ),
        (
            "achievements.csv",
            Kind::Achievement,
            table(
                &[
                    "id",
                    "title",
                    "summary",
                    "field",
                    "trl",
                    "ip",
                    "transfer_mode",
                    "price_low",
                    "price_high",
                    "owner",
                    "region",
                ],
                c.achievements
                    .iter()
                    .map(|a| {
                        vec![
                            a.id.clone(),
                            a.title.clone(),
                            a.summary.clone(),
                            a.field.clone(),
                            a.trl.to_string(),
                            list(&a.ip),
                            a.transfer_mode.clone(),
                            opt(a.price.map(|p| p.0)),
                            opt(a.price.map(|p| p.1)),
                            a.owner.clone(),
                            a.region.abbr().into(),
                        ]
                    })
                    .collect(),
            ),
        ),
        (
            "patents.csv",
            Kind::Patent,
            table(
                &[
                    "number", "title", "abstract", "class", "holder", "status", "field", "region",
                ],
                c.patents
                    .iter()
                    .map(|p| {
                        vec![
                            p.number.clone(),
                            p.title.clone(),
                            p.abstract_text.clone(),
                            p.class.clone(),
                            p.holder.clone(),
                            p.status.clone(),
                            p.field.clone(),
                            p.region.abbr().into(),
                        ]
                    })
                    .collect(),
            ),
        ),
        (
            "experts.csv",
            Kind::Expert,
            table(
                &[
                    "id",
                    "name",
                    "affiliations",
                    "titles",
                    "fields",
                    "keywords",
                    "works",
                    "service_modes",
                    "region",
                    "available",
                ],
                c.experts
                    .iter()
                    .map(|e| {
                        vec![
                            e.id.clone(),
                            e.name.clone(),
                            list(&e.affiliations),
                            list(&e.titles),
                            list(&e.fields),
                            list(&e.keywords),
                            list(&e.works),
                            list(&e.service_modes),
                            e.region.abbr().into(),
                            yes(e.available),
                        ]
                    })
                    .collect(),
            ),
        ),
        (
            "equipment.csv",
            Kind::Equipment,
            table(
                &[
                    "id",
                    "instrument",
                    "model",
                    "host",
                    "location",
                    "capabilities",
                    "booking",
                    "fee",
                    "field",
                    "region",
                    "available",
                ],
                c.equipment
                    .iter()
                    .map(|q| {
                        vec![
                            q.id.clone(),
                            q.instrument.clone(),
                            q.model.clone(),
                            q.host.clone(),
                            q.location.clone(),
                            q.capabilities.clone(),
                            q.booking.clone(),
                            opt(q.fee),
                            q.field.clone(),
                            q.region.abbr().into(),
                            yes(q.available),
                        ]
                    })
                    .collect(),
            ),
        ),
        (
            "services.csv",
            Kind::Service,
            table(
                &[
                    "id",
                    "name",
                    "category",
                    "services",
                    "qualifications",
                    "field",
                    "region",
                ],
                c.services
                    .iter()
                    .map(|s| {
                        vec![
                            s.id.clone(),
                            s.name.clone(),
                            s.category.clone(),
                            s.services.clone(),
                            list(&s.qualifications),
                            s.field.clone().unwrap_or_default(),
                            s.region.abbr().into(),
                        ]
                    })
                    .collect(),
            ),
        ),
    ]
}

/// Adds a file's entries to a catalogue.
pub fn extend(c: &mut crate::Catalogue, entries: Entries) {
    match entries {
        Entries::Demands(v) => c.demands.extend(v),
        Entries::Achievements(v) => c.achievements.extend(v),
        Entries::Patents(v) => c.patents.extend(v),
        Entries::Experts(v) => c.experts.extend(v),
        Entries::Equipment(v) => c.equipment.extend(v),
        Entries::Services(v) => c.services.extend(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_file_reads_whole() {
        let csv = "id,title,summary,field,trl,owner,region,ip,price_low,price_high\n\
                   A1,碳化硅功率器件封装工艺,低热阻封装,electronic_information,7,天津大学,津,ZL2021;ZL2022,50,80\n";
        let Ok(Entries::Achievements(a)) = read_csv(Kind::Achievement, csv.as_bytes()) else {
            panic!("valid")
        };
        assert_eq!(a[0].trl, 7);
        assert_eq!(a[0].ip, ["ZL2021", "ZL2022"]);
        assert_eq!(a[0].price, Some((50.0, 80.0)));
        assert_eq!(a[0].region, Province::Tianjin);
    }

    #[test]
    fn every_problem_is_located_and_nothing_is_kept() {
        let csv = "id,title,summary,field,trl,owner,region,price_low,price_high\n\
                   A1,t,s,electronic_information,7,o,津,90,80\n\
                   A2,t,s,quantum,12,o,上海,,\n\
                   A1,,s,new_materials,3,o,冀,,\n";
        let issues = read_csv(Kind::Achievement, csv.as_bytes()).expect_err("invalid");
        let found: Vec<(usize, &str)> = issues.iter().map(|i| (i.row, i.column.as_str())).collect();
        assert_eq!(
            found,
            [
                (2, "price_high"),
                (3, "field"),
                (3, "trl"),
                (3, "region"),
                (4, "id"),
                (4, "title"),
            ]
        );
        assert_eq!(issues[2].value, "12");
        assert!(issues[4].message.contains("row 2"));
    }

    #[test]
    fn unknown_and_missing_columns_are_reported_at_the_header() {
        let issues =
            read_csv(Kind::Patent, "number,title,colour\n".as_bytes()).expect_err("bad header");
        assert!(issues.iter().any(|i| i.column == "colour"));
        assert!(
            issues
                .iter()
                .any(|i| i.column == "abstract" && i.message.contains("missing"))
        );
        assert!(issues.iter().all(|i| i.row == 1));
    }

    #[test]
    fn written_files_read_back_identically() {
        let mut c = crate::Catalogue::default();
        for (name, kind, text) in write_csv(&sample()) {
            let entries =
                read_csv(kind, text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            extend(&mut c, entries);
        }
        assert_eq!(c, sample());
    }

    fn sample() -> crate::Catalogue {
        crate::Catalogue {
            demands: vec![Demand {
                id: "D1".into(),
                enterprise: "91120116MA05A00011".into(),
                title: "碳化硅, \"封装\"".into(),
                problem: "热阻".into(),
                indicators: String::new(),
                basis: String::new(),
                budget: Some(12.5),
                cooperation: "joint".into(),
                field: "electronic_information".into(),
                region: Province::Tianjin,
                min_trl: Some(6),
                deadline: Some("2027-03-31".into()),
                status: "open".into(),
            }],
            experts: vec![Expert {
                id: "E1".into(),
                name: "王".into(),
                affiliations: vec!["天津大学 (2010–)".into()],
                titles: vec![],
                fields: vec!["new_energy".into(), "new_materials".into()],
                keywords: vec!["储能".into()],
                works: vec![],
                service_modes: vec![],
                region: Province::Hebei,
                available: false,
            }],
            ..crate::Catalogue::default()
        }
    }
}
