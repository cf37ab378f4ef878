//! The contacts sidebar: a filter, Add contact, and the contacts in
//! collapsible groups. The list is windowed: only the lines in view are in
//! the DOM, so thousands of contacts stay quick.

mod entries;

use std::collections::BTreeSet;

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::presence::Availability;
use xmpp_parsers::jid::BareJid;

pub use entries::{Entry, Row, entries, filtered, initials, rows};

use crate::controller::route::Route;
use crate::controller::use_store;
use crate::i18n::t;
use crate::ui::contacts::add_contact::AddContact;
use crate::ui::later::follow_later;
use crate::ui::shell::window::{self as windowing, Window};
use crate::ui::show::availability_key;

/// Line heights in quarters of a rem, as `style/main.css` sets them
/// (2.25rem and 4.75rem): whole numbers keep float formatting out of the
/// WASM.
const HEADING_QUARTER_REM: u32 = 9;
const CONTACT_QUARTER_REM: u32 = 19;
/// Lines rendered beyond each edge of the view.
const OVERSCAN: usize = 8;

/// The lines in view, and where they sit.
#[derive(Clone, PartialEq)]
struct InView {
    window: Window,
    entries: Vec<Entry>,
}

impl InView {
    /// The groups with a line in view, in order.
    fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in &self.entries {
            let g = match e {
                Entry::Heading { name, .. } => name.as_str(),
                Entry::Contact { group, .. } => group,
            };
            if out.last().map(String::as_str) != Some(g) {
                out.push(g.to_owned());
            }
        }
        out
    }
}

/// The sidebar's list.
#[component]
pub fn ContactList() -> impl IntoView {
    let store = use_store();
    let filter = RwSignal::new(String::new());
    let collapsed = RwSignal::new(BTreeSet::<String>::new());
    let all = follow_later(store, rows);
    let list = Memo::new(move |_| {
        all.with(|all| filter.with(|f| collapsed.with(|c| entries(&filtered(all, f), c))))
    });
    let scroller = NodeRef::<html::Nav>::new();
    let (scroll_top, viewport, rem) = (RwSignal::new(0), RwSignal::new(800), RwSignal::new(16));
    let measure = move || {
        if let Some(nav) = scroller.get_untracked() {
            scroll_top.set(u32::try_from(nav.scroll_top()).unwrap_or(0));
            viewport.set(u32::try_from(nav.client_height()).unwrap_or(0));
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            rem.set(root_font_px());
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let in_view = Memo::new(move |_| {
        let px = rem.get();
        list.with(|list| {
            let heights: Vec<u32> = list.iter().map(|e| px * quarter_rems(e) / 4).collect();
            let window = windowing::visible(&heights, scroll_top.get(), viewport.get(), OVERSCAN);
            InView {
                window,
                entries: list[window.first..window.end].to_vec(),
            }
        })
    });
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
        <nav class="contacts" aria-label=move || t("contacts") node_ref=scroller on:scroll=move |_| measure()>
            <div class="window" style:block-size=move || in_view.with(|v| format!("{}px", v.window.total))>
                <div style:block-size=move || in_view.with(|v| format!("{}px", v.window.before)) />
                <For each=move || in_view.with(InView::groups) key=String::clone let:group>
                    <GroupRun group=group in_view=in_view collapsed=collapsed />
                </For>
            </div>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="empty">{move || t("no-contacts")}</p>
            </Show>
        </nav>
    }
}

fn quarter_rems(e: &Entry) -> u32 {
    match e {
        Entry::Heading { .. } => HEADING_QUARTER_REM,
        Entry::Contact { .. } => CONTACT_QUARTER_REM,
    }
}

/// The root font size in whole pixels, which the line heights scale with.
fn root_font_px() -> u32 {
    let px = document()
        .document_element()
        .and_then(|root| window().get_computed_style(&root).ok().flatten())
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|size| size.split(['.', 'p']).next()?.parse().ok());
    px.filter(|&px| px > 0).unwrap_or(16)
}

/// One group's lines in view: its heading if in view, then its contacts.
#[component]
fn GroupRun(group: String, in_view: Memo<InView>, collapsed: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let heading = {
        let group = group.clone();
        move || {
            in_view.with(|v| {
                v.entries.iter().find_map(|e| match e {
                    Entry::Heading { name, shut } if *name == group => Some(*shut),
                    _ => None,
                })
            })
        }
    };
    let members = {
        let group = group.clone();
        move || {
            in_view.with(|v| {
                v.entries
                    .iter()
                    .filter_map(|e| match e {
                        Entry::Contact { row, group: g, .. } if **g == *group => {
                            Some(row.contact.jid.clone())
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
        }
    };
    let label = (!group.is_empty()).then(|| group.clone());
    let name = group.clone();
    view! {
        {move || heading().map(|shut| view! { <GroupHeading name=name.clone() shut=shut collapsed=collapsed /> })}
        <ul aria-label=label>
            <For each=members key=BareJid::clone let:jid>
                <ContactRow jid=jid group=group.clone() in_view=in_view />
            </For>
        </ul>
    }
}

#[component]
fn GroupHeading(name: String, shut: bool, collapsed: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let toggle = {
        let name = name.clone();
        move |_| {
            collapsed.update(|c| {
                if !c.remove(&name) {
                    c.insert(name.clone());
                }
            })
        }
    };
    view! {
        <h2 class="group">
            <button type="button" aria-expanded=(!shut).to_string() on:click=toggle>
                {name}
            </button>
        </h2>
    }
}

/// A contact's line. Keyed by address and group, it stays the same node
/// (and keeps focus) while its content follows the store.
#[component]
fn ContactRow(jid: BareJid, group: String, in_view: Memo<InView>) -> impl IntoView {
    let href = Route::Chat(jid.clone()).hash();
    let line = Memo::new(move |_| {
        in_view.with(|v| {
            v.entries.iter().find_map(|e| match e {
                Entry::Contact {
                    row,
                    group: g,
                    pos,
                    size,
                } if row.contact.jid == jid && **g == *group => Some((row.clone(), *pos, *size)),
                _ => None,
            })
        })
    });
    let open = move || line.with(|l| l.as_ref().is_some_and(|(r, _, _)| r.open));
    view! {
        <li
            class="contact"
            class:open=open
            aria-posinset=move || line.with(|l| l.as_ref().map(|l| l.1))
            aria-setsize=move || line.with(|l| l.as_ref().map(|l| l.2))
        >
            <a href=href aria-current=move || open().then_some("page")>
                {move || line.with(|l| l.as_ref().map(|(row, _, _)| row_body(row)))}
            </a>
        </li>
    }
}

/// What a contact's line shows: avatar, name, presence, preview, time and
/// unread count.
fn row_body(row: &Row) -> impl IntoView + use<> {
    let contact = &row.contact;
    let presence = contact.show.map_or("show-offline", availability_key);
    let icon = match contact.show {
        Some(Availability::Chat | Availability::Available) => "●",
        Some(Availability::Away | Availability::ExtendedAway) => "◐",
        Some(Availability::DoNotDisturb) => "⊖",
        None => "○",
    };
    let unread = (row.unread > 0).then(|| {
        view! {
            <span class="unread">
                {row.unread.to_string()}
                <span class="visually-hidden">" " {move || t("unread")}</span>
            </span>
        }
    });
    view! {
        <span class="avatar" aria-hidden="true" data-show=presence>
            {initials(contact.display_name())}
        </span>
        <span class="who">
            <span class="name">{contact.display_name().to_owned()}</span>
            <span class="presence">
                <span aria-hidden="true" class="icon">{icon}</span>
                " "
                {move || t(presence)}
                {contact.status.as_ref().map(|s| format!(" · {s}"))}
            </span>
            <span class="preview">{row.preview.clone()}</span>
        </span>
        <span class="meta">
            <span class="time">{crate::ui::conversation::message_row::short_time(row.last_ms)}</span>
            {unread}
        </span>
    }
}
