//! RFC 6121 §4.7.2.1: the words for each `<show/>`, as the contact list,
//! a conversation's header and our own status say them.

use parlons_shared::session::presence::Availability;

/// The translation key of an availability.
pub fn availability_key(a: Availability) -> &'static str {
    match a {
        Availability::Chat => "show-chat",
        Availability::Available => "show-available",
        Availability::Away => "show-away",
        Availability::DoNotDisturb => "show-dnd",
        Availability::ExtendedAway => "show-xa",
    }
}
