//! Who may do what: roles, capabilities and the enterprise-level access rule. Every handler asks
//! here; no page or endpoint decides on its own. Pure: the facts (an enterprise's district, a bank's
//! consent) are looked up by the caller and passed in.

use serde::Serialize;

/// A role (角色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: everything, including accounts and the audit log.
    Admin,
    /// 分析人员 of the bureau: all enterprise data, imports, builds, target lists.
    Analyst,
    /// 区/园区科技部门: enterprise data of their districts or parks only.
    DistrictOfficer,
    /// 企业用户: their own enterprise only (survey filing, portrait, consents).
    Enterprise,
    /// 银行 (创新积分贷): scores and portraits of enterprises that granted it consent.
    Bank,
    /// 公众: published aggregate tables only.
    Public,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Analyst,
        Role::DistrictOfficer,
        Role::Enterprise,
        Role::Bank,
        Role::Public,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::DistrictOfficer => "district_officer",
            Role::Enterprise => "enterprise",
            Role::Bank => "bank",
            Role::Public => "public",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Analyst => "分析人员",
            Role::DistrictOfficer => "区/园区科技部门",
            Role::Enterprise => "企业用户",
            Role::Bank => "银行",
            Role::Public => "公众",
        }
    }

    /// English name.
    pub fn en(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::Analyst => "analyst",
            Role::DistrictOfficer => "district officer",
            Role::Enterprise => "enterprise",
            Role::Bank => "bank",
            Role::Public => "public",
        }
    }

    /// Whether this role needs a scope (districts and parks, a credit code, a bank name).
    pub fn needs_scope(self) -> bool {
        matches!(self, Role::DistrictOfficer | Role::Enterprise | Role::Bank)
    }
}

/// Something a request wants to do, apart from reading one enterprise (see [`Principal::may_read`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Published aggregate tables.
    ReadAggregates,
    /// Lists of enterprises (ranking, targets, exports), limited to what the role may read.
    ListEnterprises,
    /// Scheme target lists.
    Targets,
    /// Upload survey files (an enterprise user: its own rows only).
    FileSurvey,
    /// Rebuild the index.
    BuildIndex,
    /// Grant and revoke banks' consents (an enterprise user: its own).
    ManageConsents,
    /// The talent pool (personal data of researchers): read, import, merge duplicates.
    Talent,
    /// Accounts, tokens of others, the audit log.
    Administer,
    /// Open, close and reopen survey rounds (调查轮次), and follow the response of every area.
    ManageRounds,
    /// Review (approve or return) the forms of a round within the role's areas, and follow their
    /// response.
    ReviewFilings,
}

/// What an API token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// GET requests.
    Read,
    /// Requests that change something.
    Write,
    /// Administrative endpoints.
    Admin,
}

impl TokenScope {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
            TokenScope::Admin => "admin",
        }
    }

    /// Parses a comma-separated list; unknown names are an error naming them.
    pub fn parse_list(s: &str) -> Result<Vec<TokenScope>, String> {
        s.split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| match v {
                "read" => Ok(TokenScope::Read),
                "write" => Ok(TokenScope::Write),
                "admin" => Ok(TokenScope::Admin),
                other => Err(format!(
                    "unknown token scope '{other}': use read, write, admin"
                )),
            })
            .collect()
    }
}

/// How the request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session, with its CSRF token.
    Session {
        /// The token state-changing requests must echo.
        csrf: String,
    },
    /// An API token, with its scopes.
    Token {
        /// What the token may do.
        scopes: Vec<TokenScope>,
    },
}

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Account id.
    pub user_id: i64,
    /// Login name.
    pub name: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Scope entries: region codes and park names, a credit code, or a bank.
    pub scope: Vec<String>,
    /// How the request was authenticated.
    pub credential: Credential,
}

/// What is known of an enterprise when deciding whether it may be read.
#[derive(Debug, Clone, Copy)]
pub struct EnterpriseFacts<'a> {
    /// The credit code.
    pub credit_code: &'a str,
    /// Its district and park, if it has survey data.
    pub area: Option<(&'a str, Option<&'a str>)>,
    /// Whether it has granted the requesting bank consent (only looked up for banks).
    pub bank_consent: bool,
}

/// Which enterprises a principal's lists are limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// All.
    All,
    /// These region codes and parks.
    Areas(Vec<String>, Vec<String>),
    /// One enterprise.
    Own(String),
    /// The enterprises that consented to this bank.
    Consented(String),
    /// None.
    Nothing,
}

/// A six-digit GB/T 2260 code is a district; anything else in a scope is a park's name.
fn split_areas(scope: &[String]) -> (Vec<String>, Vec<String>) {
    scope
        .iter()
        .cloned()
        .partition(|s| s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()))
}

impl Principal {
    /// The operator at the machine, for the command line: whoever can open the store's file (or
    /// holds its database credentials) has its full rights already, so the commands act as an
    /// administrator, audited under `name`.
    pub fn local_operator(name: &str) -> Principal {
        Principal {
            user_id: 0,
            name: name.to_string(),
            display_name: name.to_string(),
            role: Role::Admin,
            scope: Vec::new(),
            credential: Credential::Session {
                csrf: String::new(),
            },
        }
    }

    /// Whether the role allows `capability` at all, and the credential too: administration needs
    /// a browser session or a token with the `admin` scope, whatever the route (a token's read and
    /// write scopes are checked per request by the guard).
    pub fn may(&self, capability: Capability) -> bool {
        use Capability::*;
        if capability == Administer && !self.credential_has(TokenScope::Admin) {
            return false;
        }
        match self.role {
            Role::Admin => true,
            Role::Analyst => !matches!(capability, Administer),
            Role::DistrictOfficer => {
                matches!(
                    capability,
                    ReadAggregates | ListEnterprises | Targets | ReviewFilings
                )
            }
            Role::Enterprise => matches!(
                capability,
                ReadAggregates | ListEnterprises | FileSurvey | ManageConsents
            ),
            Role::Bank => matches!(capability, ReadAggregates | ListEnterprises),
            Role::Public => matches!(capability, ReadAggregates),
        }
    }

    /// The enterprises this principal's lists are limited to.
    pub fn list_scope(&self) -> ListScope {
        match self.role {
            Role::Admin | Role::Analyst => ListScope::All,
            Role::DistrictOfficer => {
                let (regions, parks) = split_areas(&self.scope);
                ListScope::Areas(regions, parks)
            }
            Role::Enterprise => self
                .scope
                .first()
                .map_or(ListScope::Nothing, |c| ListScope::Own(c.clone())),
            Role::Bank => self
                .scope
                .first()
                .map_or(ListScope::Nothing, |b| ListScope::Consented(b.clone())),
            Role::Public => ListScope::Nothing,
        }
    }

    /// The bank this principal acts for, if it is a bank.
    pub fn bank(&self) -> Option<&str> {
        (self.role == Role::Bank)
            .then(|| self.scope.first().map(String::as_str))
            .flatten()
    }

    /// Whether this principal may read this enterprise's data (records, portrait, evaluations).
    /// An enterprise with no survey data is readable only to roles that read everything: nobody
    /// learns from a 403 or a 404 whether an enterprise outside their scope exists.
    pub fn may_read(&self, e: &EnterpriseFacts<'_>) -> bool {
        match self.list_scope() {
            ListScope::All => true,
            ListScope::Areas(regions, parks) => e.area.is_some_and(|(region, park)| {
                regions.iter().any(|r| r == region)
                    || park.is_some_and(|p| parks.iter().any(|x| x == p))
            }),
            ListScope::Own(code) => code == e.credit_code,
            ListScope::Consented(_) => e.bank_consent,
            ListScope::Nothing => false,
        }
    }

    /// Whether this principal may receive an enterprise's survey record as filed (every field):
    /// only roles that see enterprise data in full, and an enterprise its own. A bank's consent
    /// covers scores, portraits and scheme verdicts, not the confidential survey figures.
    pub fn may_read_survey_record(&self) -> bool {
        !matches!(self.role, Role::Bank | Role::Public)
    }

    /// Whether the credential carries `scope`: a session carries every scope its role has.
    pub fn credential_has(&self, scope: TokenScope) -> bool {
        match &self.credential {
            Credential::Session { .. } => true,
            Credential::Token { scopes } => scopes.contains(&scope),
        }
    }

    /// Whether this principal may mint a token with `scopes`: never beyond the role (admin scope
    /// for administrators only) nor beyond the credential making the request (a write token cannot
    /// mint an admin token).
    pub fn may_mint(&self, scopes: &[TokenScope]) -> bool {
        scopes.iter().all(|s| {
            self.credential_has(*s) && (*s != TokenScope::Admin || self.may(Capability::Administer))
        })
    }

    /// Whether the credential allows a request of this kind: a browser session carries the
    /// role's rights; a token only its scopes.
    pub fn credential_allows(&self, changes_state: bool, administrative: bool) -> bool {
        match &self.credential {
            Credential::Session { .. } => true,
            Credential::Token { scopes } => {
                let needed = if administrative {
                    TokenScope::Admin
                } else if changes_state {
                    TokenScope::Write
                } else {
                    TokenScope::Read
                };
                scopes.contains(&needed)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, scope: &[&str]) -> Principal {
        Principal {
            user_id: 1,
            name: "u".into(),
            display_name: "u".into(),
            role,
            scope: scope.iter().map(|s| s.to_string()).collect(),
            credential: Credential::Session { csrf: "c".into() },
        }
    }

    fn facts<'a>(
        code: &'a str,
        region: &'a str,
        park: Option<&'a str>,
        consent: bool,
    ) -> EnterpriseFacts<'a> {
        EnterpriseFacts {
            credit_code: code,
            area: Some((region, park)),
            bank_consent: consent,
        }
    }

    #[test]
    fn district_officers_read_their_districts_and_parks_only() {
        let officer = principal(Role::DistrictOfficer, &["120104", "天津经济技术开发区"]);
        assert!(officer.may_read(&facts("A", "120104", None, false)));
        assert!(officer.may_read(&facts("B", "120116", Some("天津经济技术开发区"), false)));
        assert!(!officer.may_read(&facts("C", "120116", Some("天津港保税区"), false)));
        assert!(!officer.may_read(&EnterpriseFacts {
            credit_code: "D",
            area: None,
            bank_consent: false
        }));
        assert_eq!(
            officer.list_scope(),
            ListScope::Areas(vec!["120104".into()], vec!["天津经济技术开发区".into()])
        );
    }

    #[test]
    fn enterprises_read_themselves_and_banks_what_was_consented() {
        let own = principal(Role::Enterprise, &["91120116MA05A00011"]);
        assert!(own.may_read(&facts("91120116MA05A00011", "120116", None, false)));
        assert!(!own.may_read(&facts("91120116MA05A00029", "120116", None, true)));
        let bank = principal(Role::Bank, &["津农商"]);
        assert!(bank.may_read(&facts("X", "120116", None, true)));
        assert!(!bank.may_read(&facts("X", "120116", None, false)));
        assert_eq!(bank.bank(), Some("津农商"));
        let public = principal(Role::Public, &[]);
        assert!(!public.may_read(&facts("X", "120116", None, true)));
        assert!(principal(Role::Analyst, &[]).may_read(&facts("X", "1", None, false)));
    }

    #[test]
    fn capabilities_follow_the_role() {
        let all = [
            Capability::ReadAggregates,
            Capability::ListEnterprises,
            Capability::Targets,
            Capability::FileSurvey,
            Capability::BuildIndex,
            Capability::ManageConsents,
            Capability::Talent,
            Capability::Administer,
        ];
        let allowed = |role| all.iter().filter(|c| principal(role, &[]).may(**c)).count();
        assert_eq!(allowed(Role::Admin), 8);
        assert_eq!(allowed(Role::Analyst), 7);
        assert_eq!(allowed(Role::DistrictOfficer), 3);
        assert_eq!(allowed(Role::Enterprise), 4);
        assert_eq!(allowed(Role::Bank), 2);
        assert_eq!(allowed(Role::Public), 1);
        assert!(!principal(Role::Bank, &[]).may(Capability::Targets));
    }

    #[test]
    fn tokens_carry_only_their_scopes() {
        let mut p = principal(Role::Admin, &[]);
        p.credential = Credential::Token {
            scopes: TokenScope::parse_list("read").expect("scopes"),
        };
        assert!(p.credential_allows(false, false));
        assert!(!p.credential_allows(true, false));
        assert!(!p.credential_allows(false, true));
        assert!(TokenScope::parse_list("read, everything").is_err());
        // An admin's read token administers nothing, on any route, and mints nothing beyond itself.
        assert!(!p.may(Capability::Administer));
        assert!(!p.may_mint(&[TokenScope::Write]));
        p.credential = Credential::Token {
            scopes: vec![TokenScope::Read, TokenScope::Write],
        };
        assert!(!p.may(Capability::Administer));
        assert!(!p.may_mint(&[TokenScope::Admin]));
        assert!(p.may_mint(&[TokenScope::Read, TokenScope::Write]));
        p.credential = Credential::Token {
            scopes: vec![TokenScope::Admin],
        };
        assert!(p.may(Capability::Administer));
        let analyst = principal(Role::Analyst, &[]);
        assert!(!analyst.may_mint(&[TokenScope::Admin]));
        assert!(analyst.may_mint(&[TokenScope::Read, TokenScope::Write]));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
