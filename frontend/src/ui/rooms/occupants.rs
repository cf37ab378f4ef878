//! A room's occupants, grouped by role and windowed (only the lines in
//! view are in the DOM, so a room of thousands stays quick), with a filter;
//! the chosen occupant's actions below: a private message, and for
//! moderators kick, ban and voice (XEP-0045 §8–9).

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::muc::{Affiliation, Moderation, Occupant, Role};
use xmpp_parsers::jid::BareJid;

use crate::controller::route::{self, Route};
use crate::controller::{rooms, use_store};
use crate::i18n::{collate, t};
use crate::store::Store;
use crate::ui::later::follow_memo;
use crate::ui::shell::window::{self as windowing};

/// Line height in pixels, as `style/main.css` sets `.occupants li`.
const LINE_PX: u32 = 32;
/// Lines rendered beyond each edge of the view.
const OVERSCAN: usize = 10;

/// One line of the list.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A role's heading, with how many have it.
    Role(Role, usize),
    /// An occupant, by nick.
    Occupant(String),
}

fn role_key(role: &Role) -> &'static str {
    match role {
        Role::Moderator => "role-moderators",
        Role::Participant => "role-participants",
        Role::Visitor => "role-visitors",
        Role::None => "role-none",
    }
}

fn role_rank(role: &Role) -> u8 {
    match role {
        Role::Moderator => 0,
        Role::Participant => 1,
        Role::Visitor => 2,
        Role::None => 3,
    }
}

/// The lines for `occupants` whose nick holds `filter` (case aside):
/// by role, then by nick in natural order.
pub fn lines<'a>(occupants: impl Iterator<Item = &'a Occupant>, filter: &str) -> Vec<Line> {
    let filter = filter.trim().to_lowercase();
    let shown: Vec<&Occupant> = occupants
        .filter(|o| filter.is_empty() || o.nick.to_lowercase().contains(&filter))
        .collect();
    let nicks: Vec<&str> = shown.iter().map(|o| o.nick.as_str()).collect();
    let keys: Vec<u64> = collate::keys(collate::Names::Nicks, &nicks)
        .into_iter()
        .zip(&shown)
        .map(|(key, o)| (u64::from(role_rank(&o.role)) << 32) | u64::from(key))
        .collect();
    let kept = collate::arrange(shown, keys.into_iter());
    let mut out = Vec::with_capacity(kept.len() + 4);
    let mut at = 0;
    while at < kept.len() {
        let role = &kept[at].role;
        let run = kept[at..].iter().take_while(|o| o.role == *role).count();
        out.push(Line::Role(role.clone(), run));
        out.extend(kept[at..at + run].iter().map(|o| Line::Occupant(o.nick.clone())));
        at += run;
    }
    out
}

/// The room's lines under `filter`, and how many are in it, following
/// its occupants' revision rather than every change to the store.
fn occupant_lines(
    store: RwSignal<Store>,
    room: &BareJid,
    filter: RwSignal<String>,
) -> (Memo<Vec<Line>>, Memo<usize>) {
    let now = {
        let room = room.clone();
        Memo::new(move |_| store.with(|s| s.rooms.get(&room).map_or(0, |r| r.occupants_revision)))
    };
    // A join brings thousands of presences, each in a task of its own:
    // the list is sorted again at most every 200 ms meanwhile.
    let revision = follow_memo(now, Duration::from_millis(200));
    let all = {
        let room = room.clone();
        Memo::new(move |_| {
            revision.get();
            let f = filter.get();
            store.with_untracked(|s| {
                s.rooms
                    .get(&room)
                    .map(|r| lines(r.occupants.values(), &f))
                    .unwrap_or_default()
            })
        })
    };
    let count = {
        let room = room.clone();
        Memo::new(move |_| {
            revision.get();
            store.with_untracked(|s| s.rooms.get(&room).map_or(0, |r| r.occupants.len()))
        })
    };
    (all, count)
}

/// The occupant list and its filter.
#[component]
pub fn Occupants(
    /// The room.
    room: BareJid,
) -> impl IntoView {
    let store = use_store();
    let filter = RwSignal::new(String::new());
    let (all, count) = occupant_lines(store, &room, filter);
    let scroller = NodeRef::<html::Div>::new();
    let (top, viewport) = (RwSignal::new(0u32), RwSignal::new(600u32));
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            top.set(u32::try_from(el.scroll_top()).unwrap_or(0));
            viewport.set(u32::try_from(el.client_height()).unwrap_or(0));
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let in_view = Memo::new(move |_| {
        all.with(|all| {
            let heights = vec![LINE_PX; all.len()];
            let w = windowing::visible(&heights, top.get(), viewport.get(), OVERSCAN);
            (w, all[w.first..w.end].to_vec())
        })
    });
    let chosen = RwSignal::new(None::<String>);
    view! {
        <aside class="occupants" aria-labelledby="occupants-title">
            <h3 id="occupants-title">{move || crate::i18n::plural("occupant-count", count.get())}</h3>
            <input
                type="search"
                class="filter"
                aria-label=move || t("filter-occupants")
                placeholder=move || t("filter-occupants")
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
            <div class="occupant-scroller" node_ref=scroller on:scroll=move |_| measure()>
                <ul
                    aria-label=move || t("occupants")
                    style:block-size=move || in_view.with(|(w, _)| format!("{}px", w.total))
                    style:padding-block-start=move || in_view.with(|(w, _)| format!("{}px", w.before))
                >
                    <For each=move || in_view.with(|(_, l)| l.clone()) key=line_key let:line>
                        <OccupantLine line=line chosen=chosen />
                    </For>
                </ul>
            </div>
            <OccupantActions room=room chosen=chosen />
        </aside>
    }
}

/// A line's key: the nick, or the role and its count (no nick is empty).
fn line_key(line: &Line) -> String {
    match line {
        Line::Role(role, n) => format!("\u{0}{}{n}", role_rank(role)),
        Line::Occupant(nick) => nick.clone(),
    }
}

#[component]
fn OccupantLine(line: Line, chosen: RwSignal<Option<String>>) -> impl IntoView {
    match line {
        Line::Role(role, n) => view! {
            <li class="role" aria-hidden="true">{format!("{} ({n})", t(role_key(&role)))}</li>
        }
        .into_any(),
        Line::Occupant(nick) => {
            let pick = nick.clone();
            let pressed = {
                let nick = nick.clone();
                move || (chosen.get().as_ref() == Some(&nick)).to_string()
            };
            view! {
                <li>
                    <button type="button" class="occupant" aria-pressed=pressed on:click=move |_| chosen.set(Some(pick.clone()))>
                        {nick}
                    </button>
                </li>
            }
            .into_any()
        }
    }
}

/// What we are in the room: what we may do to others.
fn our_powers(s: &Store, room: &BareJid) -> (bool, bool) {
    let Some(r) = s.rooms.get(room) else {
        return (false, false);
    };
    let me = r.nick.as_ref().and_then(|n| r.occupants.get(n));
    let moderator = me.is_some_and(|o| o.role == Role::Moderator);
    let admin = me.is_some_and(|o| matches!(o.affiliation, Affiliation::Owner | Affiliation::Admin));
    (moderator, admin)
}

/// The chosen occupant's actions.
#[component]
fn OccupantActions(room: BareJid, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let store = use_store();
    let room = StoredValue::new(room);
    let occupant = Memo::new(move |_| {
        let nick = chosen.get()?;
        store.with(|s| s.rooms.get(&room.get_value())?.occupants.get(&nick).cloned())
    });
    let powers = Memo::new(move |_| store.with(|s| our_powers(s, &room.get_value())));
    let act = move |change: Moderation| {
        rooms::moderate(room.get_value(), change);
        chosen.set(None);
    };
    let private = move |_| {
        let Some(o) = occupant.get_untracked() else { return };
        if let Ok(full) = room.get_value().with_resource_str(&o.nick) {
            route::go(&Route::Private(full));
        }
    };
    view! {
        {move || occupant.get().map(|o| {
            let (moderator, admin) = powers.get();
            let nick = o.nick.clone();
            let (kick, voice) = (nick.clone(), nick.clone());
            let voiced = o.role != Role::Visitor;
            let ban = o.jid.as_ref().map(|j| j.to_bare()).filter(|_| admin);
            view! {
                <div class="occupant-actions" role="group" aria-label=nick.clone()>
                    <p class="who">{nick.clone()} {o.jid.as_ref().map(|j| format!(" ({})", j.to_bare()))}</p>
                    <button type="button" on:click=private>{move || t("private-message")}</button>
                    {moderator.then(|| view! {
                        <button type="button" on:click=move |_| act(Moderation::Kick { nick: kick.clone(), reason: None })>{move || t("kick")}</button>
                        <button type="button" on:click=move |_| act(Moderation::SetRole {
                            nick: voice.clone(),
                            role: if voiced { Role::Visitor } else { Role::Participant },
                            reason: None,
                        })>{move || t(if voiced { "revoke-voice" } else { "grant-voice" })}</button>
                    })}
                    {ban.map(|jid| view! {
                        <button type="button" class="danger" on:click=move |_| act(Moderation::SetAffiliation {
                            jid: jid.clone(),
                            affiliation: Affiliation::Outcast,
                            reason: None,
                        })>{move || t("ban")}</button>
                    })}
                </div>
            }
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlons_shared::session::presence::Availability;

    fn occupant(nick: &str, role: Role) -> Occupant {
        Occupant {
            nick: nick.into(),
            role,
            affiliation: Affiliation::None,
            jid: None,
            occupant_id: None,
            show: Availability::Available,
            status: None,
        }
    }

    #[test]
    fn occupants_go_by_role_then_in_natural_order() {
        let all = [
            occupant("user 10", Role::Participant),
            occupant("User 9", Role::Participant),
            occupant("zoe", Role::Moderator),
            occupant("user 103", Role::Participant),
            occupant("guest", Role::Visitor),
        ];
        let lines = lines(all.iter(), "");
        let nick = |s: &str| Line::Occupant(s.into());
        assert_eq!(
            lines,
            vec![
                Line::Role(Role::Moderator, 1),
                nick("zoe"),
                Line::Role(Role::Participant, 3),
                nick("User 9"),
                nick("user 10"),
                nick("user 103"),
                Line::Role(Role::Visitor, 1),
                nick("guest"),
            ]
        );
        let found = super::lines(all.iter(), "USER 1");
        assert_eq!(
            found,
            vec![
                Line::Role(Role::Participant, 2),
                nick("user 10"),
                nick("user 103")
            ]
        );
    }
}
