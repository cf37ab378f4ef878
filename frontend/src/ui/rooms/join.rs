//! The room dialog's content, a chunk: join a room by its address or an
//! `xmpp:…?join` link, create one on our server's room service, or pick
//! one of the services' public rooms (XEP-0030).

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use crate::controller::route::{self, Route, xmpp_uri};
use crate::controller::{rooms, use_store};
use crate::i18n::{plural, t};
use crate::ui::dialog;

/// The room address typed, as an address or an `xmpp:` link.
pub fn room_address(typed: &str) -> Option<BareJid> {
    let typed = typed.trim();
    if typed.starts_with("xmpp:") {
        return xmpp_uri(typed).map(|(jid, _)| jid);
    }
    BareJid::new(typed).ok().filter(|j| j.node().is_some())
}

/// A room's local part from the name it is given: lower case, spaces
/// and ASCII punctuation as dashes (the service checks the rest).
pub fn local_part(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        let keep = c.is_ascii_alphanumeric() || !c.is_ascii() || c == '-' || c == '_' || c == '.';
        let c = if keep { c } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_owned()
}

/// The dialog's form: Join room, or Create room.
#[component]
pub fn JoinRoom(
    /// The dialog, to close.
    dialog: NodeRef<html::Dialog>,
    /// Create rather than join.
    create: bool,
) -> impl IntoView {
    let store = use_store();
    let address = NodeRef::<html::Input>::new();
    let nick = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    rooms::find_rooms();
    let service = Memo::new(move |_| store.with(|s| s.directory.services.first().cloned()));
    let fields = Fields {
        address,
        nick,
        password,
        error,
        dialog,
        create,
    };
    let submit = move || fields.submit(service.get_untracked());
    let title = move || t(if create { "create-room" } else { "join-room" });
    view! {
        <form
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                submit();
            }
            novalidate
        >
            <h2 id="room-dialog-title">{title}</h2>
            <label for="room-address">{move || t(if create { "room-name" } else { "room-address" })}</label>
            <input
                id="room-address"
                type="text"
                autocapitalize="none"
                spellcheck="false"
                placeholder=move || (!create).then_some("room@conference.example.org")
                node_ref=address
            />
            {create.then(|| view! { <ServiceHint service=service /> })}
            <label for="room-nick">{move || t("nickname")}</label>
            <input id="room-nick" type="text" autocapitalize="none" spellcheck="false" prop:value=rooms::default_nick() node_ref=nick />
            {(!create).then(|| view! {
                <label for="room-password">{move || t("room-password")}</label>
                <input id="room-password" type="password" autocomplete="off" node_ref=password />
            })}
            <p class="error" role="alert">{move || error.get()}</p>
            <div class="actions">
                <button type="button" on:click=move |_| dialog::close(dialog)>{move || t("cancel")}</button>
                <button type="submit" class="primary">{move || t(if create { "create" } else { "join" })}</button>
            </div>
        </form>
        {(!create).then(|| view! { <RoomBrowser dialog=dialog /> })}
    }
}

/// Where a new room will be.
#[component]
fn ServiceHint(service: Memo<Option<BareJid>>) -> impl IntoView {
    view! {
        <p class="hint">{move || match service.get() {
            Some(s) => format!("{}: {s}", t("room-service")),
            None => t("room-service-none"),
        }}</p>
    }
}

/// The form's fields, and what submitting them does.
#[derive(Clone, Copy)]
struct Fields {
    address: NodeRef<html::Input>,
    nick: NodeRef<html::Input>,
    password: NodeRef<html::Input>,
    error: RwSignal<Option<String>>,
    dialog: NodeRef<html::Dialog>,
    create: bool,
}

impl Fields {
    /// Joins or creates the room typed, or says why it cannot.
    fn submit(self, service: Option<BareJid>) {
        let (Some(a), Some(n)) = (self.address.get(), self.nick.get()) else {
            return;
        };
        let room = if self.create {
            let local = local_part(&a.value());
            service
                .and_then(|s| BareJid::new(&format!("{local}@{s}")).ok())
                .filter(|_| !local.is_empty())
        } else {
            room_address(&a.value())
        };
        let Some(room) = room else {
            self.error.set(Some(t(if self.create {
                "room-name-needed"
            } else {
                "room-address-bad"
            })));
            let _ = a.focus();
            return;
        };
        let pass = self.password.get().map(|p| p.value()).filter(|p| !p.is_empty());
        if self.create {
            rooms::create_room(room.clone(), a.value().trim().to_owned(), n.value(), pass);
        } else {
            rooms::join_room(room.clone(), Some(n.value()), pass);
        }
        a.set_value("");
        self.error.set(None);
        dialog::close(self.dialog);
        route::go(&Route::Room(room));
    }
}

/// The public rooms of our server's room services, each a link that joins.
#[component]
fn RoomBrowser(dialog: NodeRef<html::Dialog>) -> impl IntoView {
    let store = use_store();
    // Each service found is asked for its rooms once.
    let asked = StoredValue::new(Vec::<BareJid>::new());
    Effect::new(move |_| {
        let services = store.with(|s| s.directory.services.clone());
        for service in services {
            if !asked.with_value(|a| a.contains(&service)) {
                asked.update_value(|a| a.push(service.clone()));
                rooms::list_rooms(service);
            }
        }
    });
    let listed = Memo::new(move |_| {
        store.with(|s| {
            let mut all: Vec<_> = s
                .directory
                .rooms
                .iter()
                .flat_map(|(_, r)| r.iter().cloned())
                .collect();
            all.sort_by_cached_key(|r| (r.name.clone().unwrap_or_default().to_lowercase(), r.room.clone()));
            all
        })
    });
    view! {
        <section class="room-browser" aria-labelledby="room-browser-title">
            <h3 id="room-browser-title">{move || t("public-rooms")}</h3>
            <Show when=move || listed.with(Vec::is_empty)>
                <p class="empty">{move || t("no-public-rooms")}</p>
            </Show>
            <ul aria-labelledby="room-browser-title">
                <For each=move || listed.get() key=|r| r.room.clone() let:listed>
                    {
                        let room = listed.room.clone();
                        let name = listed.name.clone().unwrap_or_else(|| room.to_string());
                        let join = move |_| {
                            rooms::join_room(room.clone(), None, None);
                            dialog::close(dialog);
                            route::go(&Route::Room(room.clone()));
                        };
                        view! {
                            <li>
                                <RoomDetails room=listed.room.clone() name=name />
                                <button type="button" on:click=join>{move || t("join")}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}

/// A listed room's name and address, opening on what it says of itself
/// (asked when first opened): its description, occupants and features.
#[component]
fn RoomDetails(room: BareJid, name: String) -> impl IntoView {
    let store = use_store();
    let address = room.to_string();
    let room = StoredValue::new(room);
    let info = Memo::new(move |_| {
        store.with(|s| {
            let room = room.get_value();
            s.directory
                .described
                .iter()
                .find(|(r, _)| *r == room)
                .map(|(_, i)| i.clone())
        })
    });
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = event_target::<web_sys::HtmlElement>(&ev).has_attribute("open");
        if open && info.get_untracked().is_none() {
            rooms::describe_room(room.get_value());
        }
    };
    view! {
        <details on:toggle=on_toggle>
            <summary>
                <span class="name">{name}</span>
                <span class="address">{address}</span>
            </summary>
            {move || match info.get() {
                None => view! { <p role="status">{move || t("room-settings-loading")}</p> }.into_any(),
                Some(None) => view! { <p>{move || t("room-info-none")}</p> }.into_any(),
                Some(Some(i)) => {
                    let features: Vec<String> = [
                        (i.password, "room-feature-password"),
                        (i.members_only, "room-feature-members-only"),
                        (i.moderated, "room-feature-moderated"),
                        (i.non_anonymous, "room-feature-non-anonymous"),
                        (i.archived, "room-feature-archived"),
                    ]
                    .into_iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, key)| t(key))
                    .collect();
                    view! {
                        {i.description.map(|d| view! { <p dir="auto">{d}</p> })}
                        {i.occupants.map(|n| view! { <p>{plural("occupant-count", n as usize)}</p> })}
                        {(!features.is_empty()).then(|| view! { <p>{features.join(" · ")}</p> })}
                    }
                    .into_any()
                }
            }}
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::{local_part, room_address};

    #[test]
    fn a_room_is_joined_by_address_or_link() {
        let team = "team@conference.example.org";
        assert_eq!(room_address(team).unwrap().as_str(), team);
        assert_eq!(
            room_address(" xmpp:team@conference.example.org?join ")
                .unwrap()
                .as_str(),
            team
        );
        assert_eq!(room_address("conference.example.org"), None);
        assert_eq!(room_address("not an address"), None);
    }

    #[test]
    fn a_new_room_takes_its_address_from_its_name() {
        assert_eq!(local_part("Équipe Projet 2"), "équipe-projet-2");
        assert_eq!(local_part("  a / b  "), "a-b");
        assert_eq!(local_part("<img src=x>"), "img-src-x");
        assert_eq!(local_part("!!!"), "");
    }
}
