//! `parlons-harness`: starts the test servers for the Playwright tests
//! (`serve`) or a demo for `make run` (`demo`).
//!
//! `serve` prints one JSON line describing the servers once they are ready,
//! then runs until its standard input closes; `demo` runs until killed
//! (Ctrl-C). Every process either started stops with it, even if it is
//! killed.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use parlons_harness::{
    Account, Federation, Gateway, HarnessError, Netns, Ports, Prosody, Servers, TestCa, free_port,
};

const USAGE: &str = "usage:
  parlons-harness serve --parlons BIN --site-dir DIR
  parlons-harness demo  --parlons BIN --site-dir DIR --data DIR [--listen PORT]
  parlons-harness federation --parlons BIN --site-dir DIR
  parlons-harness roster PROSODY_CONFIG USER@DOMAIN COUNT";

/// The namespace that a `federation` harness runs in, set by the one that
/// made it.
const NETNS_ENV: &str = "PARLONS_HARNESS_NETNS";

/// The demo accounts `make run` creates.
const DEMO_ACCOUNTS: &[(&str, &str)] = &[("alice", "alice-demo"), ("bob", "bob-demo")];

struct Opts {
    parlons: PathBuf,
    site_dir: PathBuf,
    data: Option<PathBuf>,
    port: Option<u16>,
}

fn parse(args: &[String]) -> Option<Opts> {
    let mut opts = Opts {
        parlons: PathBuf::new(),
        site_dir: PathBuf::new(),
        data: None,
        port: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next()?;
        match flag.as_str() {
            "--parlons" => opts.parlons = value.into(),
            "--site-dir" => opts.site_dir = value.into(),
            "--data" => opts.data = Some(value.into()),
            "--listen" => opts.port = Some(value.rsplit(':').next()?.parse().ok()?),
            _ => return None,
        }
    }
    let set = |p: &PathBuf| !p.as_os_str().is_empty();
    (set(&opts.parlons) && set(&opts.site_dir)).then_some(opts)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = args.split_first().map_or(("", &[][..]), |(c, r)| (c.as_str(), r));
    if command == "roster" {
        return roster(rest);
    }
    let Some(opts) = parse(rest) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command {
        "serve" => serve(&opts),
        "demo" => demo(&opts),
        "federation" => federation(&opts, rest),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parlons-harness: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a big roster for an account of the harness's Prosody (benchmarks).
fn roster(args: &[String]) -> ExitCode {
    let [config, jid, count] = args else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (Some((user, domain)), Ok(count)) = (jid.split_once('@'), count.parse()) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match parlons_harness::prosody::write_roster(config.as_ref(), user, domain, count) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parlons-harness: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(opts: &Opts) -> Result<(), HarnessError> {
    let mut servers = Servers::start()?;
    let gateway = servers.start_gateway(&opts.parlons, &opts.site_dir)?.url();
    let balanced = servers.start_balanced(&opts.parlons, &opts.site_dir, 3)?.url();
    let replicas: Vec<String> = servers
        .balancer
        .iter()
        .flat_map(|b| b.replicas.iter().map(|r| r.metrics_url()))
        .collect();
    let shared = std::sync::Arc::new(std::sync::Mutex::new(None));
    let control = parlons_harness::control::listen(std::sync::Arc::clone(&shared))?;
    let info = serde_json::json!({
        "gateway": gateway,
        "control": control,
        "balanced": balanced,
        "replicaMetrics": replicas,
        "ca": servers.ca.ca,
        "prosody": {
            "domain": servers.prosody.domain(),
            "ws": servers.prosody.websocket_url(),
            "config": servers.prosody.config,
            "prosodyctl": "prosodyctl",
            "component": servers.prosody.component(),
        },
        "ejabberd": {
            "domain": servers.ejabberd.domain(),
            "ws": servers.ejabberd.websocket_url(),
            "api": servers.ejabberd.api_url(),
            "captchaAnswer": servers.ejabberd.captcha_answer,
        },
        "closing": { "domain": parlons_harness::CLOSING_DOMAIN },
    });
    println!("{info}");
    *shared.lock().unwrap_or_else(|e| e.into_inner()) = Some(servers);
    wait_for_stdin_to_close();
    // Stopped here, not when the process ends: the control thread may
    // hold them meanwhile.
    let servers = shared.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(servers);
    Ok(())
}

/// Makes a namespace and runs itself inside it, where [`federation_inside`]
/// prints one JSON line once everything is up; deletes the namespace after.
fn federation(opts: &Opts, args: &[String]) -> Result<(), HarnessError> {
    if let Ok(name) = std::env::var(NETNS_ENV) {
        return federation_inside(opts, &name);
    }
    let netns = Netns::create()?;
    let exe = std::env::current_exe().map_err(|e| HarnessError::io("find the harness binary", e))?;
    let status = netns
        .command(exe)
        .arg("federation")
        .args(args)
        .env(NETNS_ENV, netns.name())
        .status()
        .map_err(|e| HarnessError::io("start the harness in its namespace", e))?;
    drop(netns);
    if status.success() {
        Ok(())
    } else {
        Err(HarnessError::Command {
            what: "federation harness".into(),
            status: status.to_string(),
            output: String::new(),
        })
    }
}

fn federation_inside(opts: &Opts, netns: &str) -> Result<(), HarnessError> {
    let federation = Federation::start(netns, &opts.parlons, &opts.site_dir)?;
    let accounts: Vec<_> = federation
        .accounts
        .iter()
        .map(|a| serde_json::json!({ "jid": a.jid(), "password": a.password }))
        .collect();
    let info = serde_json::json!({
        "gateway": federation.gateway.url(),
        "chromium": federation.chromium,
        "dnsQueries": federation.dns.queries,
        "accounts": accounts,
    });
    println!("{info}");
    wait_for_stdin_to_close();
    Ok(())
}

fn demo(opts: &Opts) -> Result<(), HarnessError> {
    let data = opts.data.clone().unwrap_or_else(|| PathBuf::from("target/demo"));
    let data = std::path::absolute(&data).map_err(|e| HarnessError::io("demo dir", e))?;
    let ca = TestCa::generate(&data.join("ca"))?;
    let ports = Ports::pick()?;
    let server = Prosody::spawn(
        &data.join("prosody"),
        &ca,
        parlons_harness::PROSODY_DOMAIN,
        ports,
        None,
    )?;
    server.wait_ready()?;
    for (user, password) in DEMO_ACCOUNTS {
        server.register(&Account {
            user: (*user).to_owned(),
            domain: server.domain().to_owned(),
            password: (*password).to_owned(),
        })?;
    }
    let port = match opts.port {
        Some(p) => p,
        None => free_port()?,
    };
    let upstream = format!("{}=127.0.0.1:{}", server.domain(), ports.c2s);
    let gateway = Gateway::spawn(
        &opts.parlons,
        port,
        &opts.site_dir,
        &[upstream],
        &ca,
        &data.join("gateway"),
        None,
    )?;
    println!();
    println!("Parlons is running: {}", gateway.url());
    println!("Demo accounts on the local Prosody:");
    for (user, password) in DEMO_ACCOUNTS {
        println!("  {user}@{}   password: {password}", server.domain());
    }
    println!("Logs and data: {}", data.display());
    println!("Press Ctrl-C to stop.");
    // Runs until killed: Ctrl-C ends this process, and the supervisors then
    // stop Prosody and parlons.
    loop {
        std::thread::park();
    }
}

/// Blocks until standard input closes.
fn wait_for_stdin_to_close() {
    let mut sink = [0u8; 64];
    let mut stdin = std::io::stdin();
    while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
}
