//! The sans-IO client session of `parlons-shared`, driven over a real
//! WebSocket through the gateway to real Prosody and ejabberd.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use parlons_harness::Account;
use parlons_shared::session::muc::Departure;
use parlons_shared::session::{
    Command, Config, ConversationId, Credential, Delivery, Direction, Event, Session,
};
use support::{XmppWs, parse, servers};

/// A session and its socket, pumped by hand.
struct Client {
    session: Session,
    ws: XmppWs,
}

impl Client {
    async fn connect(url: &str, account: &Account, tag: &str) -> Self {
        let mut session = Session::new(Config {
            jid: account.jid().parse().unwrap(),
            credential: Credential::Password(account.password.clone()),
            secure_transport: true,
            id_prefix: format!("{tag}-"),
            device_id: uuid::Uuid::from_u128(u128::from(tag.len() as u64) << 64 | 0x5a11),
        });
        session.handle_command(Command::Connect {
            nonce: format!("nonce{tag}0123456789abcdef"),
        });
        let mut c = Self {
            session,
            ws: XmppWs::connect(url).await,
        };
        c.until(|e| matches!(e, Event::Connected { .. })).await;
        c
    }

    /// Sends what the session has queued.
    async fn flush(&mut self) {
        while let Some(el) = self.session.poll_outgoing() {
            self.ws.send(&String::from(&el)).await;
        }
    }

    /// Pumps until every predicate has matched some event, in any order.
    async fn until_all(&mut self, preds: &[&dyn Fn(&Event) -> bool]) {
        let mut seen = vec![false; preds.len()];
        while !seen.iter().all(|s| *s) {
            let e = self.until(|_| true).await;
            for (pred, seen) in preds.iter().zip(&mut seen) {
                *seen |= pred(&e);
            }
        }
    }

    /// Pumps until an event matches; returns it. Fails on auth or stream
    /// errors.
    async fn until(&mut self, pred: impl Fn(&Event) -> bool) -> Event {
        loop {
            self.flush().await;
            while let Some(e) = self.session.poll_event() {
                assert!(
                    !matches!(e, Event::AuthFailed { .. } | Event::StreamError { .. }),
                    "{e:?}"
                );
                if pred(&e) {
                    return e;
                }
            }
            if self.session.work() {
                continue;
            }
            let text = self.ws.recv().await;
            self.session.handle_incoming(parse(&text));
        }
    }
}

async fn conversation(url: &str, a: Account, b: Account) {
    let mut ca = Client::connect(url, &a, "a").await;
    let mut cb = Client::connect(url, &b, "b").await;
    ca.until(|e| matches!(e, Event::RosterReceived { .. })).await;

    // a asks for b's presence, b approves, and a sees b online.
    ca.session.handle_command(Command::Subscribe {
        to: b.jid().parse().unwrap(),
    });
    ca.flush().await;
    cb.until(|e| matches!(e, Event::SubscriptionRequested { from } if from.as_str() == a.jid()))
        .await;
    cb.session.handle_command(Command::ApproveSubscription {
        from: a.jid().parse().unwrap(),
    });
    cb.flush().await;
    ca.until(|e| matches!(e, Event::PresenceChanged { jid, show: Some(_), .. } if jid.as_str() == b.jid()))
        .await;

    ca.session.handle_command(Command::SendMessage {
        id: "hello-1".into(),
        to: ConversationId::Chat(b.jid().parse().unwrap()),
        body: "Salut 👋 <b>not bold</b>".into(),
    });
    ca.flush().await;
    let got = cb.until(|e| matches!(e, Event::MessageReceived(_))).await;
    let Event::MessageReceived(m) = got else {
        unreachable!()
    };
    assert_eq!(m.body, "Salut 👋 <b>not bold</b>");
    assert_eq!(m.direction, Direction::Incoming);
    assert_eq!(m.conversation.bare().as_str(), a.jid());
    assert!(m.receipt_requested);
    // b's session answered with a receipt; a sees it delivered, after the
    // server acknowledged it.
    cb.flush().await;
    ca.until_all(&[
        &|e| matches!(e, Event::MessageStateChanged { id, state: Delivery::Sent, .. } if id == "hello-1"),
        &|e| matches!(e, Event::MessageStateChanged { id, state: Delivery::Delivered, .. } if id == "hello-1"),
    ])
    .await;

    cb.session.handle_command(Command::SendMessage {
        id: "reply-1".into(),
        to: ConversationId::Chat(a.jid().parse().unwrap()),
        body: "Ça va ?".into(),
    });
    cb.flush().await;
    let got = ca.until(|e| matches!(e, Event::MessageReceived(_))).await;
    let Event::MessageReceived(m) = got else {
        unreachable!()
    };
    assert_eq!(m.body, "Ça va ?");

    // A new device of b's finds the conversation in the archive.
    let mut other = Client::connect(url, &b, "b2").await;
    other.session.handle_command(Command::FetchHistory {
        with: ConversationId::Chat(a.jid().parse().unwrap()),
        before: None,
        max: 10,
    });
    let mut bodies = Vec::new();
    loop {
        match other
            .until(|e| matches!(e, Event::MessageReceived(_) | Event::HistoryFetched(_)))
            .await
        {
            Event::MessageReceived(m) if m.archived => bodies.push((m.direction, m.body)),
            Event::HistoryFetched(page) => {
                assert!(page.complete);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(
        bodies,
        [
            (Direction::Incoming, "Salut 👋 <b>not bold</b>".to_owned()),
            (Direction::Outgoing, "Ça va ?".to_owned()),
        ]
    );
}

#[tokio::test]
async fn two_sessions_chat_through_the_gateway_on_prosody() {
    let s = servers();
    let url = s.gateway.as_ref().unwrap().websocket_url();
    conversation(
        &url,
        s.prosody.create_account().unwrap(),
        s.prosody.create_account().unwrap(),
    )
    .await;
}

#[tokio::test]
async fn two_sessions_chat_through_the_gateway_on_ejabberd() {
    let s = servers();
    let url = s.gateway.as_ref().unwrap().websocket_url();
    conversation(
        &url,
        s.ejabberd.create_account().unwrap(),
        s.ejabberd.create_account().unwrap(),
    )
    .await;
}

#[tokio::test]
async fn a_session_resumes_after_its_socket_drops() {
    let s = servers();
    let url = s.gateway.as_ref().unwrap().websocket_url();
    for account in [
        s.prosody.create_account().unwrap(),
        s.ejabberd.create_account().unwrap(),
    ] {
        let mut c = Client::connect(&url, &account, "r").await;
        c.until(|e| matches!(e, Event::RosterReceived { .. })).await;
        // The socket dies; the session is told, and reconnects.
        c.session.handle_command(Command::ConnectionLost);
        c.ws = XmppWs::connect(&url).await;
        c.session.handle_command(Command::Connect {
            nonce: "resume0123456789abcdef".into(),
        });
        c.until(|e| matches!(e, Event::Resumed)).await;
        assert!(c.session.is_ready());
    }
}

/// Two accounts of one server meet in a new room on its MUC service and
/// talk; the first keeps it as a bookmark, which a new session reads back
/// and joins by itself.
async fn room_and_bookmark(url: &str, a: Account, b: Account) {
    let room: xmpp_parsers::jid::BareJid = format!("r-{}@conference.{}", a.user, a.domain).parse().unwrap();
    let mut ca = Client::connect(url, &a, "ma").await;
    ca.until(|e| matches!(e, Event::BookmarksReceived { .. })).await;
    ca.session.handle_command(Command::JoinRoom {
        room: room.clone(),
        nick: "alice".into(),
        password: None,
    });
    ca.until(|e| matches!(e, Event::RoomJoined { nick, .. } if nick == "alice"))
        .await;

    let mut cb = Client::connect(url, &b, "mb").await;
    cb.until(|e| matches!(e, Event::BookmarksReceived { .. })).await;
    cb.session.handle_command(Command::JoinRoom {
        room: room.clone(),
        nick: "alice".into(),
        password: None,
    });
    // The nick is taken: the room says so, and suggests another.
    let Event::RoomJoinFailed { error, .. } = cb.until(|e| matches!(e, Event::RoomJoinFailed { .. })).await
    else {
        unreachable!()
    };
    let parlons_shared::session::muc::RoomError::NickConflict { suggestion } = error else {
        panic!("{error:?}")
    };
    cb.session.handle_command(Command::JoinRoom {
        room: room.clone(),
        nick: suggestion.clone(),
        password: None,
    });
    cb.until(|e| matches!(e, Event::RoomJoined { .. })).await;
    ca.until(|e| matches!(e, Event::OccupantChanged { occupant, .. } if occupant.nick == suggestion))
        .await;

    cb.session.handle_command(Command::SendMessage {
        id: "g-1".into(),
        to: ConversationId::Room(room.clone()),
        body: "Bonjour la salle".into(),
    });
    cb.flush().await;
    let got = ca
        .until(|e| matches!(e, Event::MessageReceived(m) if m.conversation == ConversationId::Room(room.clone())))
        .await;
    let Event::MessageReceived(m) = got else {
        unreachable!()
    };
    assert_eq!(m.body, "Bonjour la salle");
    assert_eq!(m.direction, Direction::Incoming);
    assert!(m.archive_id.is_some(), "the room's archive id: {m:?}");
    // b's own copy comes back from the room: delivered.
    cb.until(
        |e| matches!(e, Event::MessageStateChanged { id, state: Delivery::Delivered, .. } if id == "g-1"),
    )
    .await;

    // The room's own archive has it (XEP-0313 on the room).
    cb.session.handle_command(Command::FetchHistory {
        with: ConversationId::Room(room.clone()),
        before: None,
        max: 10,
    });
    let got = cb
        .until(|e| matches!(e, Event::MessageReceived(m) if m.from_archive && m.conversation == ConversationId::Room(room.clone())))
        .await;
    let Event::MessageReceived(m) = got else {
        unreachable!()
    };
    assert_eq!(
        (m.body.as_str(), m.direction),
        ("Bonjour la salle", Direction::Outgoing)
    );
    cb.until(|e| matches!(e, Event::HistoryFetched(_))).await;

    // The server's room service is found, and the room describes itself.
    ca.session.handle_command(Command::FindRoomServices);
    let service = room.domain().as_str().to_owned();
    ca.until(|e| matches!(e, Event::RoomServiceFound { service: s } if s.as_str() == service))
        .await;
    ca.session
        .handle_command(Command::DescribeRoom { room: room.clone() });
    let Event::RoomDescribed { info, .. } = ca.until(|e| matches!(e, Event::RoomDescribed { .. })).await
    else {
        unreachable!()
    };
    let info = info.expect("the room describes itself");
    assert!(info.archived, "{info:?}");

    // a owns the room, and kicks b: both see it.
    ca.session.handle_command(Command::Moderate {
        room: room.clone(),
        id: "k-1".into(),
        change: parlons_shared::session::muc::Moderation::Kick {
            nick: suggestion.clone(),
            reason: Some("Enough".into()),
        },
    });
    ca.until_all(&[
        &|e| matches!(e, Event::ModerationDone { id, .. } if id == "k-1"),
        &|e| {
            matches!(
                e,
                Event::OccupantLeft {
                    why: Departure::Kicked { .. },
                    ..
                }
            )
        },
    ])
    .await;
    let Event::RoomLeft { why, .. } = cb.until(|e| matches!(e, Event::RoomLeft { .. })).await else {
        unreachable!()
    };
    assert!(
        matches!(&why, Departure::Kicked { reason: Some(r), .. } if r == "Enough"),
        "{why:?}"
    );

    let bookmark = parlons_shared::session::bookmarks::Bookmark {
        room: room.clone(),
        name: Some("Salle".into()),
        autojoin: true,
        nick: Some("alice".into()),
        password: None,
    };
    ca.session.handle_command(Command::SetBookmark {
        bookmark: bookmark.clone(),
    });
    ca.flush().await;
    // A new session of a's reads it and joins the room by itself (as
    // "alice" again: the first session left it first).
    ca.session
        .handle_command(Command::LeaveRoom { room: room.clone() });
    ca.until(|e| matches!(e, Event::RoomLeft { .. })).await;
    let mut other = Client::connect(url, &a, "mc").await;
    let Event::BookmarksReceived { bookmarks } = other
        .until(|e| matches!(e, Event::BookmarksReceived { .. }))
        .await
    else {
        unreachable!()
    };
    assert!(bookmarks.contains(&bookmark), "{bookmarks:?}");
    other
        .until(|e| matches!(e, Event::RoomJoined { room: r, .. } if *r == room))
        .await;
}

#[tokio::test]
async fn rooms_and_bookmarks_on_prosody() {
    let s = servers();
    let url = s.gateway.as_ref().unwrap().websocket_url();
    room_and_bookmark(
        &url,
        s.prosody.create_account().unwrap(),
        s.prosody.create_account().unwrap(),
    )
    .await;
}

#[tokio::test]
async fn rooms_and_bookmarks_on_ejabberd() {
    let s = servers();
    let url = s.gateway.as_ref().unwrap().websocket_url();
    room_and_bookmark(
        &url,
        s.ejabberd.create_account().unwrap(),
        s.ejabberd.create_account().unwrap(),
    )
    .await;
}
