//! A tiny authoritative DNS server on loopback UDP, answering from a table,
//! so that SRV resolution can be tested without the network.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{A, SRV};
use hickory_proto::rr::{Name, RData, Record, RecordType};

/// Records by name and type.
#[derive(Default)]
pub struct Zone(HashMap<(String, RecordType), Vec<RData>>);

impl Zone {
    /// Adds an SRV record at `name` (e.g. `_xmpp-client._tcp.localhost.`).
    pub fn srv(mut self, name: &str, priority: u16, weight: u16, port: u16, target: &str) -> Self {
        let target = Name::from_ascii(target).unwrap();
        self.0
            .entry((name.to_ascii_lowercase(), RecordType::SRV))
            .or_default()
            .push(RData::SRV(SRV::new(priority, weight, port, target)));
        self
    }

    /// Adds an A record.
    pub fn a(mut self, name: &str, ip: Ipv4Addr) -> Self {
        self.0
            .entry((name.to_ascii_lowercase(), RecordType::A))
            .or_default()
            .push(RData::A(A(ip)));
        self
    }
}

/// Serves `zone` until the test's runtime ends; returns the address.
pub async fn serve(zone: Zone) -> SocketAddr {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let zone = Arc::new(zone);
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        loop {
            let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
                return;
            };
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let mut reply = Message::new();
            reply
                .set_id(query.id())
                .set_message_type(MessageType::Response)
                .set_op_code(query.op_code())
                .set_authoritative(true)
                .set_recursion_desired(query.recursion_desired())
                .set_recursion_available(true);
            let mut found = false;
            for q in query.queries() {
                reply.add_query(q.clone());
                let key = (q.name().to_ascii().to_ascii_lowercase(), q.query_type());
                for rdata in zone.0.get(&key).into_iter().flatten() {
                    reply.add_answer(Record::from_rdata(q.name().clone(), 60, rdata.clone()));
                    found = true;
                }
                let name_known = zone.0.keys().any(|(n, _)| *n == key.0);
                if !found && !name_known {
                    reply.set_response_code(ResponseCode::NXDomain);
                }
            }
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    addr
}
