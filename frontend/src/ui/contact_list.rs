//! The contacts sidebar: a filter, Add contact, and the contacts sorted by
//! latest activity then name, in collapsible groups.

use std::collections::BTreeSet;

use leptos::prelude::*;
use parlons_shared::session::presence::Availability;
use xmpp_parsers::jid::BareJid;

use super::add_contact::AddContact;
use super::own_status::availability_key;
use super::route::Route;
use super::use_store;
use crate::i18n::t;
use crate::store::Store;

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Row {
    /// The contact.
    pub jid: BareJid,
    /// Its name or address.
    pub name: String,
    /// Its presence; `None` offline.
    pub show: Option<Availability>,
    /// Its status message.
    pub status: Option<String>,
    /// Unread messages.
    pub unread: usize,
    /// The last message's text.
    pub preview: Option<String>,
    /// The last message's time, 0 with none.
    pub last_ms: u64,
    /// Its groups.
    pub groups: Vec<String>,
    /// Open now.
    pub open: bool,
}

/// Contacts and people we have conversations with, filtered and sorted.
pub fn rows(s: &Store, filter: &str) -> Vec<Row> {
    let filter = filter.trim().to_lowercase();
    let mut jids: BTreeSet<&BareJid> = s.contacts.iter().map(|c| &c.jid).collect();
    jids.extend(
        s.conversations
            .iter()
            .filter(|(_, c)| !c.messages.is_empty())
            .map(|(j, _)| j),
    );
    let mut rows: Vec<Row> = jids
        .into_iter()
        .map(|jid| {
            let contact = s.contacts.get(jid);
            let conv = s.conversations.get(jid);
            let last = conv.and_then(|c| c.last());
            Row {
                jid: jid.clone(),
                name: contact.map_or_else(|| jid.to_string(), |c| c.display_name()),
                show: contact.and_then(|c| c.show),
                status: contact.and_then(|c| c.status.clone()),
                unread: conv.map_or(0, |c| c.unread),
                preview: last.map(|m| m.body.lines().next().unwrap_or_default().to_owned()),
                last_ms: last.map_or(0, |m| m.timestamp_ms),
                groups: contact.map(|c| c.groups.clone()).unwrap_or_default(),
                open: s.open.as_ref() == Some(jid),
            }
        })
        .filter(|r| {
            filter.is_empty() || r.name.to_lowercase().contains(&filter) || r.jid.as_str().contains(&filter)
        })
        .collect();
    rows.sort_by(|a, b| {
        b.last_ms
            .cmp(&a.last_ms)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    rows
}

/// Rows by group, in name order, with ungrouped contacts last; one unnamed
/// group when nobody has a group.
pub fn grouped(rows: Vec<Row>) -> Vec<(Option<String>, Vec<Row>)> {
    let names: BTreeSet<String> = rows.iter().flat_map(|r| r.groups.iter().cloned()).collect();
    if names.is_empty() {
        return vec![(None, rows)];
    }
    let mut out: Vec<(Option<String>, Vec<Row>)> = names
        .into_iter()
        .map(|g| {
            let members = rows.iter().filter(|r| r.groups.contains(&g)).cloned().collect();
            (Some(g), members)
        })
        .collect();
    let ungrouped: Vec<Row> = rows.into_iter().filter(|r| r.groups.is_empty()).collect();
    if !ungrouped.is_empty() {
        out.push((None, ungrouped));
    }
    out
}

/// The sidebar's list.
#[component]
pub fn ContactList() -> impl IntoView {
    let store = use_store();
    let filter = RwSignal::new(String::new());
    let collapsed = RwSignal::new(BTreeSet::<String>::new());
    let groups = Memo::new(move |_| grouped(store.with(|s| rows(s, &filter.get()))));
    view! {
        <div class="contacts-tools">
            <input
                type="search"
                class="filter"
                aria-label=move || t("filter-contacts")
                placeholder=move || t("filter-contacts")
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
            <AddContact />
        </div>
        <nav class="contacts" aria-label=move || t("contacts")>
            {move || {
                groups
                    .get()
                    .into_iter()
                    .map(|(name, rows)| view! { <Group name=name rows=rows collapsed=collapsed /> })
                    .collect::<Vec<_>>()
            }}
            <Show when=move || groups.with(|g| g.iter().all(|(_, r)| r.is_empty()))>
                <p class="empty">{move || t("no-contacts")}</p>
            </Show>
        </nav>
    }
}

#[component]
fn Group(name: Option<String>, rows: Vec<Row>, collapsed: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let key = name.clone().unwrap_or_default();
    let shut = {
        let key = key.clone();
        move || collapsed.with(|c| c.contains(&key))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            collapsed.update(|c| {
                if !c.remove(&key) {
                    c.insert(key.clone());
                }
            })
        }
    };
    let heading = name.clone().map(|n| {
        let shut = shut.clone();
        view! {
            <h2 class="group">
                <button type="button" aria-expanded=move || (!shut()).to_string() on:click=toggle>
                    {n}
                </button>
            </h2>
        }
    });
    let label = name.unwrap_or_default();
    view! {
        {heading}
        <Show when=move || !shut()>
            <ul aria-label=label.clone()>
                {rows.clone().into_iter().map(|r| view! { <ContactRow row=r /> }).collect::<Vec<_>>()}
            </ul>
        </Show>
    }
}

/// Initials for an avatar: the first letters of the first two words.
pub fn initials(name: &str) -> String {
    name.split(['@', ' ', '.'])
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[component]
fn ContactRow(row: Row) -> impl IntoView {
    let href = Route::Chat(row.jid.clone()).hash();
    let presence = row.show.map_or("show-offline", availability_key);
    let icon = match row.show {
        Some(Availability::Chat | Availability::Available) => "●",
        Some(Availability::Away | Availability::ExtendedAway) => "◐",
        Some(Availability::DoNotDisturb) => "⊖",
        None => "○",
    };
    let unread = (row.unread > 0).then(|| {
        let n = row.unread.to_string();
        view! {
            <span class="unread">
                {n.clone()}
                <span class="visually-hidden">" " {move || t("unread")}</span>
            </span>
        }
    });
    view! {
        <li class="contact" class:open=row.open>
            <a href=href aria-current=row.open.then_some("page")>
                <span class="avatar" aria-hidden="true" data-show=presence>
                    {initials(&row.name)}
                </span>
                <span class="who">
                    <span class="name">{row.name.clone()}</span>
                    <span class="presence">
                        <span aria-hidden="true" class="icon">{icon}</span>
                        " "
                        {move || t(presence)}
                        {row.status.clone().map(|s| format!(" · {s}"))}
                    </span>
                    <span class="preview">{row.preview.clone()}</span>
                </span>
                <span class="meta">
                    <span class="time">{super::message_row::short_time(row.last_ms)}</span>
                    {unread}
                </span>
            </a>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_come_from_names_or_addresses() {
        assert_eq!(initials("Bob Marley"), "BM");
        assert_eq!(initials("alice@example.org"), "AE");
        assert_eq!(initials("élodie"), "É");
        assert_eq!(initials(""), "");
    }

    fn row(jid: &str, last_ms: u64, groups: &[&str]) -> Row {
        Row {
            jid: BareJid::new(jid).unwrap(),
            name: jid.into(),
            show: None,
            status: None,
            unread: 0,
            preview: None,
            last_ms,
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            open: false,
        }
    }

    #[test]
    fn groups_list_members_and_the_ungrouped_last() {
        let g = grouped(vec![row("a@x", 0, &["Work", "Friends"]), row("b@x", 0, &[])]);
        let names: Vec<_> = g.iter().map(|(n, r)| (n.clone(), r.len())).collect();
        assert_eq!(
            names,
            [(Some("Friends".into()), 1), (Some("Work".into()), 1), (None, 1)]
        );
        assert_eq!(grouped(vec![row("a@x", 0, &[])]).len(), 1);
    }

    #[test]
    fn rows_sort_by_activity_then_name_and_filter() {
        let mut s = Store::default();
        for (j, t) in [("zed@x", 5), ("amy@x", 0), ("bob@x", 0)] {
            let c = s.conversation(&BareJid::new(j).unwrap());
            if t > 0 {
                c.send(crate::store::conversation::Message::outgoing(
                    "1".into(),
                    "hi".into(),
                    t,
                ));
            }
        }
        s.contacts.update(xmpp_parsers::roster::Item {
            jid: BareJid::new("bob@x").unwrap(),
            name: Some("Bob".into()),
            subscription: xmpp_parsers::roster::Subscription::Both,
            ask: Default::default(),
            groups: vec![],
            approved: None,
        });
        s.contacts.update(xmpp_parsers::roster::Item {
            jid: BareJid::new("amy@x").unwrap(),
            name: None,
            subscription: xmpp_parsers::roster::Subscription::Both,
            ask: Default::default(),
            groups: vec![],
            approved: None,
        });
        let names: Vec<_> = rows(&s, "").into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["zed@x", "amy@x", "Bob"]);
        let names: Vec<_> = rows(&s, " BO").into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["Bob"]);
    }
}
