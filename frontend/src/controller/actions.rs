//! What the views ask for: each action updates the store where it echoes
//! locally, then hands a command to the transport.

use parlons_shared::session::presence::Availability;
use parlons_shared::session::{Command, ConversationId};
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::jid::BareJid;

use crate::controller::use_client;

use crate::client::{now_ms, random, storage};
use crate::controller::use_store;
use crate::store::PasswordChange;
use crate::store::conversation::Conversation;
use leptos::prelude::*;

/// Runs `act` in `owner`, whose context actions read: a timer or frame
/// callback has none of its own.
pub fn in_owner(owner: Option<&Owner>, act: impl FnOnce()) {
    match owner {
        Some(owner) => owner.with(act),
        None => act(),
    }
}

pub(super) fn command(c: Command) {
    if let Some(client) = use_client() {
        client.command(c);
    }
}

/// A fresh message id that nobody can guess.
fn message_id() -> Option<String> {
    random::token(16)
}

/// A fresh message id that nobody can guess, for commands that ask one.
pub fn fresh_id() -> Option<String> {
    message_id()
}

/// Keeps what is typed in a conversation, without redrawing it.
pub fn keep_draft(to: &ConversationId, text: String) {
    use_store().update_untracked(|s| s.log_mut(to).draft = text);
}

/// Sends a message; it shows at once as pending.
pub fn send_message(to: ConversationId, body: String) {
    let Some(id) = message_id() else { return };
    use_store().update(|s| s.sent(&to, id.clone(), body.clone(), now_ms()));
    command(Command::SendMessage { id, to, body });
}

/// Sends a failed message again, as a new one.
pub fn retry(to: ConversationId, key: String) {
    let store = use_store();
    let body = store.with_untracked(|s| {
        let c = s.log(&to)?;
        c.messages.iter().find(|m| m.key == key).map(|m| m.body.clone())
    });
    let Some(body) = body else { return };
    store.update(|s| s.log_mut(&to).messages.retain(|m| m.key != key));
    send_message(to, body);
}

/// Corrects our last message (XEP-0308).
pub fn correct(to: ConversationId, replaces: String, body: String) {
    let Some(id) = message_id() else { return };
    use_store().update(|s| s.log_mut(&to).correct(&replaces, id.clone(), body.clone()));
    command(Command::CorrectMessage {
        id,
        to,
        replaces,
        body,
    });
}

/// Tells the contact we are typing, or not (XEP-0085).
pub fn chat_state(to: BareJid, state: ChatState) {
    command(Command::SendChatState { to, state });
}

/// Tells the contact we read up to `id` (XEP-0333).
pub fn mark_displayed(to: BareJid, id: String) {
    command(Command::MarkDisplayed { to, id });
}

/// Messages asked of the archive at a time.
pub const HISTORY_PAGE: usize = 50;

/// Asks for the page of history before what we have (XEP-0313).
pub fn fetch_history(with: ConversationId) {
    let store = use_store();
    let before = store.with_untracked(|s| {
        let c = s.log(&with);
        let busy = c.is_some_and(|c| c.loading_history || c.history_complete);
        (!busy).then(|| c.and_then(Conversation::page_before))
    });
    let Some(before) = before else { return };
    store.update(|s| s.log_mut(&with).asking_history());
    command(Command::FetchHistory {
        with,
        before,
        max: HISTORY_PAGE,
    });
}

/// Adds a contact and asks to see its presence.
pub fn add_contact(jid: BareJid, name: Option<String>) {
    command(Command::SetContact {
        jid: jid.clone(),
        name,
        groups: Vec::new(),
    });
    command(Command::Subscribe { to: jid });
}

/// Renames a contact, keeping its groups.
pub fn rename_contact(jid: BareJid, name: Option<String>) {
    let groups = use_store().with_untracked(|s| s.contacts.get(&jid).map(|c| c.groups.clone()));
    command(Command::SetContact {
        jid,
        name,
        groups: groups.unwrap_or_default(),
    });
}

/// Removes a contact.
pub fn remove_contact(jid: BareJid) {
    command(Command::RemoveContact { jid });
}

/// Accepts a message request: it becomes a conversation, opened.
pub fn accept_request(jid: BareJid) {
    use_store().update(|s| {
        s.conversation(&jid);
    });
    request_handled(Some(jid.clone()));
    crate::controller::route::go(&crate::controller::route::Route::Chat(jid));
}

/// Drops a message request.
pub fn dismiss_request(jid: BareJid) {
    use_store().update(|s| s.dismiss(&jid));
    request_handled(None);
}

/// Blocks an address (XEP-0191); its message request goes with it.
pub fn block(jid: BareJid) {
    dismiss_request(jid.clone());
    command(Command::Block { jid: jid.into() });
}

/// Unblocks an address.
pub fn unblock(jid: xmpp_parsers::jid::Jid) {
    command(Command::Unblock { jid });
}

fn request_handled(jid: Option<BareJid>) {
    if let Some(keep) = use_context::<crate::controller::keep::Keep>() {
        keep.request_handled(jid);
    }
}

/// Answers a subscription request; accepting also asks for theirs.
pub fn answer_request(from: BareJid, accept: bool) {
    use_store().update(|s| {
        s.requests.remove(&from);
    });
    if accept {
        command(Command::ApproveSubscription { from: from.clone() });
        let known = use_store().with_untracked(|s| s.contacts.get(&from).is_some());
        if !known {
            add_contact(from, None);
        }
    } else {
        command(Command::DenySubscription { from });
    }
}

/// Sets our availability and status message.
pub fn set_presence(show: Availability, status: Option<String>) {
    use_store().update(|s| s.own_status = (show, status.clone()));
    command(Command::SetPresence {
        show,
        status,
        priority: 0,
    });
}

/// Changes our password (XEP-0077).
pub fn change_password(new_password: String) {
    let Some(id) = message_id() else { return };
    use_store().update(|s| s.password = PasswordChange::Asked(id.clone()));
    command(Command::ChangePassword {
        id,
        new_password: new_password.into(),
    });
}

/// The notice was read.
pub fn dismiss_notice() {
    use_store().update(|s| s.notice = None);
}

/// Reconnects after a drop.
pub fn reconnect() {
    if let Some(client) = use_client() {
        client.retry_now();
    }
}

/// Signs out and forgets the kept sign-in.
pub fn log_out() {
    if let Some(client) = use_client() {
        client.sign_out();
    }
    storage::forget_login();
    let account = use_store().with_untracked(|s| s.account.clone());
    if let (Some(keep), Some(account)) = (use_context::<crate::controller::keep::Keep>(), account) {
        keep.forget(account);
    }
    use_store().set(crate::store::Store::default());
    crate::controller::route::go(&crate::controller::route::Route::Home);
}
