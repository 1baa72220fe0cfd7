//! `corral share`: the fair-share tree (sshare -l): each account followed by its users and
//! sub-accounts, indented by depth, with raw and normalised shares, raw and effective usage,
//! level fair-share and each user's fair-share factor. Usage is not replicated between schedulers
//! yet, so every usage is 0 and the factors follow the shares; the table says so.
//! `--json` prints `{"rows": [...]}` (`ctl/JSON.md`, "Share").

use crate::client::{Client, ClusterArgs};
use crate::exit::{finish, Failure};
use crate::human::wrap;
use crate::table::{columns, MAX_WIDTH};
use crate::view::print_json;
use corral_proto::v1::ShareRow;
use serde::Serialize;
use std::process::ExitCode;

/// The fair-share tree: shares, usage and factors
#[derive(clap::Args)]
pub struct ShareArgs {
    /// Only this user's rows (and the accounts above them)
    #[arg(long, short = 'u')]
    user: Option<String>,
    /// Print the tree as JSON (see ctl/JSON.md)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Serialize)]
struct ShareJson {
    rows: Vec<ShareRowView>,
}

#[derive(Serialize)]
struct ShareRowView {
    depth: u32,
    /// `account` or `user`.
    kind: String,
    name: String,
    /// The account itself, or the user's account.
    account: String,
    raw_shares: u32,
    norm_shares: f64,
    raw_usage: f64,
    effective_usage: f64,
    /// `null` for root, and for an association with no usage (its level fair-share is infinite).
    level_fairshare: Option<f64>,
    /// Users only.
    factor: Option<f64>,
}

pub fn run(args: ShareArgs) -> ExitCode {
    finish("share", share(&args))
}

fn share(args: &ShareArgs) -> Result<(), Failure> {
    let rows = Client::new(&args.cluster)?.fair_share()?;
    let rows = match &args.user {
        Some(user) => of_user(&rows, user),
        None => rows,
    };
    if args.json {
        let rows = rows.into_iter().map(view).collect();
        return print_json(&ShareJson { rows });
    }
    print!("{}", table(&rows));
    if rows.iter().all(|r| r.raw_usage == 0.0) {
        print!(
            "{}",
            wrap(
                "No usage is recorded (usage is not replicated between schedulers yet): the \
                 fair-share factors follow the shares.",
                MAX_WIDTH
            )
        );
    }
    Ok(())
}

/// The rows of `user` and of the accounts above each of them, in order.
fn of_user(rows: &[ShareRow], user: &str) -> Vec<ShareRow> {
    let mut keep = vec![false; rows.len()];
    for (i, row) in rows.iter().enumerate() {
        if row.kind != "user" || row.name != user {
            continue;
        }
        keep[i] = true;
        let mut depth = row.depth;
        for j in (0..i).rev() {
            if rows[j].depth < depth {
                keep[j] = true;
                depth = rows[j].depth;
            }
        }
    }
    rows.iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(r, _)| r.clone())
        .collect()
}

fn view(row: ShareRow) -> ShareRowView {
    ShareRowView {
        depth: row.depth,
        kind: row.kind,
        name: row.name,
        account: row.account,
        raw_shares: row.raw_shares,
        norm_shares: row.norm_shares,
        raw_usage: row.raw_usage,
        effective_usage: row.effective_usage,
        level_fairshare: row.level_fairshare,
        factor: row.factor,
    }
}

fn table(rows: &[ShareRow]) -> String {
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let user = r.kind == "user";
            let indent = " ".repeat(r.depth as usize);
            vec![
                format!("{indent}{}", if user { &r.account } else { &r.name }),
                if user { r.name.clone() } else { String::new() },
                r.raw_shares.to_string(),
                format!("{:.6}", r.norm_shares),
                format!("{:.0}", r.raw_usage),
                format!("{:.6}", r.effective_usage),
                match r.level_fairshare {
                    Some(lf) => format!("{lf:.6}"),
                    None if r.depth == 0 => String::new(),
                    None => "inf".into(),
                },
                r.factor.map_or_else(String::new, |f| format!("{f:.6}")),
            ]
        })
        .collect();
    let headers = [
        "Account",
        "User",
        "RawShares",
        "NormShares",
        "RawUsage",
        "EffectvUsage",
        "LevelFS",
        "FairShare",
    ];
    columns(&headers, &lines, &[0, 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(depth: u32, kind: &str, name: &str, account: &str) -> ShareRow {
        ShareRow {
            depth,
            kind: kind.into(),
            name: name.into(),
            account: account.into(),
            raw_shares: 1,
            norm_shares: 1.0,
            raw_usage: 0.0,
            effective_usage: 0.0,
            level_fairshare: None,
            factor: (kind == "user").then_some(1.0),
        }
    }

    fn tree() -> Vec<ShareRow> {
        vec![
            row(0, "account", "root", "root"),
            row(1, "user", "ada", "root"),
            row(1, "account", "research", "research"),
            row(2, "account", "nlp", "nlp"),
            row(3, "user", "bob", "nlp"),
            row(2, "user", "cy", "research"),
        ]
    }

    #[test]
    fn users_sit_under_their_account_indented_by_depth() {
        let text = table(&tree());
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("Account"), "{text}");
        assert!(lines[1].starts_with("root "), "{text}");
        assert!(lines[2].starts_with(" root  "), "{text}");
        assert!(
            lines[2].contains("ada") && lines[2].contains("inf"),
            "{text}"
        );
        assert!(
            lines[5].starts_with("   nlp") && lines[5].contains("bob"),
            "{text}"
        );
    }

    #[test]
    fn one_user_keeps_the_accounts_above() {
        let names: Vec<String> = of_user(&tree(), "bob")
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["root", "research", "nlp", "bob"]);
    }
}
