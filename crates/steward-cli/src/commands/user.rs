//! `steward user`: the people and machines `steward serve` lets in. The
//! command line is the operator's own door (they hold the catalog's files),
//! so it needs no login; every change is still audited under `--by`.

use std::io::BufRead;

use steward_service::{NewToken, TokenRequest, TokenView, UserView, generate_password};
use steward_types::ErrorKind;

use crate::cli::UserCommand;
use crate::commands::{actor, with_steward};
use crate::config::Loaded;
use crate::failure::kind_of;
use crate::output::Output;

/// One line of stdin, without its line end.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        anyhow::bail!("no password on stdin");
    }
    Ok(password)
}

fn when(at: Option<chrono::DateTime<chrono::Utc>>, none: &str) -> String {
    at.map_or(none.to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

pub async fn run(loaded: &Loaded, command: UserCommand, out: &Output) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => {
            let (password, generated) = match (args.password_stdin, args.no_password) {
                (true, _) => (Some(password_from_stdin()?), false),
                (false, true) => (None, false),
                (false, false) => (Some(generate_password()), true),
            };
            let by = actor(&args.by);
            let added = with_steward(loaded, async |s| {
                s.add_user(&by, &args.name, args.role, password.as_deref())
                    .await
            })
            .await;
            let user = match added {
                Ok(user) => user,
                Err(e) if args.exists_ok && kind_of(&e) == ErrorKind::Conflict => {
                    let report = serde_json::json!({ "user": args.name, "existed": true });
                    return out.print(&report, |_| {
                        format!("user `{}` already exists; its password is kept", args.name)
                    });
                }
                Err(e) => return Err(e),
            };
            let shown = generated.then(|| password.clone().unwrap_or_default());
            let report = serde_json::json!({ "user": user, "password": shown });
            out.print(&report, |_| {
                let mut text = format!("added {} `{}`\n", user.role, user.name);
                if let Some(p) = &shown {
                    text.push_str(&format!(
                        "password: {p}\n(shown once; change it with `steward user passwd {}`, the new one on stdin)\n",
                        user.name
                    ));
                }
                text
            })
        }
        UserCommand::List => {
            let users = with_steward(loaded, async |s| s.users().await).await?;
            out.print(&users, |users: &Vec<UserView>| {
                if users.is_empty() {
                    return "no users; add the first admin with `steward user add NAME --role admin`"
                        .to_string();
                }
                let mut text = format!(
                    "{:<24} {:<8} {:<9} {:<6} {}\n",
                    "NAME", "ROLE", "PASSWORD", "TOKENS", "STATE"
                );
                for u in users {
                    text.push_str(&format!(
                        "{:<24} {:<8} {:<9} {:<6} {}\n",
                        u.name,
                        u.role,
                        if u.has_password { "set" } else { "none" },
                        u.live_tokens,
                        if u.disabled { "disabled" } else { "active" }
                    ));
                }
                text
            })
        }
        UserCommand::Remove(args) => {
            let by = actor(&args.by);
            with_steward(loaded, async |s| s.remove_user(&by, &args.name).await).await?;
            out.print(&serde_json::json!({ "removed": args.name }), |_| {
                format!(
                    "removed user `{}` with their sessions and tokens",
                    args.name
                )
            })
        }
        UserCommand::Passwd(args) => {
            let password = password_from_stdin()?;
            let by = actor(&args.by);
            with_steward(loaded, async |s| {
                s.set_password(&by, &args.name, &password).await
            })
            .await?;
            out.print(&serde_json::json!({ "user": args.name }), |_| {
                format!("password of `{}` set; their sessions ended", args.name)
            })
        }
        UserCommand::Role(args) => {
            let by = actor(&args.by);
            with_steward(loaded, async |s| {
                s.set_role(&by, &args.name, args.role).await
            })
            .await?;
            out.print(
                &serde_json::json!({ "user": args.name, "role": args.role }),
                |_| format!("`{}` is now a {}", args.name, args.role),
            )
        }
        UserCommand::Token(args) => {
            let by = actor(&args.by);
            let expires_at = args
                .expires_days
                .map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
            let request = TokenRequest {
                user: args.name.clone(),
                label: args.label.clone(),
                role: args.role,
                expires_at,
            };
            let token = with_steward(loaded, async |s| s.create_token(&by, &request).await).await?;
            out.print(&token, |t: &NewToken| {
                format!(
                    "{}\n(a {} token for `{}`, {}; shown once: keep it now. Revoke it with `steward user revoke {}`)\n",
                    t.token,
                    t.view.role,
                    t.view.user,
                    when(t.view.expires_at, "no expiry"),
                    t.view.prefix
                )
            })
        }
        UserCommand::Tokens { user } => {
            let tokens = with_steward(loaded, async |s| s.tokens(user.as_deref()).await).await?;
            out.print(&tokens, |tokens: &Vec<TokenView>| {
                if tokens.is_empty() {
                    return "no tokens".to_string();
                }
                let mut text = format!(
                    "{:<13} {:<16} {:<8} {:<16} {:<16} {}\n",
                    "PREFIX", "USER", "ROLE", "EXPIRES", "LAST USED", "LABEL"
                );
                for t in tokens {
                    let expires = match t.revoked_at {
                        Some(at) => format!("revoked {}", at.format("%Y-%m-%d")),
                        None => when(t.expires_at, "never"),
                    };
                    text.push_str(&format!(
                        "{:<13} {:<16} {:<8} {:<16} {:<16} {}\n",
                        t.prefix,
                        t.user,
                        t.role,
                        expires,
                        when(t.last_used_at, "never"),
                        t.label
                    ));
                }
                text
            })
        }
        UserCommand::Revoke { prefix, by } => {
            let by = actor(&by);
            let token = with_steward(loaded, async |s| s.revoke_token(&by, &prefix).await).await?;
            out.print(&token, |t: &TokenView| {
                format!("token `{}` of `{}` revoked", t.prefix, t.user)
            })
        }
    }
}
