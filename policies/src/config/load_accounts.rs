//! Reads the account tree: `[accounts.NAME]`, `[users.NAME]` and `[user_defaults]`.

use super::context::{Context, RefKind};
use super::document::Located;
use super::keys;
use super::load::load_limits;
use super::reader::{quote, TableReader};
use super::schema::{Account, User, UserDefaults, ROOT_ACCOUNT};
use std::collections::BTreeMap;

pub fn load_accounts(ctx: &mut Context<'_>, t: &TableReader<'_>) -> BTreeMap<String, Account> {
    let mut accounts = BTreeMap::new();
    for (name, table) in t.named_tables(ctx) {
        if name == ROOT_ACCOUNT {
            let reason = "is the implicit top of the account tree and cannot be defined; leave out `parent` to put an account directly under it";
            t.bad_value(
                ctx,
                &name,
                table.span(),
                &quote(&name),
                reason,
                "any other account name",
            );
            continue;
        }
        let account = load_account(ctx, &name, &table);
        accounts.insert(name, account);
    }
    accounts
}

fn load_account(ctx: &mut Context<'_>, name: &str, t: &TableReader<'_>) -> Account {
    t.check_keys(ctx, &keys::with_limits(keys::ACCOUNT_OWN));
    let parent = match t.reference(ctx, "parent", RefKind::Account) {
        Some(parent) => parent,
        None => ROOT_ACCOUNT.to_owned(),
    };
    let allowed_qos = t.name_list(ctx, "allowed_qos").map(|names| {
        t.refer(ctx, "allowed_qos", RefKind::Qos, &names);
        names.into_iter().map(|n| n.value).collect()
    });
    Account {
        name: name.to_owned(),
        parent,
        shares: t.count(ctx, "shares", 0).unwrap_or(1),
        default_qos: t.reference(ctx, "default_qos", RefKind::Qos),
        allowed_qos,
        limits: load_limits(ctx, t),
    }
}

pub fn load_users(
    ctx: &mut Context<'_>,
    t: &TableReader<'_>,
    fallback_account: &str,
) -> BTreeMap<String, User> {
    t.named_tables(ctx)
        .into_iter()
        .map(|(name, table)| {
            let user = load_user(ctx, &name, &table, fallback_account);
            (name, user)
        })
        .collect()
}

fn load_user(ctx: &mut Context<'_>, name: &str, t: &TableReader<'_>, fallback: &str) -> User {
    t.check_keys(ctx, &keys::with_limits(keys::USER_OWN));
    let account = t.reference(ctx, "account", RefKind::Account);
    let additional: Vec<Located<String>> =
        t.name_list(ctx, "additional_accounts").unwrap_or_default();
    t.refer(ctx, "additional_accounts", RefKind::Account, &additional);
    let account = account.unwrap_or_else(|| fallback.to_owned());
    let mut additional_accounts: Vec<String> = additional
        .into_iter()
        .map(|a| a.value)
        .filter(|a| *a != account)
        .collect();
    additional_accounts.sort();
    additional_accounts.dedup();
    User {
        name: name.to_owned(),
        account,
        additional_accounts,
        shares: t.count(ctx, "shares", 0).unwrap_or(1),
        default_qos: t.reference(ctx, "default_qos", RefKind::Qos),
        limits: load_limits(ctx, t),
        admin: t.boolean(ctx, "admin").unwrap_or(false),
    }
}

pub fn load_user_defaults(ctx: &mut Context<'_>, t: &TableReader<'_>) -> UserDefaults {
    t.check_keys(ctx, &keys::with_limits(keys::USER_DEFAULTS_OWN));
    let mut d = UserDefaults::default();
    if let Some(account) = t.reference(ctx, "account", RefKind::Account) {
        d.account = account;
    }
    if let Some(allow) = t.boolean(ctx, "allow_unlisted") {
        d.allow_unlisted = allow;
    }
    if let Some(shares) = t.count(ctx, "shares", 0) {
        d.shares = shares;
    }
    d.limits = load_limits(ctx, t);
    d
}
