//! The people: the contact list, adding a contact, subscription requests
//! and message requests from strangers.

pub mod add_contact;
pub mod list;
pub mod message_requests;
pub mod request_list;
pub mod requests;
