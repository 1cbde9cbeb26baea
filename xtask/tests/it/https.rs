//! The HTTPS path, as every real exchange takes it: the sandbox in its TLS mode, the binary
//! trusting its test CA through `SSL_CERT_FILE` or not, and a CONNECT proxy on 127.0.0.1 that
//! `HTTPS_PROXY` names and `NO_PROXY` bypasses.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use goto_sandbox::{Options, TEST_CA_PEM, Tls};

use crate::support::*;

/// How long the proxy waits on a quiet socket before giving the connection up, so that no test
/// can leave a thread behind for long.
const PROXY_IDLE: Duration = Duration::from_secs(10);

fn https_sandbox(tls: Tls) -> Sandbox {
    Sandbox::start_with(Options {
        tls,
        ..Options::default()
    })
    .expect("the sandbox listens")
}

/// The test CA written beside the env file, for `SSL_CERT_FILE`.
fn ca_file(ws: &Workspace) -> PathBuf {
    let path = ws.dir().join("test-ca.pem");
    std::fs::write(&path, TEST_CA_PEM).expect("write the CA file");
    path
}

fn path_text(path: &std::path::Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

/// A port on 127.0.0.1 that nothing listens on: bound, then let go.
fn closed_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// A forward proxy on 127.0.0.1 that opens the HTTP CONNECT tunnels it is asked for, to
/// 127.0.0.1 only, and records each target. A thread per connection, each bounded by
/// [`PROXY_IDLE`]; dropping the proxy stops its accept loop.
struct ConnectProxy {
    address: SocketAddr,
    /// Every CONNECT target, in order.
    targets: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accepter: Option<JoinHandle<()>>,
}

impl ConnectProxy {
    /// A proxy that opens tunnels to 127.0.0.1.
    fn start() -> ConnectProxy {
        ConnectProxy::start_opening(true)
    }

    /// A proxy that answers every CONNECT 403, as a proxy's policy does.
    fn refusing() -> ConnectProxy {
        ConnectProxy::start_opening(false)
    }

    fn start_opening(opens_tunnels: bool) -> ConnectProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("the proxy listens");
        let address = listener.local_addr().expect("its address");
        let targets = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let accepter = {
            let targets = Arc::clone(&targets);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    let targets = Arc::clone(&targets);
                    std::thread::spawn(move || tunnel(client, &targets, opens_tunnels));
                }
            })
        };
        ConnectProxy {
            address,
            targets,
            stop,
            accepter: Some(accepter),
        }
    }

    /// `http://127.0.0.1:PORT`, as `HTTPS_PROXY` names it.
    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The `host:port` of every CONNECT received so far.
    fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(accepter) = self.accepter.take() {
            let _ = accepter.join();
        }
    }
}

/// Serves one proxy connection: reads `CONNECT host:port`, records it, connects to it (loopback
/// only, and only when the proxy `opens_tunnels`) and copies bytes both ways until either side
/// closes or goes quiet.
fn tunnel(client: TcpStream, targets: &Mutex<Vec<String>>, opens_tunnels: bool) {
    let _ = client.set_read_timeout(Some(PROXY_IDLE));
    let mut reader = BufReader::new(client.try_clone().expect("a second handle"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|read| read > 2) {
        header.clear();
    }
    let mut words = request_line.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        return;
    };
    targets.lock().unwrap().push(target.to_owned());
    let mut client = client;
    let upstream = match target.parse::<SocketAddr>() {
        Ok(address) if opens_tunnels && address.ip().is_loopback() => TcpStream::connect(address),
        _ => {
            let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n");
            return;
        }
    };
    let Ok(upstream) = upstream else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let _ = upstream.set_read_timeout(Some(PROXY_IDLE));
    let (mut up_reader, mut up_writer) = (upstream.try_clone().expect("handle"), upstream);
    let mut client_writer = client.try_clone().expect("handle");
    let down = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_reader, &mut client_writer);
        let _ = client_writer.shutdown(Shutdown::Both);
    });
    // Bytes the client sent after its CONNECT head are already in the reader's buffer.
    let _ = std::io::copy(&mut reader, &mut up_writer);
    let _ = up_writer.shutdown(Shutdown::Both);
    let _ = down.join();
}

#[test]
fn ok_trusted_through_ssl_cert_file_token_and_an_api_call_work() {
    let sandbox = https_sandbox(Tls::TestCa);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let ca = ca_file(&ws);
    ws.xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .run()
        .assert_code(0);
    assert!(ws.value("GOTO_ACCESS_TOKEN").is_some());
    let run = ws
        .xtask(&["api", "/identity/v1/Users/me"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .run();
    run.assert_code(0);
    let me: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(me["userName"], seed::ADMIN_EMAIL);
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn err_an_untrusted_certificate_fails_at_once_naming_the_host_and_ssl_cert_file() {
    let sandbox = https_sandbox(Tls::TestCa);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    let run = ws.xtask(&["token"]).run();
    run.assert_code(1)
        .assert_stderr_contains("the certificate of 127.0.0.1 is not trusted")
        .assert_stderr_contains("certificate authority this machine does not trust")
        .assert_stderr_contains("SSL_CERT_FILE");
    assert!(!run.stderr.contains("attempt"), "{}", run.stderr);
    assert!(!run.stderr.contains("UnknownIssuer"), "{}", run.stderr);
    assert!(sandbox.requests().is_empty(), "no request got through");
    assert_eq!(ws.contents(), before);
}

#[test]
fn err_an_untrusted_certificate_through_a_proxy_is_one_attempt() {
    // What a TLS-inspecting proxy looks like to a machine that lacks its CA.
    let sandbox = https_sandbox(Tls::TestCa);
    let proxy = ConnectProxy::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = ws.xtask(&["token"]).env("HTTPS_PROXY", &proxy.url()).run();
    run.assert_code(1)
        .assert_stderr_contains("the certificate of 127.0.0.1 is not trusted")
        .assert_stderr_contains("SSL_CERT_FILE");
    assert_eq!(proxy.targets(), [sandbox.addr().to_string()], "one attempt");
    assert!(sandbox.requests().is_empty());
}

#[test]
fn err_an_expired_certificate_says_so_and_is_not_retried() {
    let sandbox = https_sandbox(Tls::Expired);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let ca = ca_file(&ws);
    let run = ws
        .xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .run();
    run.assert_code(1)
        .assert_stderr_contains("the certificate of 127.0.0.1 is not trusted: it has expired");
    assert!(!run.stderr.contains("attempt"), "{}", run.stderr);
}

#[test]
fn err_an_ssl_cert_file_that_does_not_exist_is_named() {
    let sandbox = https_sandbox(Tls::TestCa);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let missing = ws.dir().join("no-such-ca.pem");
    let run = ws
        .xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&missing))
        .run();
    run.assert_code(1)
        .assert_stderr_contains("SSL_CERT_FILE or SSL_CERT_DIR is set, it must name a PEM file");
    assert!(sandbox.requests().is_empty());
}

#[test]
fn ok_https_proxy_is_honoured_with_a_connect_to_the_token_host() {
    let sandbox = https_sandbox(Tls::TestCa);
    let proxy = ConnectProxy::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let ca = ca_file(&ws);
    ws.xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .env("HTTPS_PROXY", &proxy.url())
        .run()
        .assert_code(0);
    assert_eq!(proxy.targets(), [sandbox.addr().to_string()]);
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn ok_no_proxy_sends_the_host_past_the_proxy() {
    let sandbox = https_sandbox(Tls::TestCa);
    let proxy = ConnectProxy::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let ca = ca_file(&ws);
    ws.xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .env("HTTPS_PROXY", &proxy.url())
        .env("NO_PROXY", "127.0.0.1")
        .run()
        .assert_code(0);
    assert!(proxy.targets().is_empty(), "{:?}", proxy.targets());
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn err_an_unreachable_proxy_is_named_not_the_token_host() {
    let sandbox = https_sandbox(Tls::TestCa);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let ca = ca_file(&ws);
    let proxy = format!("http://127.0.0.1:{}", closed_port());
    let run = ws
        .xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .env("HTTPS_PROXY", &proxy)
        .run();
    run.assert_code(1)
        .assert_stderr_contains(&format!(
            "the proxy {proxy} (from HTTPS_PROXY or ALL_PROXY) could not be reached"
        ))
        .assert_stderr_contains("NO_PROXY");
    // The token host itself was never the problem.
    assert!(!run.stderr.contains("the connection to"), "{}", run.stderr);
    assert!(sandbox.requests().is_empty());
}

#[test]
fn err_a_proxy_that_refuses_the_tunnel_is_named() {
    let sandbox = https_sandbox(Tls::TestCa);
    let proxy = ConnectProxy::refusing();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let ca = ca_file(&ws);
    let run = ws
        .xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .env("HTTPS_PROXY", &proxy.url())
        .run();
    run.assert_code(1).assert_stderr_contains(&format!(
        "the proxy {} (from HTTPS_PROXY or ALL_PROXY) did not open a tunnel",
        proxy.url()
    ));
    assert!(!proxy.targets().is_empty());
    assert!(sandbox.requests().is_empty());
}

#[test]
fn ok_trusted_through_ssl_cert_dir() {
    let sandbox = https_sandbox(Tls::TestCa);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let dir = ws.dir().join("ca-dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("goto-sandbox-test-ca.pem"), TEST_CA_PEM).unwrap();
    ws.xtask(&["token"])
        .env("SSL_CERT_DIR", path_text(&dir))
        .run()
        .assert_code(0);
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn err_a_proxy_is_named_without_its_credentials() {
    const PROXY_PASSWORD: &str = "proxy-password-4f9a";
    let sandbox = https_sandbox(Tls::TestCa);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let ca = ca_file(&ws);
    let port = closed_port();
    let run = ws
        .xtask(&["token"])
        .env("SSL_CERT_FILE", path_text(&ca))
        .env(
            "HTTPS_PROXY",
            &format!("http://proxy-user:{PROXY_PASSWORD}@127.0.0.1:{port}"),
        )
        .secret(PROXY_PASSWORD)
        .run();
    run.assert_code(1).assert_stderr_contains(&format!(
        "the proxy http://127.0.0.1:{port} (from HTTPS_PROXY"
    ));
    assert!(!run.stderr.contains("proxy-user"), "{}", run.stderr);
}
