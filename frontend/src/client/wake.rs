//! A task as soon as the page is free: a message to ourselves, which
//! `setTimeout`'s 4 ms clamp on nested timers does not slow down. And
//! whether a key or click waits (`navigator.scheduling.isInputPending`),
//! so that a slice of work can end early for it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageChannel;

#[wasm_bindgen]
extern "C" {
    /// `navigator.scheduling`, where the browser has it.
    type Scheduling;
    #[wasm_bindgen(method, js_name = isInputPending)]
    fn is_input_pending(this: &Scheduling) -> bool;
}

/// Runs its callback in a new task each time it is woken.
pub struct Wake {
    channel: MessageChannel,
    _on_message: Closure<dyn FnMut()>,
    scheduling: Option<Scheduling>,
}

impl Wake {
    /// `None` where the browser has no `MessageChannel`.
    pub fn new(callback: impl FnMut() + 'static) -> Option<Self> {
        let channel = MessageChannel::new().ok()?;
        let on_message = Closure::<dyn FnMut()>::new(callback);
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // Only where the method is there: a missing one would throw.
        let scheduling = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"scheduling".into()).ok())
            .filter(|s| js_sys::Reflect::get(s, &"isInputPending".into()).is_ok_and(|f| f.is_function()))
            .map(JsCast::unchecked_into);
        Some(Self {
            channel,
            _on_message: on_message,
            scheduling,
        })
    }

    /// Whether input waits for the main thread; false where unknown.
    pub fn input_pending(&self) -> bool {
        self.scheduling.as_ref().is_some_and(Scheduling::is_input_pending)
    }

    /// Queues the callback's task.
    pub fn wake(&self) -> bool {
        self.channel.port2().post_message(&JsValue::NULL).is_ok()
    }
}

impl Drop for Wake {
    fn drop(&mut self) {
        self.channel.port1().set_onmessage(None);
    }
}
