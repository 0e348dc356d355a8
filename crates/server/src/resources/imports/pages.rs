//! The survey upload page: the form, and the validation report of a file sent.

use crate::pages::prelude::*;

pub(super) fn upload_form_html(l: Lang, p: &Principal) -> Markup {
    html! {
        form method="post" enctype="multipart/form-data" action=(action("/upload", p)) #upload {
            label { (l.text(Text::SurveyFileCSVOrXLSX))
                input type="file" name="file" #file accept=".csv,.xlsx" required; }
            label { span { input type="checkbox" name="dry_run" value="true" #dry-run; " " (l.text(Text::ValidateOnlyDoNotImport)) } }
            p { button type="submit" #upload-submit { (l.text(Text::Upload)) } }
        }
        p.muted { (l.text(Text::EveryRowIsValidatedA)) }
    }
}

pub(super) async fn upload_form(ctx: PageAllowed<can::FileSurvey>) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    Ok(page(
        &ctx,
        p,
        l.text(Text::SurveyUpload),
        upload_form_html(l, p),
    ))
}

pub(super) async fn upload_submit(
    State(state): State<Shared>,
    ctx: PageAllowed<can::FileSurvey>,
    mut form: Multipart,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let (fields, file) = read_form(&mut form).await.or_page(&ctx)?;
    let dry_run = fields.iter().any(|(k, _)| k == "dry_run");
    let (name, bytes) = file
        .ok_or_else(|| ApiError::BadRequest("choose a file".into()))
        .or_page(&ctx)?;
    let report = match api::upload_survey(&state, ctx.allowed(), &name, &bytes, dry_run).await {
        Ok(r) => html! {
            h2 { (l.text(Text::ValidationReport)) }
            @if r.imported {
                p.ok #verdict { (l.text(Text::Imported)) " " (r.summary.as_ref().map(|s| s.to_string()).unwrap_or_default()) }
            } @else if r.errors > 0 {
                p.error #verdict { (l.text(Text::TheFileHasErrorsNothing)) }
            } @else {
                p.ok #verdict { (l.text(Text::ValidNotImported)) }
            }
            p #counts {
                (r.file_name) " · " (l.text(Text::RowsLower)) " " (r.rows) " · " (l.text(Text::Errors)) " " (r.errors)
                " · " (l.text(Text::Warnings)) " " (r.warnings)
            }
            table #report {
                tr {
                    th { (l.text(Text::Row)) } th { (l.text(Text::Column)) } th { (l.text(Text::Value)) }
                    th { (l.text(Text::Severity)) } th { (l.text(Text::Rule)) } th { (l.text(Text::Message)) }
                }
                @for i in r.issues.iter().take(1000) {
                    tr class=(i.severity) {
                        td.num { (i.row) } td { (i.column) } td { (i.value) }
                        td { (i.severity) } td { (i.rule) } td { (i.message) }
                    }
                }
            }
        },
        Err(ApiError::BadRequest(m)) => html! { p.error #verdict { (m) } },
        Err(e) => return Err(PageError(e, l)),
    };
    let body = html! { (upload_form_html(l, p)) (report) };
    Ok(page(&ctx, p, l.text(Text::SurveyUpload), body))
}
