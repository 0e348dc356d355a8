//! The administration page's own actions: accounts enabled, disabled and given new passwords,
//! tokens listed and revoked, the audit log's actions named.

use serde_json::json;

use super::eventually_audited;
use crate::Fixture;

pub async fn the_admin_page_enables_disables_sets_passwords_and_revokes_tokens(f: &Fixture) {
    let admin = f.session("admin").await;
    let made = admin
        .post_json(
            "/api/v1/admin/users",
            json!({"name": "d9", "display_name": "<script>x</script>", "password": "first-password", "role": "analyst", "scope": ""}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let analyst = f.session("analyst").await;
    let token = analyst
        .post_json(
            "/api/v1/tokens",
            json!({"label": "nightly \"export\"", "scopes": "read"}),
        )
        .await
        .json();
    let (id, secret) = (
        token["id"].as_i64().expect("id"),
        token["token"].as_str().expect("secret").to_string(),
    );
    // The page lists the accounts with their buttons, and every account's tokens with their owners.
    let page = admin.get("/admin").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("class=\"toggle-user\"") && page.text.contains("class=\"set-password\"")
    );
    assert!(
        page.text.contains("id=\"tokens\"") && page.text.contains("nightly &quot;export&quot;")
    );
    assert!(page.text.contains(&format!("/tokens/{id}/revoke")));
    assert!(
        !page.text.contains("<script>x</script>"),
        "names are escaped"
    );
    // Actions are named, not coded (the code stays in the cell's title).
    eventually_audited(f, |e| e.iter().any(|x| x.action == "user.create")).await;
    let page = admin.get("/admin").await;
    assert!(page.text.contains("创建账户"), "{}", page.text);
    // A new password: the old one no longer signs in, the new one does.
    let set = admin
        .post_form("/admin/users/d9", &[("password", "second-password")])
        .await;
    assert_eq!(set.status, 303, "{}", set.text);
    assert_eq!(f.client().login("d9", "first-password").await.0, 401);
    assert_eq!(f.client().login("d9", "second-password").await.0, 200);
    let short = admin
        .post_form("/admin/users/d9", &[("password", "short")])
        .await;
    assert_eq!(short.status, 400, "{}", short.text);
    // Disabled, then enabled again.
    let off = admin
        .post_form("/admin/users/d9", &[("disabled", "true")])
        .await;
    assert_eq!(off.status, 303);
    assert_eq!(f.client().login("d9", "second-password").await.0, 401);
    let on = admin
        .post_form("/admin/users/d9", &[("disabled", "false")])
        .await;
    assert_eq!(on.status, 303);
    assert_eq!(f.client().login("d9", "second-password").await.0, 200);
    // Only an administrator may do any of this from the page.
    for (path, pairs) in [
        (
            "/admin/users/d9".to_string(),
            vec![("password", "taken-over-pw")],
        ),
        (format!("/tokens/{id}/revoke"), vec![]),
    ] {
        assert_eq!(analyst.post_form(&path, &pairs).await.status, 403, "{path}");
    }
    // The token works until the administrator revokes it from the page.
    let mut with_token = f.client();
    with_token.token = Some(secret);
    assert_eq!(with_token.get("/api/v1/me").await.status, 200);
    let revoked = admin.post_form(&format!("/tokens/{id}/revoke"), &[]).await;
    assert_eq!(revoked.status, 303);
    assert_eq!(with_token.get("/api/v1/me").await.status, 401);
    assert_eq!(
        admin
            .post_form(&format!("/tokens/{id}/revoke"), &[])
            .await
            .status,
        404,
        "a revoked token is not revoked twice"
    );
    eventually_audited(f, |e| e.iter().any(|x| x.action == "token.revoke")).await;
    assert!(admin.get("/admin").await.text.contains("撤销令牌"));
}
