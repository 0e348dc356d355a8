//! The small arithmetic language of rule files: survey fields of the evaluated year, numbers,
//! `+ - * /`, parentheses, and functions over the enterprise's history.
//!
//! | function | value |
//! |---|---|
//! | `prev(x)`, `prev2(x)` | expression `x` one or two years earlier |
//! | `sum3(x)`, `avg3(x)` | sum or mean of `x` over the last three years (the consecutive years available, when fewer) |
//! | `growth3(x)` | 高企 growth: ½·(x₂/x₁ + x₃/x₂) − 1 over the last three years; if x₁ = 0, x₃/x₂ − 1; if x₂ = 0, 0; with two years, x₃/x₂ − 1 |
//! | `growth(x)` | x / prev(x) − 1 |
//! | `streak(x)` | consecutive years, ending with this one, in which `x` grew; where a year the enterprise existed in is unknown, a lower bound with that year noted as missing |
//! | `tech_field` | 1 when the enterprise names one of the 8 high-tech fields, else 0 |
//! | `held(t)` | 1 if title `t` (hnte, tech_sme, innovative_sme, specialised_sme, little_giant) is held this year, else 0 |
//! | `age` | full years since founding |
//! | `rd_level` | R&D institution level: 0 none, 1 city, 2 provincial, 3 national |
//! | `min(a, b)`, `max(a, b)` | the smaller or larger |
//!
//! Missing data is never zero: an expression over a missing field is missing, and names the field.

use std::collections::BTreeSet;

use chrono::Datelike;

use kechuang_domain::{Num, SurveyRecord, held_in};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Number(f64),
    /// A survey field of the evaluated year.
    Field(Num),
    /// `age`.
    Age,
    /// `rd_level`.
    RdLevel,
    /// A binary operation.
    Binary(Box<Expr>, char, Box<Expr>),
    /// Unary minus.
    Negate(Box<Expr>),
    /// A history function of an expression.
    History(HistoryFn, Box<Expr>),
    /// `tech_field`: 1 when a high-tech field is given.
    HasTechField,
    /// `held(title)`.
    Held(Title),
    /// `min` / `max`.
    MinMax(bool, Box<Expr>, Box<Expr>),
}

/// Functions over an enterprise's years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum HistoryFn {
    Prev,
    Prev2,
    Sum3,
    Avg3,
    Growth3,
    Growth,
    Streak,
}

/// Titles that `held()` can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Title {
    Hnte,
    TechSme,
    InnovativeSme,
    SpecialisedSme,
    LittleGiant,
}

/// A parse error with the position in the text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expression '{text}', at character {at}: {message}")]
pub struct ParseError {
    /// The expression.
    pub text: String,
    /// 0-based character position.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            text: self.text.into(),
            at: self.pos,
            message: message.into(),
        }
    }

    fn skip(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip();
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.term()?;
        loop {
            if self.eat('+') {
                left = Expr::Binary(Box::new(left), '+', Box::new(self.term()?));
            } else if self.eat('-') {
                left = Expr::Binary(Box::new(left), '-', Box::new(self.term()?));
            } else {
                return Ok(left);
            }
        }
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.factor()?;
        loop {
            if self.eat('*') {
                left = Expr::Binary(Box::new(left), '*', Box::new(self.factor()?));
            } else if self.eat('/') {
                left = Expr::Binary(Box::new(left), '/', Box::new(self.factor()?));
            } else {
                return Ok(left);
            }
        }
    }

    fn ident(&mut self) -> String {
        self.skip();
        let start = self.pos;
        while self.pos < self.chars.len()
            && (self.chars[self.pos].is_ascii_alphanumeric() || self.chars[self.pos] == '_')
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn factor(&mut self) -> Result<Expr, ParseError> {
        self.skip();
        if self.eat('-') {
            return Ok(Expr::Negate(Box::new(self.factor()?)));
        }
        if self.eat('(') {
            let e = self.expr()?;
            if !self.eat(')') {
                return Err(self.error("expected ')'"));
            }
            return Ok(e);
        }
        let c = self
            .chars
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error("unexpected end"))?;
        if c.is_ascii_digit() || c == '.' {
            let start = self.pos;
            while self.pos < self.chars.len()
                && (self.chars[self.pos].is_ascii_digit() || self.chars[self.pos] == '.')
            {
                self.pos += 1;
            }
            let s: String = self.chars[start..self.pos].iter().collect();
            return s
                .parse()
                .map(Expr::Number)
                .map_err(|_| self.error(format!("'{s}' is not a number")));
        }
        let name = self.ident();
        if name.is_empty() {
            return Err(self.error(format!("unexpected '{c}'")));
        }
        if !self.eat('(') {
            return match name.as_str() {
                "age" => Ok(Expr::Age),
                "tech_field" => Ok(Expr::HasTechField),
                "rd_level" => Ok(Expr::RdLevel),
                _ => Num::from_key(&name).map(Expr::Field).ok_or_else(|| {
                    self.error(format!("'{name}' is not a numeric survey field or a name"))
                }),
            };
        }
        let history = |f| -> Option<HistoryFn> {
            Some(match f {
                "prev" => HistoryFn::Prev,
                "prev2" => HistoryFn::Prev2,
                "sum3" => HistoryFn::Sum3,
                "avg3" => HistoryFn::Avg3,
                "growth3" => HistoryFn::Growth3,
                "growth" => HistoryFn::Growth,
                "streak" => HistoryFn::Streak,
                _ => return None,
            })
        };
        let e = if let Some(h) = history(name.as_str()) {
            Expr::History(h, Box::new(self.expr()?))
        } else if name == "held" {
            let t = self.ident();
            let title = match t.as_str() {
                "hnte" => Title::Hnte,
                "tech_sme" => Title::TechSme,
                "innovative_sme" => Title::InnovativeSme,
                "specialised_sme" => Title::SpecialisedSme,
                "little_giant" => Title::LittleGiant,
                _ => return Err(self.error(format!("'{t}' is not a title"))),
            };
            Expr::Held(title)
        } else if name == "min" || name == "max" {
            let a = self.expr()?;
            if !self.eat(',') {
                return Err(self.error("expected ','"));
            }
            let b = self.expr()?;
            Expr::MinMax(name == "max", Box::new(a), Box::new(b))
        } else {
            return Err(self.error(format!("unknown function '{name}'")));
        };
        if !self.eat(')') {
            return Err(self.error("expected ')'"));
        }
        Ok(e)
    }
}

impl Expr {
    /// Parses an expression.
    pub fn parse(text: &str) -> Result<Expr, ParseError> {
        let mut p = Parser {
            text,
            chars: text.chars().collect(),
            pos: 0,
        };
        let e = p.expr()?;
        p.skip();
        if p.pos != p.chars.len() {
            return Err(p.error("unexpected text after the expression"));
        }
        Ok(e)
    }
}

/// An enterprise's record for the evaluated year and its other years.
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    /// The evaluated year.
    pub current: &'a SurveyRecord,
    /// The enterprise's other years, in any order (later years are ignored; a missing year ends a
    /// series).
    pub earlier: &'a [&'a SurveyRecord],
}

impl<'a> History<'a> {
    /// The record `back` years before the evaluated year, if present.
    fn year(&self, back: i32) -> Option<&'a SurveyRecord> {
        if back == 0 {
            return Some(self.current);
        }
        self.earlier
            .iter()
            .copied()
            .find(|r| r.year == self.current.year - back)
    }

    /// Whether the enterprise existed `back` years before the evaluated year (founded in or
    /// before it). A year it existed in but has no record for is unknown, not "no".
    fn existed(&self, back: i32) -> bool {
        self.current.year - back >= self.current.founded_on.year()
    }

    /// The same history seen from `back` years earlier.
    fn shifted(&self, back: i32) -> Option<History<'a>> {
        // Lookups are by year offset, so the same slice serves: no copy is made.
        Some(History {
            current: self.year(back)?,
            earlier: self.earlier,
        })
    }

    /// `x` over the last `n` years, oldest first; fewer only for an enterprise founded inside the
    /// window. `None` when a year the enterprise existed in lacks data (each such year noted in
    /// `missing`): unknown is not zero, and not "did not grow".
    fn series(&self, n: i32, x: &Expr, missing: &mut BTreeSet<String>) -> Option<Vec<f64>> {
        let mut out = Vec::new();
        let mut unknown = false;
        for back in (0..n).rev() {
            match self.shifted(back) {
                Some(h) => match eval(x, &h, missing) {
                    Some(v) => out.push(v),
                    None => unknown = true,
                },
                None if !self.existed(back) => {}
                None => {
                    note_missing(x, self.current.year - back, missing);
                    unknown = true;
                }
            }
        }
        (!unknown).then_some(out)
    }
}

fn at(x: &Expr, h: &History<'_>, back: i32, missing: &mut BTreeSet<String>) -> Option<f64> {
    match h.shifted(back) {
        Some(s) => eval(x, &s, missing),
        None => {
            note_missing(x, h.current.year - back, missing);
            None
        }
    }
}

/// Notes every field `x` reads as missing in `year`.
fn note_missing(x: &Expr, year: i32, missing: &mut BTreeSet<String>) {
    let mut fs = Vec::new();
    fields(x, &mut fs);
    for f in fs {
        missing.insert(format!("{} {year}", f.spec().key));
    }
}

/// The value of an expression, or the fields it lacks.
pub fn eval(e: &Expr, h: &History<'_>, missing: &mut BTreeSet<String>) -> Option<f64> {
    let field = |f: Num, r: &SurveyRecord, missing: &mut BTreeSet<String>| {
        let v = r.get(f);
        if v.is_none() {
            missing.insert(format!("{} {}", f.spec().key, r.year));
        }
        v
    };
    match e {
        Expr::Number(v) => Some(*v),
        Expr::Field(f) => field(*f, h.current, missing),
        Expr::Age => Some(f64::from(h.current.age_years())),
        Expr::RdLevel => Some(h.current.rd_institution_level as u8 as f64),
        Expr::Negate(a) => eval(a, h, missing).map(|v| -v),
        Expr::Binary(a, op, b) => {
            let (x, y) = (eval(a, h, missing), eval(b, h, missing));
            let (x, y) = (x?, y?);
            match op {
                '+' => Some(x + y),
                '-' => Some(x - y),
                '*' => Some(x * y),
                _ => (y != 0.0).then(|| x / y),
            }
        }
        Expr::MinMax(max, a, b) => {
            let (x, y) = (eval(a, h, missing), eval(b, h, missing));
            let (x, y) = (x?, y?);
            Some(if *max { x.max(y) } else { x.min(y) })
        }
        Expr::Held(t) => {
            let titles = &h.current.titles;
            let until = match t {
                Title::Hnte => titles.hnte,
                Title::TechSme => titles.tech_sme,
                Title::InnovativeSme => titles.innovative_sme,
                Title::SpecialisedSme => titles.specialised_sme,
                Title::LittleGiant => titles.little_giant,
            };
            Some(f64::from(u8::from(held_in(until, h.current.year))))
        }
        Expr::HasTechField => Some(f64::from(u8::from(h.current.tech_field.is_some()))),
        Expr::History(func, x) => match func {
            HistoryFn::Prev => at(x, h, 1, missing),
            HistoryFn::Prev2 => at(x, h, 2, missing),
            HistoryFn::Sum3 | HistoryFn::Avg3 => {
                let s = h.series(3, x, missing)?;
                let sum: f64 = s.iter().sum();
                Some(if *func == HistoryFn::Sum3 {
                    sum
                } else {
                    sum / s.len() as f64
                })
            }
            HistoryFn::Growth => {
                let (now, before) = (eval(x, h, missing), at(x, h, 1, missing));
                let (now, before) = (now?, before?);
                (before != 0.0).then(|| now / before - 1.0)
            }
            HistoryFn::Growth3 => {
                let s = h.series(3, x, missing)?;
                match s.as_slice() {
                    [_] => {
                        at(x, h, 1, missing);
                        None
                    }
                    [_, x2, _] | [x2, _] if *x2 == 0.0 => Some(0.0),
                    [x1, x2, x3] if *x1 == 0.0 => Some(x3 / x2 - 1.0),
                    [x1, x2, x3] => Some(0.5 * (x2 / x1 + x3 / x2) - 1.0),
                    [x2, x3] => Some(x3 / x2 - 1.0),
                    _ => None,
                }
            }
            HistoryFn::Streak => {
                eval(x, h, missing)?;
                let mut streak = 0;
                let mut back = 0;
                loop {
                    let mut unknown = BTreeSet::new();
                    match (
                        at(x, h, back, &mut unknown),
                        at(x, h, back + 1, &mut unknown),
                    ) {
                        (Some(a), Some(b)) if a > b => streak += 1,
                        // It did not grow, or the year before did not exist: the streak is exact.
                        (Some(_), Some(_)) => break,
                        (Some(_), None) if !h.existed(back + 1) => break,
                        // A year it existed in is unknown: the streak is at least this long, and
                        // the unknown years are noted (a condition it does not yet meet is then
                        // undecided, not failed).
                        _ => {
                            missing.extend(unknown);
                            break;
                        }
                    }
                    back += 1;
                }
                Some(f64::from(streak))
            }
        },
    }
}

/// Every field an expression reads from the evaluated year (for levers and messages).
pub fn fields(e: &Expr, out: &mut Vec<Num>) {
    match e {
        Expr::Field(f) if !out.contains(f) => out.push(*f),
        Expr::History(_, x) => fields(x, out),
        Expr::Binary(a, _, b) | Expr::MinMax(_, a, b) => {
            fields(a, out);
            fields(b, out);
        }
        Expr::Negate(a) => fields(a, out),
        _ => {}
    }
}
