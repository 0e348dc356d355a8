//! The audit log's actions as the administration page names them, in both languages: one
//! exhaustive match, so a new action cannot be shown as its raw code.

use kechuang_store::AuditAction;

/// An action's name: (Chinese, English).
pub fn action_names(a: AuditAction) -> (&'static str, &'static str) {
    use AuditAction::*;
    match a {
        Login => ("登录", "Signed in"),
        Logout => ("退出", "Signed out"),
        LoginFailed => ("登录失败", "Failed sign-in"),
        LoginThrottled => ("登录被限制", "Sign-in throttled"),
        CsrfRejected => ("请求被拒(CSRF)", "Request refused (CSRF)"),
        OverviewRead => ("查看概览", "Read the overview"),
        EnterprisesList => ("查看企业列表", "Listed enterprises"),
        RecordRead => ("查看调查记录", "Read a survey record"),
        PortraitRead => ("查看企业画像", "Read a portrait"),
        PortraitSimilar => ("查看相似企业", "Read similar enterprises"),
        TargetsList => ("查看政策靶向", "Listed scheme targets"),
        SurveyUpload => ("上传调查数据", "Uploaded survey data"),
        IndexBuild => ("构建指数", "Built the index"),
        ConsentGrant => ("授予征信授权", "Granted a consent"),
        ConsentRevoke => ("撤销征信授权", "Revoked a consent"),
        TokenCreate => ("创建令牌", "Created a token"),
        TokenRevoke => ("撤销令牌", "Revoked a token"),
        UserCreate => ("创建账户", "Created an account"),
        UserUpdate => ("修改账户", "Changed an account"),
        UserEnable => ("启用账户", "Enabled an account"),
        UserDisable => ("停用账户", "Disabled an account"),
        AuditRead => ("查看审计日志", "Read the audit log"),
        CatalogueImport => ("导入对接目录", "Imported a catalogue"),
        DealOpen => ("发起对接", "Opened a deal"),
        DealMove => ("推进对接", "Moved a deal"),
        TalentList => ("查看人才库", "Listed the talent pool"),
        TalentDuplicates => ("查看重复人才", "Listed talent duplicates"),
        TalentRead => ("查看人才信息", "Read a person"),
        TalentImport => ("导入人才", "Imported people"),
        TalentMerge => ("合并人才记录", "Merged people"),
        RoundOpen => ("开启调查轮次", "Opened a survey round"),
        RoundClose => ("关闭调查轮次", "Closed a survey round"),
        RoundReopen => ("重开调查轮次", "Reopened a survey round"),
        RoundStatus => ("查看填报进度", "Read a round's progress"),
        FormRead => ("查看填报表", "Read a form"),
        FormSave => ("保存填报表", "Saved a form"),
        FormSubmit => ("提交填报表", "Submitted a form"),
        FormReturn => ("退回填报表", "Returned a form"),
        FormApprove => ("审核通过填报表", "Approved a form"),
        RoundRemind => ("发送催报", "Sent reminders"),
        SourceImport => ("导入外部数据", "Imported a source"),
        PolicyWhatIf => ("政策模拟", "Ran a what-if"),
        ScenarioSave => ("保存情景", "Saved a scenario"),
        ScenarioDelete => ("删除情景", "Deleted a scenario"),
        ScenarioExport => ("导出情景", "Exported a scenario"),
        LoanApply => ("申请积分贷", "Applied for a loan"),
        LoanAnswer => ("答复贷款申请", "Answered a loan application"),
        LoansRecord => ("登记贷款", "Recorded loans"),
        LoansRead => ("查看贷款", "Read loans"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_name_in_each_language_and_no_two_share_one() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            let (zh, en) = action_names(a);
            assert!(!zh.is_empty() && !en.is_empty(), "{a}");
            assert!(seen.insert(zh) && seen.insert(en), "{a}: {zh} / {en}");
        }
    }
}
