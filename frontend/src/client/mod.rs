//! RFC 7395 transport: the page's only WebSocket, driving the sans-IO
//! [`Session`]. Each text message is one element in; whatever the session
//! queues goes out. Its events reach one sink, which updates the store.

mod inbox;
mod machine;
pub mod random;
pub mod register;
mod retry;
mod session;
pub mod storage;
mod wake;

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::prelude::{IntervalHandle, set_timeout};
use parlons_shared::session::mam::Position;
use parlons_shared::session::{Credential, Event, Session};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};
use xmpp_parsers::jid::BareJid;

use self::inbox::{Inbox, Next};
pub use self::machine::Machine;
use self::wake::Wake;

/// The WebSocket subprotocol of RFC 7395.
const SUBPROTOCOL: &str = "xmpp";

/// The clock ticks this often while a session exists.
const TICK: Duration = Duration::from_secs(1);

/// The longest the transport keeps the main thread, in milliseconds,
/// before it lets the page run and carries on in a later task.
const SLICE_MS: u64 = 16;
/// Events found this early in a task are told in it; later ones wait for
/// the next task, so that their rendering does not make this one long.
const YOUNG_MS: u64 = 4;

/// What the transport tells the page.
#[derive(Debug, Clone)]
pub enum Notice<E = Event> {
    /// The machine said something.
    Event(E),
    /// The WebSocket closed without the session ending it.
    Closed {
        /// Whether it had opened: if not, the gateway was not reached.
        reached: bool,
    },
    /// A planned try to reconnect starts.
    Retrying,
}

/// What to sign in with.
#[derive(Debug, Clone)]
pub struct Login {
    /// The account.
    pub jid: BareJid,
    /// The password, or the keys of a kept sign-in.
    pub credential: Credential,
    /// The RFC 7395 endpoint.
    pub url: String,
    /// What an offline store kept: the roster's version and how far the
    /// archive was read, to sync from.
    pub kept: Option<(Option<String>, Position)>,
}

/// Why a sign-in could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartError {
    /// The browser gives no cryptographic randomness.
    NoRandomness,
    /// The URL is not a WebSocket URL the browser accepts.
    BadUrl,
}

/// A WebSocket driving one machine: cheap to clone.
pub struct Transport<M: Machine> {
    inner: Rc<RefCell<Inner<M>>>,
}

impl<M: Machine> Clone for Transport<M> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

/// The page's XMPP session.
pub type Client = Transport<Session>;

struct Inner<M: Machine> {
    machine: Option<M>,
    socket: Option<Socket>,
    /// The current socket opened: the gateway was reached.
    opened: bool,
    url: String,
    tick: Option<IntervalHandle>,
    sink: Rc<dyn Fn(Notice<M::Event>)>,
    inbox: Inbox,
    /// The inbox is being handed over, or will be in a later task.
    draining: bool,
    /// Carries the handing over on in a later task.
    wake: Option<Wake>,
    /// Events to tell at the start of the next task.
    stash: Vec<M::Event>,
    retry: retry::Retry,
}

/// A WebSocket with the handlers that must live as long as it does.
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Socket {
    /// Closes it without telling anyone: the handlers go first.
    fn close(self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// The same origin's `/xmpp-websocket`, over `wss:` on an `https:` page.
pub fn default_url() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}/xmpp-websocket")
}

/// The clock, in Unix milliseconds.
pub fn now_ms() -> u64 {
    // Milliseconds since 1970 fit a u64 exactly.
    js_sys::Date::now() as u64
}

impl<M: Machine> Transport<M> {
    /// A transport whose news goes to `sink`.
    pub fn new(sink: impl Fn(Notice<M::Event>) + 'static) -> Self {
        Self {
            inner: Rc::new(RefCell::new(Inner {
                machine: None,
                socket: None,
                opened: false,
                url: String::new(),
                tick: None,
                sink: Rc::new(sink),
                inbox: Inbox::default(),
                draining: false,
                wake: None,
                stash: Vec::new(),
                retry: retry::Retry::default(),
            })),
        }
    }

    /// Drives `machine` over a new WebSocket to `url`, ending any other.
    pub fn start(&self, machine: M, url: String) -> Result<(), StartError> {
        self.stop();
        {
            let mut inner = self.inner.borrow_mut();
            inner.machine = Some(machine);
            inner.url = url;
        }
        self.listen_to_network();
        self.open_socket()
    }

    /// Forgets the machine and closes the WebSocket.
    pub fn stop(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.machine = None;
        inner.inbox.clear();
        inner.stash.clear();
        inner.retry.cancel();
        if let Some(t) = inner.tick.take() {
            t.clear();
        }
        if let Some(socket) = inner.socket.take() {
            socket.close();
        }
    }

    /// Acts on the machine, then sends what it queued.
    pub fn with_machine(&self, f: impl FnOnce(&mut M)) {
        if let Some(m) = self.inner.borrow_mut().machine.as_mut() {
            f(m);
        }
        self.pump();
    }

    /// Opens the WebSocket again after a drop.
    pub fn reconnect(&self) -> Result<(), StartError> {
        let idle = {
            let inner = self.inner.borrow();
            inner.machine.is_some() && inner.socket.is_none()
        };
        if idle { self.open_socket() } else { Ok(()) }
    }

    fn open_socket(&self) -> Result<(), StartError> {
        let url = self.inner.borrow().url.clone();
        let ws = WebSocket::new_with_str(&url, SUBPROTOCOL).map_err(|_| StartError::BadUrl)?;
        let weak = Rc::downgrade(&self.inner);
        let on_open = Closure::<dyn FnMut()>::new({
            let weak = weak.clone();
            move || with_transport(&weak, Transport::opened)
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
            let weak = weak.clone();
            move |e: MessageEvent| {
                if let Some(text) = e.data().as_string() {
                    with_transport(&weak, |c| c.deliver(|inbox| inbox.text(text)));
                }
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
            with_transport(&weak, Transport::closed);
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let old = {
            let mut inner = self.inner.borrow_mut();
            inner.opened = false;
            inner.socket.replace(Socket {
                ws,
                _on_open: on_open,
                _on_message: on_message,
                _on_close: on_close,
            })
        };
        if let Some(old) = old {
            old.close();
        }
        Ok(())
    }

    fn opened(&self) {
        self.inner.borrow_mut().opened = true;
        let mut started = true;
        self.with_machine(|m| started = m.opened());
        if !started {
            self.closed();
        }
    }

    /// The WebSocket closed: said once what it delivered before is handled.
    fn closed(&self) {
        let (socket, reached) = {
            let mut inner = self.inner.borrow_mut();
            (inner.socket.take(), inner.opened)
        };
        let Some(socket) = socket else { return };
        socket.close();
        self.deliver(|inbox| inbox.closed(reached));
    }

    /// No WebSocket could be made for another try.
    fn closed_unreached(&self) {
        let sink = self.inner.borrow().sink.clone();
        sink(Notice::Closed { reached: false });
    }

    /// Queues what the WebSocket delivered. It is handed over in a task of
    /// its own: this one already paid for decoding it.
    fn deliver(&self, put: impl FnOnce(&mut Inbox)) {
        let idle = {
            let mut inner = self.inner.borrow_mut();
            put(&mut inner.inbox);
            !std::mem::replace(&mut inner.draining, true)
        };
        if idle {
            self.drain_later();
        }
    }

    /// Hands over what waits, for [`SLICE_MS`] at most or until input
    /// waits; the rest goes on in a later task, so the page stays
    /// responsive. A step that would not end in time, judged by the last
    /// one, waits for the next task. The store hears the
    /// machine's events at the start of a task, and the task ends there:
    /// the rendering they cause runs within it.
    fn drain(&self) {
        let started = now_ms();
        let mut step_started = started;
        let stashed = std::mem::take(&mut self.inner.borrow_mut().stash);
        if !stashed.is_empty() {
            self.tell(stashed);
            return self.drain_later();
        }
        loop {
            if !self.hand_over() {
                self.inner.borrow_mut().draining = false;
                return;
            }
            let events = self.send_queued();
            if !events.is_empty() {
                if now_ms() - started <= YOUNG_MS {
                    self.tell(events);
                } else {
                    self.inner.borrow_mut().stash = events;
                }
                return self.drain_later();
            }
            let now = now_ms();
            let step = now - step_started;
            step_started = now;
            if now + step >= started + SLICE_MS || self.input_pending() {
                return self.drain_later();
            }
        }
    }

    /// One step of put-off work or of the inbox; false when none is left.
    fn hand_over(&self) -> bool {
        let mut inner = self.inner.borrow_mut();
        let Inner { machine, inbox, .. } = &mut *inner;
        let Some(machine) = machine.as_mut() else {
            return false;
        };
        // Put-off work comes before anything that arrived later.
        if machine.work() {
            return true;
        }
        match inbox.next() {
            Next::Element(el) => machine.incoming(el),
            Next::Progress => {}
            Next::Closed { reached } => {
                // Said first: whether the gateway was reached is the news.
                let sink = inner.sink.clone();
                drop(inner);
                sink(Notice::Closed { reached });
                if let Some(machine) = self.inner.borrow_mut().machine.as_mut() {
                    machine.lost();
                }
            }
            Next::Empty => return false,
        }
        true
    }

    fn input_pending(&self) -> bool {
        let inner = self.inner.borrow();
        inner.wake.as_ref().is_some_and(Wake::input_pending)
    }

    fn drain_later(&self) {
        let mut inner = self.inner.borrow_mut();
        let weak = Rc::downgrade(&self.inner);
        if inner.wake.is_none() {
            let weak = weak.clone();
            inner.wake = Wake::new(move || with_transport(&weak, Transport::drain));
        }
        if !inner.wake.as_ref().is_some_and(Wake::wake) {
            set_timeout(move || with_transport(&weak, Transport::drain), Duration::ZERO);
        }
    }

    /// Sends what the machine queued, then tells the sink what happened.
    fn pump(&self) {
        let mut events = std::mem::take(&mut self.inner.borrow_mut().stash);
        events.extend(self.send_queued());
        self.tell(events);
    }

    /// Sends what the machine queued; returns its events.
    fn send_queued(&self) -> Vec<M::Event> {
        let mut inner = self.inner.borrow_mut();
        let Inner { machine, socket, .. } = &mut *inner;
        let Some(machine) = machine.as_mut() else {
            return Vec::new();
        };
        while let Some(el) = machine.outgoing() {
            if let Some(s) = socket.as_ref().filter(|s| s.ws.ready_state() == WebSocket::OPEN) {
                let _ = s.ws.send_with_str(&String::from(&el));
            }
        }
        // The machine already counts it as lost.
        if machine.unresponsive()
            && let Some(s) = socket.take()
        {
            s.close();
        }
        std::iter::from_fn(|| machine.event()).collect()
    }

    fn tell(&self, events: Vec<M::Event>) {
        let sink = self.inner.borrow().sink.clone();
        for e in events {
            sink(Notice::Event(e));
        }
    }
}

fn with_transport<M: Machine>(weak: &Weak<RefCell<Inner<M>>>, f: impl FnOnce(&Transport<M>)) {
    if let Some(inner) = weak.upgrade() {
        f(&Transport { inner });
    }
}
