//! The texts of the pages, by name. Each language's catalogue ([`super::zh`], [`super::en`]) is one
//! exhaustive `match` over them, so the compiler refuses a text missing from any language.

/// A text of the pages (the English wording in each comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Text {
    /// Credit code
    CreditCode,
    /// Bank
    Bank,
    /// Grant
    Grant,
    /// Enterprise
    Enterprise,
    /// Granted
    Granted,
    /// Revoked
    Revoked,
    /// Revoke
    Revoke,
    /// Consents
    Consents,
    /// New token
    NewToken,
    /// shown this once only; keep it safe.
    ShownThisOnceOnlyKeep,
    /// Users
    Users,
    /// Name
    UserName,
    /// Shown as
    ShownAs,
    /// Password
    Password,
    /// Role
    Role,
    /// Scope
    Scope,
    /// Add user
    AddUser,
    /// Status
    Status,
    /// disabled
    Disabled,
    /// active
    Active,
    /// API tokens
    APITokens,
    /// Label
    Label,
    /// Scopes (read,write,admin)
    ScopesReadWriteAdmin,
    /// Create token
    CreateToken,
    /// Audit log
    AuditLog,
    /// entries:
    Entries,
    /// When
    When,
    /// Who
    Who,
    /// Action
    Action,
    /// Target
    Target,
    /// From
    From,
    /// Outcome
    AuditOutcome,
    /// Administration
    Administration,
    /// Ranking
    Ranking,
    /// District
    District,
    /// Industry code
    IndustryCode,
    /// Field
    TechField,
    /// Stage
    Stage,
    /// Name or code
    NameOrCode,
    /// Filter
    Filter,
    /// Export CSV
    ExportCSV,
    /// Year
    Year,
    /// matching:
    Matching,
    /// page
    Page,
    /// Rank
    Rank,
    /// Industry
    Industry,
    /// Index
    Index,
    /// previous
    Previous,
    /// next
    Next,
    /// Year:
    YearLabel,
    /// Matchmaking suggestions for the weakest pillars
    MatchmakingSuggestionsForTheWeakest,
    /// Pillar
    Pillar,
    /// Supply
    Supply,
    /// Why
    Why,
    /// qualifies
    Qualifies,
    /// awaits expert review
    AwaitsExpertReview,
    /// near miss
    NearMissLower,
    /// Scheme
    Scheme,
    /// Outcome
    Outcome,
    /// Scheme targeting
    SchemeTargeting,
    /// year
    YearInSentence,
    /// qualify
    Qualify,
    /// awaiting expert review
    AwaitingExpertReview,
    /// near misses
    NearMisses,
    /// Score
    Score,
    /// Gaps and unmet criteria
    GapsAndUnmetCriteria,
    /// near miss
    NearMissShort,
    /// Survey file (CSV or XLSX)
    SurveyFileCSVOrXLSX,
    /// validate only, do not import
    ValidateOnlyDoNotImport,
    /// Upload
    Upload,
    /// Every row is validated; a file with errors is not imported at all. Template: kechuang survey template.
    EveryRowIsValidatedA,
    /// Survey upload
    SurveyUpload,
    /// Validation report
    ValidationReport,
    /// Imported:
    Imported,
    /// The file has errors; nothing was imported.
    TheFileHasErrorsNothing,
    /// Valid (not imported).
    ValidNotImported,
    /// rows
    RowsLower,
    /// errors
    Errors,
    /// warnings
    Warnings,
    /// Row
    Row,
    /// Column
    Column,
    /// Value
    Value,
    /// Severity
    Severity,
    /// Rule
    Rule,
    /// Message
    Message,
    /// Rebuild the index
    RebuildTheIndex,
    /// Index builds
    IndexBuilds,
    /// Framework
    Framework,
    /// Years
    Years,
    /// Units
    Units,
    /// By
    By,
    /// Imports
    Imports,
    /// File
    File,
    /// Rows
    Rows,
    /// Inserted
    Inserted,
    /// Updated
    Updated,
    /// Regional tables
    RegionalTables,
    /// Statistical disclosure control applied: cells with fewer than 3 enterprises or one dominant enterprise show x.
    StatisticalDisclosureControlAppliedCells,
    /// Enterprises by district
    EnterprisesByDistrict,
    /// By district
    ByDistrict,
    /// By industry
    ByIndustry,
    /// By high-tech field
    ByHighTechField,
    /// Demand
    Demand,
    /// Achievement
    Achievement,
    /// Patent
    Patent,
    /// Expert
    Expert,
    /// Equipment
    Equipment,
    /// Service
    Service,
    /// Words
    Words,
    /// Kind
    Kind,
    /// Region
    Region,
    /// TRL at least
    TRLAtLeast,
    /// available only
    AvailableOnly,
    /// Search
    Search,
    /// + Publish a technology demand
    PlusPublishATechnologyDemand,
    /// hits
    Hits,
    /// Matchmaking
    Matchmaking,
    /// Publish entries (CSV or XLSX)
    PublishEntriesCSVOrXLSX,
    /// Every row is validated; a file with any problem is not imported at all. Columns: docs/matching.md.
    EveryRowIsValidatedAFile,
    /// Enterprise credit code
    EnterpriseCreditCode,
    /// Title
    DemandTitle,
    /// The problem
    TheProblem,
    /// Technical indicators
    TechnicalIndicators,
    /// Existing basis
    ExistingBasis,
    /// Cooperation
    Cooperation,
    /// Budget (¥10k)
    Budget10kYuan,
    /// Least TRL
    LeastTRL,
    /// Deadline
    Deadline,
    /// Publish the demand
    PublishTheDemand,
    /// Publish a technology demand
    PublishATechnologyDemand,
    /// Please correct:
    PleaseCorrect,
    /// The file has problems; nothing was imported.
    TheFileHasProblemsNothing,
    /// Publish entries
    PublishEntries,
    /// Supply that could meet it
    SupplyThatCouldMeetIt,
    /// Demands it could serve
    DemandsItCouldServe,
    /// Title
    Title,
    /// Score
    MatchScore,
    /// Why
    MatchWhy,
    /// Open a deal
    OpenADeal,
    /// Deals
    Deals,
    /// With
    With,
    /// Note
    Note,
    /// note
    NoteLower,
    /// open
    Open,
    /// matched
    Matched,
    /// in contact
    InContact,
    /// contract
    Contract,
    /// closed
    Closed,
    /// No messages.
    NoMessages,
    /// Inbox
    Inbox,
    /// Forbidden
    Forbidden,
    /// Not found
    NotFound,
    /// Something went wrong
    SomethingWentWrong,
    /// Back to the start
    BackToTheStart,
    /// Overview
    Overview,
    /// Our portrait
    OurPortrait,
    /// Talent pool
    TalentPoolNav,
    /// Log out
    LogOut,
    /// Too many failed logins; try again later.
    TooManyFailedLoginsTry,
    /// Wrong name or password.
    WrongNameOrPassword,
    /// kechuang — log in
    KechuangLogIn,
    /// Log in
    LogIn,
    /// Enterprises
    EnterpriseCount,
    /// R&D intensity (%)
    RAndDIntensityPercent,
    /// HNTE share (%)
    HNTESharePercent,
    /// Mean index
    MeanIndex,
    /// Total
    Total,
    /// No index has been built yet: upload survey data and build the index first.
    NoIndexHasBeenBuilt,
    /// index build
    IndexBuild,
    /// enterprises
    EnterprisesLower,
    /// scored
    Scored,
    /// mean innovation index
    MeanInnovationIndex,
    /// Distribution of the index
    DistributionOfTheIndex,
    /// Mean index by year
    MeanIndexByYear,
    /// Top movers
    TopMovers,
    /// below the criteria
    BelowTheCriteria,
    /// Entry criteria
    EntryCriteria,
    /// Tier
    Tier,
    /// Field
    TalentField,
    /// Institution
    Institution,
    /// Name
    PersonName,
    /// Search
    Query,
    /// People:
    People,
    /// Id
    Id,
    /// Fields
    Fields,
    /// Institutions
    Institutions,
    /// By region
    ByRegion,
    /// By field
    ByField,
    /// Likely the same person
    LikelyTheSamePerson,
    /// Record
    FirstRecord,
    /// Record
    SecondRecord,
    /// Evidence
    Evidence,
    /// Merge
    Merge,
    /// Talent pool
    TalentPool,
    /// Joint development
    JointDevelopment,
    /// Commissioned development
    CommissionedDevelopment,
    /// Technology transfer
    TechnologyTransfer,
    /// Technology licence
    TechnologyLicence,
    /// Technical consulting
    TechnicalConsulting,
    /// Makerspace
    Makerspace,
    /// Incubator
    Incubator,
    /// Accelerator
    Accelerator,
    /// Industrial park
    IndustrialPark,
    /// High-tech enterprises
    HighTechEnterprises,
    /// Tech-based SMEs
    TechBasedSmes,
    /// Specialised SMEs
    SpecialisedSmes,
    /// Park
    Park,
    /// Industry section
    IndustrySection,
    /// High-tech field
    HighTechField,
    /// Survey rounds
    SurveyRounds,
    /// Open a round
    OpenARound,
    /// Survey year
    SurveyYear,
    /// Everyone who filed last year
    ScopeRegister,
    /// A list
    ScopeList,
    /// Whoever files
    ScopeEveryone,
    /// Credit codes (one per line, for a list)
    CodesOnePerLine,
    /// Open
    OpenRound,
    /// Close
    CloseRound,
    /// Reopen
    ReopenRound,
    /// open
    RoundOpen,
    /// closed
    RoundClosed,
    /// Response
    RoundResponse,
    /// Our form
    OurForm,
    /// In scope
    InScope,
    /// Not started
    NotStarted,
    /// Draft
    FormDraft,
    /// Submitted
    FormSubmitted,
    /// Returned
    FormReturned,
    /// Approved
    FormApproved,
    /// Late
    Late,
    /// Late enterprises
    LateEnterprises,
    /// Awaiting review
    AwaitingReview,
    /// Save draft
    SaveDraft,
    /// Submit
    SubmitForm,
    /// Approve
    ApproveForm,
    /// Return for correction
    ReturnForm,
    /// Why
    ReturnComment,
    /// Fields to correct (keys, comma-separated)
    FieldsToCorrect,
    /// History
    FormHistory,
    /// Submitted: locked until it is returned.
    FormLocked,
    /// Saved.
    FormSavedNotice,
    /// Submitted for review.
    FormSubmittedNotice,
    /// The form has errors: saved as a draft, not submitted.
    FormHasErrors,
    /// Form status
    FormStatusLabel,
    /// Field
    FieldLabel,
    /// Value
    FieldValue,
    /// Check
    FieldIssue,
    /// Basic information
    BasicInformation,
    /// People
    SectionPeople,
    /// Business and R&D spending
    SectionFinance,
    /// Innovation output
    SectionOutput,
    /// Innovation capability
    SectionCapability,
    /// Collaboration
    SectionCollaboration,
    /// This round is closed: it takes no more forms.
    RoundClosedNotice,
    /// No survey rounds yet.
    NoRounds,
    /// Download the late list (XLSX)
    ReminderList,
    /// Remind the late enterprises in their inbox
    RemindLate,
    /// Source
    FieldSource,
    /// Reason for the correction
    CorrectionReason,
    /// Fields asked (keys, comma-separated; empty: all)
    FieldsAsked,
    /// Policy what-if
    PolicyWhatIf,
    /// Amount per enterprise (¥10k)
    AmountPerFirm,
    /// Scenario rules (TOML: change thresholds, bands or conditions)
    ScenarioRules,
    /// Evaluate
    EvaluateScenario,
    /// Entering
    Entering,
    /// Leaving
    Leaving,
    /// Qualifying under the scenario
    QualifyingAfter,
    /// Budget (¥10k)
    Budget,
    /// Parameter
    ParameterLabel,
    /// Current
    CurrentValue,
    /// Scenario
    ScenarioValue,
    /// Drop
    DropIt,
    /// Conditions and direct routes the scenario drops
    ConditionsToDrop,
    /// Advanced: a whole rule file (TOML) to start from instead of the shipped rules; the parameters above then apply to it
    RuleFileAdvanced,
    /// Scenario name (to save it)
    ScenarioName,
    /// Evaluate and save
    SaveScenario,
    /// Saved scenarios
    SavedScenarios,
    /// Compare the selected
    CompareSelected,
    /// Scenarios side by side
    ScenarioComparison,
    /// Export (XLSX: summary and lists)
    ExportXlsx,
    /// Near misses under the scenario
    ScenarioNearMisses,
    /// Qualifying now
    QualifyingNow,
    /// By park
    ByPark,
    /// By stage
    ByStage,
    /// What the scenario changes
    ChangedParameters,
    /// Nothing: the scenario is the current rules.
    SameAsCurrentRules,
    /// dropped
    DroppedMark,
    /// Saved by
    SavedBy,
    /// Saved at
    SavedAt,
    /// Made from rules version
    BasedOnVersion,
    /// This scenario was made from another version of the rules than the current one: it is compared with the current rules.
    OlderRulesWarning,
    /// Delete
    DeleteScenario,
    /// Choose
    ChooseScheme,
    /// What it lacks
    WhatItLacks,
    /// Showing the first 500: export the workbook for the full list.
    ShowingFirst,
    /// No saved scenarios yet.
    NoSavedScenarios,
    /// Unchanged
    UnchangedCount,
    /// New scenario
    NewScenario,
    /// Change the numbers you want to test; the others stay as the current rules have them.
    ScenarioParamsHint,
    /// Tick two to six scenarios to compare them over the same enterprises and year.
    CompareHint,
    /// Budget change (¥10k)
    BudgetChange,
    /// Deciding criterion
    DecidingCriterion,
    /// Scenario
    ScenarioWord,
    /// (none)
    NoneMark,
    /// Predictive validity of the index
    PredictiveValidity,
    /// Does an enterprise's index in year t say anything about what happens to it one and two years later? Spearman's ρ (ties at their average rank) with later growth and patents: 0 is no relation, 1 a perfect one. AUC for later certification: 0.5 is chance, 1 perfect. 95% percentile bootstrap intervals over resampled enterprise-years.
    ValidityIntro,
    /// Measure
    MeasureLabel,
    /// Enterprises
    SubsetLabel,
    /// Later outcome
    OutcomeLabel,
    /// Years ahead
    YearsAhead,
    /// Statistic
    StatisticLabel,
    /// Value
    ValueLabel,
    /// 95% interval
    Interval95,
    /// Enterprise-years (events)
    UnitYears,
    /// all
    AllEnterprises,
    /// Index
    IndexMeasure,
    /// By pillar (all enterprises)
    ByPillar,
    /// Build, base years and replications
    ValidityBaseYears,
    /// Innovation finance
    Finance,
    /// Apply for an innovation-credit loan (积分贷)
    ApplyForLoan,
    /// Applying grants the bank your consent to read your enterprise's portrait and index.
    ApplyHint,
    /// Amount (¥10k)
    AmountAsked,
    /// Purpose
    Purpose,
    /// Apply
    SubmitApplication,
    /// Applications
    LoanApplications,
    /// Status
    ApplicationStatus,
    /// Granted (¥10k)
    GrantedAmount,
    /// Reason for declining
    DeclineReason,
    /// Grant
    GrantIt,
    /// Decline
    DeclineIt,
    /// Applied
    AppliedAt,
    /// Credit lines and loans
    Loans,
    /// Reference
    LoanReference,
    /// Granted on
    GrantedOn,
    /// Disbursed (¥10k)
    Disbursed,
    /// Repaid (¥10k)
    Repaid,
    /// Overdue (¥10k)
    Overdue,
    /// Record loans from a file (CSV or XLSX; all rows or none)
    UploadLoans,
    /// Columns
    LoanFileColumns,
    /// Record
    RecordLoans,
    /// Loans recorded
    LoansRecorded,
    /// Totals
    FinanceTotals,
    /// By bank
    ByBank,
    /// By index score band
    ByScoreBand,
    /// Enterprises
    FirmsWithLoans,
    /// Loans
    LoanCount,
    /// Share with overdue
    OverdueRate,
    /// Share of the amount granted to the top fifth of the index
    TopFifthShare,
    /// Applications granted
    ApprovalRate,
    /// Median days to an answer
    MedianDaysToAnswer,
    /// Published totals (disclosure control applied)
    PublishedFinance,
    /// suppressed
    SuppressedMark,
    /// No applications.
    NoApplications,
    /// No loans recorded.
    NoLoans,
    /// pending
    Pending,
    /// By certification held
    ByCertification,
    /// Share of the amount granted to R&D-growth credit candidates
    RdCreditShare,
    /// Declined
    Declined,
    /// Granted
    LoanGranted,
    /// showing the best
    ShowingTheBest,
    /// Tianjin by district
    DistrictMap,
    /// Tech-based SME share (%)
    TechSmeSharePercent,
    /// Specialised SME share (%)
    SpecialisedSharePercent,
    /// Click a district to open its ranking.
    ClickADistrictForItsRanking,
    /// firms
    FirmsUnit,
    /// points
    PointsUnit,
    /// %
    PercentUnit,
    // The navigation bar's short names (a page's title keeps the full one).
    /// Targeting
    NavTargeting,
    /// What-if
    NavWhatIf,
    /// Upload
    NavUpload,
    /// Rounds
    NavRounds,
    /// Builds
    NavBuilds,
    /// Tables
    NavTables,
    /// Finance
    NavFinance,
    /// (not given)
    NotGiven,
    /// (outside parks)
    OutsideParks,
    /// Skip to the content
    SkipToContent,
    /// Disable
    DisableAccount,
    /// Enable
    EnableAccount,
    /// New password
    NewPassword,
    /// Set password
    SetPassword,
    /// Owner
    TokenOwner,
    /// Created
    CreatedAt,
    /// Scopes
    TokenScopes,
    /// Actions
    ActionsColumn,
    /// No tokens yet.
    NoTokens,
    /// District index by year
    DistrictIndexByYear,
    /// Change on last year
    ChangeOnLastYear,
    /// Show
    ShowYear,
    /// Statistical audit of the index
    StatisticalAudit,
    /// The checks an index is published with (after the JRC/COINr audit): how each aggregate's parts hang together, how complete the data are, and how far the ranks move when the assumptions behind the index move.
    AuditIntro,
    /// Replications
    Replications,
    /// Recompute
    Recompute,
    /// Flagged pairs
    FlaggedPairs,
    /// No pair is flagged.
    NoFlags,
    /// Kind
    FlagKindLabel,
    /// Aggregate
    Aggregate,
    /// almost duplicates
    FlagCollinear,
    /// pulls the other way
    FlagNegative,
    /// hardly moves with its aggregate
    FlagWeak,
    /// r
    Correlation,
    /// Consistency of each aggregate
    Consistency,
    /// Cronbach's α
    CronbachAlpha,
    /// First component explains
    FirstComponent,
    /// Parts
    Parts,
    /// Data quality
    DataQuality,
    /// Missing
    MissingLabel,
    /// Imputed
    ImputedLabel,
    /// Winsorised
    WinsorisedLabel,
    /// Transform
    TransformLabel,
    /// Uncertainty of the ranks
    UncertaintyHeading,
    /// Mean absolute rank shift
    MeanRankShift,
    /// Rank
    NominalRank,
    /// Median rank
    MedianRank,
    /// 5–95% interval
    RankInterval,
    /// Which assumption moves the ranks
    SensitivityHeading,
    /// Assumption
    FactorLabel,
    /// First-order index
    FirstOrder,
    /// Total-order index
    TotalOrder,
    /// Varied
    Varied,
    /// Indicator
    IndicatorLabel,
    /// weights (±25%)
    FactorWeights,
    /// normalisation
    FactorNormalisation,
    /// aggregation
    FactorAggregation,
    /// outlier treatment on or off
    FactorTreatment,
    /// imputation
    FactorImputation,
    /// one indicator left out
    FactorIndicatorRemoval,
    /// Survey round response (%)
    ResponseRateOfRound,
}
