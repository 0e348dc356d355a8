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

pub(super) fn upload_form_html(l: Lang, p: &Principal) -> String {
    format!(
        "<form method=\"post\" enctype=\"multipart/form-data\" action=\"{}\" id=\"upload\">\
         <label>{}<input type=\"file\" name=\"file\" id=\"file\" accept=\".csv,.xlsx\" required></label>\
         <label><span><input type=\"checkbox\" name=\"dry_run\" value=\"true\" id=\"dry-run\"> {}</span></label>\
         <p><button type=\"submit\" id=\"upload-submit\">{}</button></p></form>\
         <p class=\"muted\">{}</p>",
        action("/upload", p),
        l.pick("调查文件（CSV 或 XLSX）", "Survey file (CSV or XLSX)"),
        l.pick("仅校验，不导入", "validate only, do not import"),
        l.pick("上传", "Upload"),
        l.pick(
            "每一行都会校验；有错误时整个文件不导入。模板：kechuang survey template。",
            "Every row is validated; a file with errors is not imported at all. Template: kechuang survey template."
        )
    )
}

pub(super) async fn upload_form(ctx: PageAllowed<can::FileSurvey>) -> PageResult {
    let p = ctx.require(Capability::FileSurvey).or_page(&ctx)?;
    let l = ctx.lang;
    Ok(page(
        &ctx,
        p,
        l.pick("调查上报", "Survey upload"),
        &upload_form_html(l, p),
    ))
}

pub(super) async fn upload_submit(
    State(state): State<Shared>,
    ctx: PageAllowed<can::FileSurvey>,
    mut form: Multipart,
) -> PageResult {
    let p = ctx.require(Capability::FileSurvey).or_page(&ctx)?;
    let l = ctx.lang;
    let (fields, file) = read_form(&mut form).await.or_page(&ctx)?;
    let dry_run = fields.iter().any(|(k, _)| k == "dry_run");
    let (name, bytes) = file
        .ok_or_else(|| ApiError::BadRequest("choose a file".into()))
        .or_page(&ctx)?;
    let mut body = upload_form_html(l, p);
    match api::upload_survey(&state, &ctx, &name, &bytes, dry_run).await {
        Ok(r) => {
            let verdict = if r.imported {
                format!(
                    "<p class=\"ok\" id=\"verdict\">{} {}</p>",
                    l.pick("已导入：", "Imported:"),
                    esc(&r
                        .summary
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_default())
                )
            } else if r.errors > 0 {
                format!(
                    "<p class=\"error\" id=\"verdict\">{}</p>",
                    l.pick(
                        "文件有错误，未导入任何数据。",
                        "The file has errors; nothing was imported."
                    )
                )
            } else {
                format!(
                    "<p class=\"ok\" id=\"verdict\">{}</p>",
                    l.pick("校验通过（未导入）。", "Valid (not imported).")
                )
            };
            let _ = write!(
                body,
                "<h2>{}</h2>{verdict}<p id=\"counts\">{} · {} {} · {} {} · {} {}</p>\
                 <table id=\"report\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                l.pick("校验报告", "Validation report"),
                esc(&r.file_name),
                l.pick("行数", "rows"),
                r.rows,
                l.pick("错误", "errors"),
                r.errors,
                l.pick("警告", "warnings"),
                r.warnings,
                l.pick("行", "Row"),
                l.pick("列", "Column"),
                l.pick("值", "Value"),
                l.pick("级别", "Severity"),
                l.pick("规则", "Rule"),
                l.pick("说明", "Message"),
            );
            for i in r.issues.iter().take(1000) {
                let _ = write!(
                    body,
                    "<tr class=\"{}\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    i.severity,
                    i.row,
                    esc(&i.column),
                    esc(&i.value),
                    i.severity,
                    esc(&i.rule),
                    esc(&i.message)
                );
            }
            body.push_str("</table>");
        }
        Err(ApiError::BadRequest(m)) => {
            let _ = write!(body, "<p class=\"error\" id=\"verdict\">{}</p>", esc(&m));
        }
        Err(e) => return Err(PageError(e, l)),
    }
    Ok(page(&ctx, p, l.pick("调查上报", "Survey upload"), &body))
}

// --- builds ---------------------------------------------------------------------------------------

pub(super) async fn builds(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
) -> PageResult {
    let p = ctx.require(Capability::BuildIndex).or_page(&ctx)?;
    let l = ctx.lang;
    let builds = api::builds_json(&state).await.or_page(&ctx)?;
    let batches = state
        .store
        .batches()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let mut body = format!(
        "<form method=\"post\" action=\"{}\"><button id=\"rebuild\">{}</button></form><h2>{}</h2>\
         <table id=\"builds\"><tr><th>#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr>",
        action("/builds", p),
        l.pick("重新构建指数", "Rebuild the index"),
        l.pick("指数构建", "Index builds"),
        l.pick("指标框架", "Framework"),
        l.pick("年度", "Years"),
        l.pick("企业年", "Units"),
        l.pick("时间", "When"),
        l.pick("用户", "By"),
    );
    for b in &builds {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{} {}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            b["id"],
            esc(b["framework"].as_str().unwrap_or("")),
            esc(b["framework_version"].as_str().unwrap_or("")),
            esc(&b["years"]
                .as_array()
                .map(|ys| ys
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()),
            b["units"],
            esc(b["created_at"].as_str().unwrap_or("")),
            esc(b["user"].as_str().unwrap_or(""))
        );
    }
    let _ = write!(
        body,
        "</table><h2>{}</h2><table id=\"imports\"><tr><th>#</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr>",
        l.pick("导入批次", "Imports"),
        l.pick("文件", "File"),
        l.pick("行数", "Rows"),
        l.pick("新增", "Inserted"),
        l.pick("更新", "Updated"),
        l.pick("用户", "By"),
        l.pick("时间", "When"),
    );
    for b in &batches {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            b.id,
            esc(&b.file_name),
            b.rows_total,
            b.rows_inserted,
            b.rows_updated,
            esc(&b.user_name),
            esc(&b.imported_at)
        );
    }
    body.push_str("</table>");
    Ok(page(&ctx, p, l.pick("指数构建", "Index builds"), &body))
}

pub(super) async fn rebuild(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
) -> PageResult {
    match api::start_rebuild(&state, &ctx).await {
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
    let t = match api::region_tables(&state, &ctx, y.year).await {
        Ok(t) => t,
        Err(ApiError::NotFound(m)) => {
            return Ok(page(
                &ctx,
                p,
                l.pick("区域统计", "Regional tables"),
                &format!("<p>{}</p>", esc(&m)),
            ));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let bars: Vec<(String, f64)> = t
        .by_district
        .published()
        .filter_map(|(label, f)| f.map(|f| (label.to_string(), f.enterprises as f64)))
        .collect();
    let body = format!(
        "<p class=\"muted\">{} {} · {}</p>{}<h2>{}</h2>{}<h2>{}</h2>{}<h2>{}</h2>{}",
        l.pick("年度", "Year"),
        t.year,
        l.pick(
            "已做统计披露控制：少于 3 家企业或单一企业占比过高的单元格以 x 表示。",
            "Statistical disclosure control applied: cells with fewer than 3 enterprises or one dominant enterprise show x."
        ),
        kechuang_tabular::bar_chart(l.pick("各区企业数", "Enterprises by district"), &bars, ""),
        l.pick("按区", "By district"),
        one_way_html(&t.by_district, l, "by-district"),
        l.pick("按行业", "By industry"),
        one_way_html(&t.by_industry, l, "by-industry"),
        l.pick("按技术领域", "By high-tech field"),
        one_way_html(&t.by_field, l, "by-field"),
    );
    Ok(page(&ctx, p, l.pick("区域统计", "Regional tables"), &body))
}

// --- consents -------------------------------------------------------------------------------------
