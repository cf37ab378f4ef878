//! Rooms (XEP-0045): the sidebar's list with its invitations, the dialog
//! that joins, creates and browses rooms, and the room view with its
//! occupants. Only the sidebar is in the first load; the rest are chunks.

pub mod admin;
pub mod join;
pub mod occupants;
pub mod room_dialog;
pub mod room_view;
pub mod settings;
pub mod sidebar;

use parlons_shared::session::muc::ModerationError;

/// The sentence for a change the room refused.
pub fn moderation_reason(e: &ModerationError) -> &'static str {
    match e {
        ModerationError::NotAllowed => "room-change-not-allowed",
        ModerationError::NotFound => "room-change-not-found",
        ModerationError::LastOwner => "room-change-last-owner",
        ModerationError::Unanswered => "room-change-unanswered",
        ModerationError::Other(_) => "room-change-refused",
    }
}
