//! The audit log's actions (审计动作): one enum, stored by its dotted name, so that no two writers
//! can spell an action differently (login throttling counts the failed logins by theirs).

/// The action name of a failed login, which the statements counting failed logins and the
/// partial index serving them (migration 0005) spell out: one definition for both.
macro_rules! login_failed {
    () => {
        "login.failed"
    };
}

/// What an audit log line records (审计动作). Stored as its dotted name (`portrait.read`); every
/// writer names one of these, so that no two places can spell an action differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// A successful login.
    Login,
    /// A logout.
    Logout,
    /// A login with a wrong name or password.
    LoginFailed,
    /// A login refused because of earlier failures.
    LoginThrottled,
    /// A form or API call without a valid CSRF token.
    CsrfRejected,
    /// The overview page (regional figures).
    OverviewRead,
    /// A list or ranking of enterprises.
    EnterprisesList,
    /// One enterprise's survey record.
    RecordRead,
    /// One enterprise's portrait.
    PortraitRead,
    /// The similar enterprises shown on a portrait.
    PortraitSimilar,
    /// The list of enterprises a support scheme targets.
    TargetsList,
    /// A survey file uploaded for import.
    SurveyUpload,
    /// An index build started.
    IndexBuild,
    /// A bank's consent to read an enterprise granted.
    ConsentGrant,
    /// A bank's consent revoked.
    ConsentRevoke,
    /// An API token created.
    TokenCreate,
    /// An API token revoked.
    TokenRevoke,
    /// An account created.
    UserCreate,
    /// An account's role or scope changed.
    UserUpdate,
    /// An account enabled.
    UserEnable,
    /// An account disabled.
    UserDisable,
    /// The audit log read.
    AuditRead,
    /// A matchmaking catalogue file imported.
    CatalogueImport,
    /// A matchmaking deal opened.
    DealOpen,
    /// A deal moved to another stage.
    DealMove,
    /// The talent pool listed.
    TalentList,
    /// Possible duplicate people in the talent pool listed.
    TalentDuplicates,
    /// One person's record in the talent pool.
    TalentRead,
    /// A talent file imported.
    TalentImport,
    /// Two talent records merged.
    TalentMerge,
    /// A survey round opened.
    RoundOpen,
    /// A survey round closed.
    RoundClose,
    /// A survey round reopened.
    RoundReopen,
    /// A round's response tracking read (names the firms that have not filed).
    RoundStatus,
    /// An enterprise's form in a round read.
    FormRead,
    /// A form saved as a draft.
    FormSave,
    /// A form submitted.
    FormSubmit,
    /// A form returned to the enterprise with a comment.
    FormReturn,
    /// A form approved (its record imported).
    FormApprove,
    /// Late enterprises reminded in their inbox.
    RoundRemind,
    /// A source's extract (registry, tax, patents, certificates) imported.
    SourceImport,
    /// A policy scenario evaluated (its lists name enterprises).
    PolicyWhatIf,
    /// A policy scenario saved.
    ScenarioSave,
    /// A saved policy scenario deleted.
    ScenarioDelete,
    /// A policy scenario's lists exported.
    ScenarioExport,
    /// An enterprise applied for a loan.
    LoanApply,
    /// A bank answered an application.
    LoanAnswer,
    /// A bank recorded loans.
    LoansRecord,
    /// Loans or their totals read.
    LoansRead,
}

impl AuditAction {
    /// Every action, for the tests and the audit page's filter.
    pub const ALL: [AuditAction; 49] = [
        AuditAction::Login,
        AuditAction::Logout,
        AuditAction::LoginFailed,
        AuditAction::LoginThrottled,
        AuditAction::CsrfRejected,
        AuditAction::OverviewRead,
        AuditAction::EnterprisesList,
        AuditAction::RecordRead,
        AuditAction::PortraitRead,
        AuditAction::PortraitSimilar,
        AuditAction::TargetsList,
        AuditAction::SurveyUpload,
        AuditAction::IndexBuild,
        AuditAction::ConsentGrant,
        AuditAction::ConsentRevoke,
        AuditAction::TokenCreate,
        AuditAction::TokenRevoke,
        AuditAction::UserCreate,
        AuditAction::UserUpdate,
        AuditAction::UserEnable,
        AuditAction::UserDisable,
        AuditAction::AuditRead,
        AuditAction::CatalogueImport,
        AuditAction::DealOpen,
        AuditAction::DealMove,
        AuditAction::TalentList,
        AuditAction::TalentDuplicates,
        AuditAction::TalentRead,
        AuditAction::TalentImport,
        AuditAction::TalentMerge,
        AuditAction::RoundOpen,
        AuditAction::RoundClose,
        AuditAction::RoundReopen,
        AuditAction::RoundStatus,
        AuditAction::FormRead,
        AuditAction::FormSave,
        AuditAction::FormSubmit,
        AuditAction::FormReturn,
        AuditAction::FormApprove,
        AuditAction::RoundRemind,
        AuditAction::SourceImport,
        AuditAction::PolicyWhatIf,
        AuditAction::ScenarioSave,
        AuditAction::ScenarioDelete,
        AuditAction::ScenarioExport,
        AuditAction::LoanApply,
        AuditAction::LoanAnswer,
        AuditAction::LoansRecord,
        AuditAction::LoansRead,
    ];

    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::Logout => "logout",
            AuditAction::LoginFailed => login_failed!(),
            AuditAction::LoginThrottled => "login.throttled",
            AuditAction::CsrfRejected => "csrf.rejected",
            AuditAction::OverviewRead => "overview.read",
            AuditAction::EnterprisesList => "enterprises.list",
            AuditAction::RecordRead => "record.read",
            AuditAction::PortraitRead => "portrait.read",
            AuditAction::PortraitSimilar => "portrait.similar",
            AuditAction::TargetsList => "targets.list",
            AuditAction::SurveyUpload => "survey.upload",
            AuditAction::IndexBuild => "index.build",
            AuditAction::ConsentGrant => "consent.grant",
            AuditAction::ConsentRevoke => "consent.revoke",
            AuditAction::TokenCreate => "token.create",
            AuditAction::TokenRevoke => "token.revoke",
            AuditAction::UserCreate => "user.create",
            AuditAction::UserUpdate => "user.update",
            AuditAction::UserEnable => "user.enable",
            AuditAction::UserDisable => "user.disable",
            AuditAction::AuditRead => "audit.read",
            AuditAction::CatalogueImport => "catalogue.import",
            AuditAction::DealOpen => "deal.open",
            AuditAction::DealMove => "deal.move",
            AuditAction::TalentList => "talent.list",
            AuditAction::TalentDuplicates => "talent.duplicates",
            AuditAction::TalentRead => "talent.read",
            AuditAction::TalentImport => "talent.import",
            AuditAction::TalentMerge => "talent.merge",
            AuditAction::RoundOpen => "round.open",
            AuditAction::RoundClose => "round.close",
            AuditAction::RoundReopen => "round.reopen",
            AuditAction::RoundStatus => "round.status",
            AuditAction::FormRead => "form.read",
            AuditAction::FormSave => "form.save",
            AuditAction::FormSubmit => "form.submit",
            AuditAction::FormReturn => "form.return",
            AuditAction::FormApprove => "form.approve",
            AuditAction::RoundRemind => "round.remind",
            AuditAction::SourceImport => "source.import",
            AuditAction::PolicyWhatIf => "policy.whatif",
            AuditAction::ScenarioSave => "scenario.save",
            AuditAction::ScenarioDelete => "scenario.delete",
            AuditAction::ScenarioExport => "scenario.export",
            AuditAction::LoanApply => "loan.apply",
            AuditAction::LoanAnswer => "loan.answer",
            AuditAction::LoansRecord => "loans.record",
            AuditAction::LoansRead => "loans.read",
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for AuditAction {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("no audit action is called '{s}'"))
    }
}
