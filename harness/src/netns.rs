//! A network namespace of our own (ip-netns(8)), with its own `resolv.conf`
//! and `hosts`: what runs inside finds the test domains through real DNS,
//! on a loopback that nothing else shares.

use std::path::PathBuf;
use std::process::Command;

use crate::HarnessError;
use crate::process::run;

/// A namespace, deleted with its files on drop.
#[derive(Debug)]
pub struct Netns {
    name: String,
    etc: PathBuf,
}

impl Netns {
    /// Creates `parlons-<random>` with its loopback up. Inside, names are
    /// asked of 127.0.0.1:53, and `/etc/hosts` knows this machine's name:
    /// Erlang stalls at startup without it.
    pub fn create() -> Result<Self, HarnessError> {
        let name = format!("parlons-{}", crate::random_hex(4));
        let etc = PathBuf::from("/etc/netns").join(&name);
        std::fs::create_dir_all(&etc).map_err(|e| HarnessError::io("create /etc/netns entry", e))?;
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
        let files = [
            ("resolv.conf", "nameserver 127.0.0.1\n".to_owned()),
            ("hosts", format!("127.0.0.1 localhost {}\n", hostname.trim())),
        ];
        // Dropped on any error below: the files and the namespace go.
        let netns = Self { name, etc };
        for (file, text) in files {
            std::fs::write(netns.etc.join(file), text)
                .map_err(|e| HarnessError::io("write netns file", e))?;
        }
        run(
            "ip netns add",
            Command::new("ip").args(["netns", "add", &netns.name]),
        )?;
        run(
            "ip link set lo up",
            Command::new("ip").args(["-n", &netns.name, "link", "set", "lo", "up"]),
        )?;
        Ok(netns)
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `program`, to be run inside.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name]).arg(program);
        cmd
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = run(
            "ip netns del",
            Command::new("ip").args(["netns", "del", &self.name]),
        );
        let _ = std::fs::remove_dir_all(&self.etc);
    }
}
