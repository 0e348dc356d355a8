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
            label { (l.pick("调查文件（CSV 或 XLSX）", "Survey file (CSV or XLSX)"))
                input type="file" name="file" #file accept=".csv,.xlsx" required; }
            label { span { input type="checkbox" name="dry_run" value="true" #dry-run; " " (l.pick("仅校验，不导入", "validate only, do not import")) } }
            p { button type="submit" #upload-submit { (l.pick("上传", "Upload")) } }
        }
        p.muted { (l.pick(
            "每一行都会校验；有错误时整个文件不导入。模板：kechuang survey template。",
            "Every row is validated; a file with errors is not imported at all. Template: kechuang survey template."
        )) }
    }
}

pub(super) async fn upload_form(ctx: PageAllowed<can::FileSurvey>) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    Ok(page(
        &ctx,
        p,
        l.pick("调查上报", "Survey upload"),
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
            h2 { (l.pick("校验报告", "Validation report")) }
            @if r.imported {
                p.ok #verdict { (l.pick("已导入：", "Imported:")) " " (r.summary.as_ref().map(|s| s.to_string()).unwrap_or_default()) }
            } @else if r.errors > 0 {
                p.error #verdict { (l.pick("文件有错误，未导入任何数据。", "The file has errors; nothing was imported.")) }
            } @else {
                p.ok #verdict { (l.pick("校验通过（未导入）。", "Valid (not imported).")) }
            }
            p #counts {
                (r.file_name) " · " (l.pick("行数", "rows")) " " (r.rows) " · " (l.pick("错误", "errors")) " " (r.errors)
                " · " (l.pick("警告", "warnings")) " " (r.warnings)
            }
            table #report {
                tr {
                    th { (l.pick("行", "Row")) } th { (l.pick("列", "Column")) } th { (l.pick("值", "Value")) }
                    th { (l.pick("级别", "Severity")) } th { (l.pick("规则", "Rule")) } th { (l.pick("说明", "Message")) }
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
    Ok(page(&ctx, p, l.pick("调查上报", "Survey upload"), body))
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
        form method="post" action=(action("/builds", p)) { button #rebuild { (l.pick("重新构建指数", "Rebuild the index")) } }
        h2 { (l.pick("指数构建", "Index builds")) }
        table #builds {
            tr {
                th { "#" } th { (l.pick("指标框架", "Framework")) } th { (l.pick("年度", "Years")) }
                th.num { (l.pick("企业年", "Units")) } th { (l.pick("时间", "When")) } th { (l.pick("用户", "By")) }
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
        h2 { (l.pick("导入批次", "Imports")) }
        table #imports {
            tr {
                th { "#" } th { (l.pick("文件", "File")) } th.num { (l.pick("行数", "Rows")) }
                th.num { (l.pick("新增", "Inserted")) } th.num { (l.pick("更新", "Updated")) }
                th { (l.pick("用户", "By")) } th { (l.pick("时间", "When")) }
            }
            @for b in &batches {
                tr {
                    td { (b.id) } td { (b.file_name) } td.num { (b.rows_total) } td.num { (b.rows_inserted) }
                    td.num { (b.rows_updated) } td { (b.user_name) } td { (b.imported_at) }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.pick("指数构建", "Index builds"), body))
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
    let title = l.pick("区域统计", "Regional tables");
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
            (l.pick("年度", "Year")) " " (t.year) " · "
            (l.pick(
                "已做统计披露控制：少于 3 家企业或单一企业占比过高的单元格以 x 表示。",
                "Statistical disclosure control applied: cells with fewer than 3 enterprises or one dominant enterprise show x."
            ))
        }
        (kechuang_tabular::bar_chart_markup(l.pick("各区企业数", "Enterprises by district"), &bars, ""))
        h2 { (l.pick("按区", "By district")) }
        (one_way_html(&t.by_district, l, "by-district"))
        h2 { (l.pick("按行业", "By industry")) }
        (one_way_html(&t.by_industry, l, "by-industry"))
        h2 { (l.pick("按技术领域", "By high-tech field")) }
        (one_way_html(&t.by_field, l, "by-field"))
    };
    Ok(page(&ctx, p, title, body))
}

// --- consents -------------------------------------------------------------------------------------
