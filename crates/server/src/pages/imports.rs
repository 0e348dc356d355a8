//! Survey uploads, index builds and rebuilds, and the published regional tables.

use super::*;

/// A multipart form's text fields and its `file` (name and bytes).
pub(super) async fn read_form(
    form: &mut Multipart,
) -> ApiResult<(Vec<(String, String)>, Option<(String, Vec<u8>)>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(e.body_text())
        }
    };
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload.csv").to_string();
            file = Some((file_name, field.bytes().await.map_err(bad)?.to_vec()));
        } else {
            fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok((fields, file))
}

// --- survey upload --------------------------------------------------------------------------------

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

// --- builds ---------------------------------------------------------------------------------------

pub(super) async fn builds(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let builds = state
        .store
        .builds()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let batches = state
        .store
        .batches()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let body = html! {
        form method="post" action=(action("/builds", p)) { button #rebuild { (l.text(Text::RebuildTheIndex)) } }
        h2 { (l.text(Text::IndexBuilds)) }
        table #builds {
            tr {
                th { "#" } th { (l.text(Text::Framework)) } th { (l.text(Text::Years)) }
                th.num { (l.text(Text::Units)) } th { (l.text(Text::When)) } th { (l.text(Text::By)) }
            }
            @for b in &builds {
                tr {
                    td { (b.id) }
                    td { (b.framework_id) " " (b.framework_version) }
                    td { (b.years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }
                    td.num { (b.units) }
                    td { (b.created_at) }
                    td { (b.user_name) }
                }
            }
        }
        h2 { (l.text(Text::Imports)) }
        table #imports {
            tr {
                th { "#" } th { (l.text(Text::File)) } th.num { (l.text(Text::Rows)) }
                th.num { (l.text(Text::Inserted)) } th.num { (l.text(Text::Updated)) }
                th { (l.text(Text::By)) } th { (l.text(Text::When)) }
            }
            @for b in &batches {
                tr {
                    td { (b.id) } td { (b.file_name) } td.num { (b.rows_total) } td.num { (b.rows_inserted) }
                    td.num { (b.rows_updated) } td { (b.user_name) } td { (b.imported_at) }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::IndexBuilds), body))
}

pub(super) async fn rebuild(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
) -> PageResult {
    match api::start_rebuild(&state, ctx.allowed()).await {
        Ok(()) | Err(ApiError::Conflict(_)) => Ok(Redirect::to("/builds").into_response()),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

// --- regional tables ------------------------------------------------------------------------------

pub(super) async fn tables(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ReadAggregates>,
    Query(y): Query<api::YearParam>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let title = l.text(Text::RegionalTables);
    let t = match api::region_tables(&state, ctx.allowed(), y.year).await {
        Ok(t) => t,
        Err(ApiError::NotFound(m)) => return Ok(page(&ctx, p, title, html! { p { (m) } })),
        Err(e) => return Err(PageError(e, l)),
    };
    let bars: Vec<(String, f64)> = t
        .by_district
        .published()
        .filter_map(|(label, f)| f.map(|f| (label.to_string(), f.enterprises as f64)))
        .collect();
    let body = html! {
        p.muted {
            (l.text(Text::Year)) " " (t.year) " · "
            (l.text(Text::StatisticalDisclosureControlAppliedCells))
        }
        (kechuang_tabular::bar_chart_markup(l.text(Text::EnterprisesByDistrict), &bars, ""))
        h2 { (l.text(Text::ByDistrict)) }
        (one_way_html(&t.by_district, l, "by-district"))
        h2 { (l.text(Text::ByIndustry)) }
        (one_way_html(&t.by_industry, l, "by-industry"))
        h2 { (l.text(Text::ByHighTechField)) }
        (one_way_html(&t.by_field, l, "by-field"))
    };
    Ok(page(&ctx, p, title, body))
}

// --- consents -------------------------------------------------------------------------------------
