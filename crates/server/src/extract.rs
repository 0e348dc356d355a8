//! What a handler may ask for about its caller, as types: a handler states its permission in its
//! signature (`Allowed<can::Targets>`, `SignedIn`, or — for the few open routes — `Anyone`), and the
//! extractor refuses the request before the handler runs. [`Ctx`] itself is not an extractor, so a
//! handler cannot reach the request's principal without going through one of these; a tidiness
//! test keeps handlers from taking it any other way.
//!
//! Each extractor dereferences to [`Ctx`], so the use cases below keep taking `&Ctx` and still ask
//! [`crate::access`] for enterprise-level decisions (which need the enterprise's facts).

use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::Ctx;
use crate::access::{Capability, Principal};
use crate::error::ApiError;
use crate::i18n::Lang;

/// A capability as a type, for [`Allowed`] and [`PageAllowed`].
pub trait Permission: Send + Sync + 'static {
    /// The capability the role (and credential) must have.
    const CAPABILITY: Capability;
}

/// The permissions, one type per [`Capability`].
pub mod can {
    use super::{Capability, Permission};

    macro_rules! permissions {
        ($($name:ident),* $(,)?) => {$(
            #[doc = concat!("[`Capability::", stringify!($name), "`].")]
            #[derive(Debug)]
            pub struct $name;
            impl Permission for $name {
                const CAPABILITY: Capability = Capability::$name;
            }
        )*};
    }

    permissions!(
        ReadAggregates,
        ListEnterprises,
        Targets,
        FileSurvey,
        BuildIndex,
        ManageConsents,
        Talent,
        Administer,
        ManageRounds,
        ReviewFilings,
    );
}

fn ctx_of(parts: &Parts) -> Result<Ctx, ApiError> {
    parts
        .extensions
        .get::<Ctx>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("request did not pass the guard".into()))
}

/// A caller whose role and credential allow `P` (API routes: 401 or 403 as JSON otherwise).
pub struct Allowed<P: Permission> {
    ctx: Ctx,
    principal: Principal,
    _permission: PhantomData<P>,
}

impl<P: Permission> Allowed<P> {
    /// The principal (checked).
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The caller as the use cases take it.
    pub fn caller(&self) -> kechuang_app::Caller<'_> {
        kechuang_app::Caller {
            principal: &self.principal,
            remote: &self.ctx.remote,
        }
    }
}

impl<P: Permission> Deref for Allowed<P> {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.ctx
    }
}

impl<S: Send + Sync, P: Permission> FromRequestParts<S> for Allowed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let ctx = ctx_of(parts)?;
        let principal = ctx.require(P::CAPABILITY)?.clone();
        Ok(Allowed {
            ctx,
            principal,
            _permission: PhantomData,
        })
    }
}

/// Any signed-in caller (API routes: 401 otherwise). What it may read is decided per enterprise.
pub struct SignedIn(Ctx, Principal);

impl SignedIn {
    /// The principal (checked).
    pub fn principal(&self) -> &Principal {
        &self.1
    }
}

impl Deref for SignedIn {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let ctx = ctx_of(parts)?;
        let principal = ctx.user()?.clone();
        Ok(SignedIn(ctx, principal))
    }
}

/// A route open to everyone (login, health, the API document, the language switch): says so in
/// the handler's signature.
pub struct Anyone(Ctx);

impl Deref for Anyone {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Anyone {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        ctx_of(parts).map(Anyone)
    }
}

/// A refusal on a page: to the login page without a session, an error page otherwise.
pub struct PageRefusal(pub ApiError, pub Lang);

impl IntoResponse for PageRefusal {
    fn into_response(self) -> Response {
        crate::pages::page_error(self.0, self.1)
    }
}

/// [`Allowed`] for pages: the same check, refused as a page.
pub struct PageAllowed<P: Permission>(Allowed<P>);

impl<P: Permission> PageAllowed<P> {
    /// The principal (checked).
    pub fn principal(&self) -> &Principal {
        self.0.principal()
    }

    /// The permission as the use cases take it.
    pub fn allowed(&self) -> &Allowed<P> {
        &self.0
    }
}

impl<P: Permission> Deref for PageAllowed<P> {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.0
    }
}

impl<S: Send + Sync, P: Permission> FromRequestParts<S> for PageAllowed<P> {
    type Rejection = PageRefusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageRefusal> {
        Allowed::from_request_parts(parts, state)
            .await
            .map(PageAllowed)
            .map_err(|e| PageRefusal(e, page_lang(parts)))
    }
}

/// [`SignedIn`] for pages: the same check, refused as a page.
pub struct PageSignedIn(SignedIn);

impl PageSignedIn {
    /// The principal (checked).
    pub fn principal(&self) -> &Principal {
        self.0.principal()
    }
}

impl Deref for PageSignedIn {
    type Target = Ctx;
    fn deref(&self) -> &Ctx {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageSignedIn {
    type Rejection = PageRefusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageRefusal> {
        SignedIn::from_request_parts(parts, state)
            .await
            .map(PageSignedIn)
            .map_err(|e| PageRefusal(e, page_lang(parts)))
    }
}

/// The language a refusal page is written in.
fn page_lang(parts: &Parts) -> Lang {
    parts.extensions.get::<Ctx>().map_or(Lang::Zh, |c| c.lang)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The handlers open to everyone, by file: a new one must be added here on purpose.
    const OPEN: [(&str, &str); 5] = [
        ("resources/sessions/api.rs", "login"),
        ("resources/sessions/pages.rs", "login_form"),
        ("resources/sessions/pages.rs", "login_submit"),
        ("resources/sessions/pages.rs", "logout"),
        ("pages/mod.rs", "not_found"),
    ];

    fn sources(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("sources") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path
                    .strip_prefix(root)
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((name, std::fs::read_to_string(&path).expect("utf8")));
            }
        }
    }

    #[test]
    fn only_the_listed_handlers_are_open_to_everyone() {
        // Every source file of the crate is read, so a new module cannot be missed.
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &root, &mut files);
        assert!(files.len() > 20, "read {} files", files.len());
        let mut open = Vec::new();
        // (This file defines the extractors; the handlers are everywhere else.)
        for (file, text) in files.iter().filter(|(f, _)| f != "extract.rs") {
            for (at, _) in text.match_indices(": Anyone") {
                let name = text[..at]
                    .rfind("async fn ")
                    .map(|i| &text[i + 9..])
                    .and_then(|t| t.split('(').next())
                    .unwrap_or("?");
                open.push((file.as_str(), name));
            }
        }
        let mut expected = OPEN.to_vec();
        expected.sort();
        open.sort();
        assert_eq!(open, expected);
    }
}
