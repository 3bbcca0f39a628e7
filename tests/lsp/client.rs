//! A minimal LSP client for tests and the latency benchmark: spawns `evdef lsp`, frames JSON-RPC with
//! `Content-Length` over its stdin/stdout, and waits for messages (never sleeps) until an overall deadline.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test may wait for any one expected message before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A running `evdef lsp` and the messages it sent that nobody asked for yet.
pub struct Client {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    incoming: mpsc::Receiver<Value>,
    backlog: VecDeque<Value>,
    next_id: i64,
    stderr: Arc<(Mutex<String>, Condvar)>,
}

impl Client {
    /// Start the server in `dir` with extra environment variables, and initialize it.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Client {
        Client::start_with(dir, &[], env)
    }

    /// Start `evdef lsp ARGS` in `dir` and initialize it.
    pub fn start_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Client {
        let mut command = Command::new(env!("CARGO_BIN_EXE_evdef"));
        command
            .arg("lsp")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn evdef lsp");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || read_messages(stdout, &tx));
        // Kept rather than shown: a test that makes the server panic checks what it printed.
        let stderr = Arc::new((Mutex::new(String::new()), Condvar::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let (text, grown) = &*sink;
                text.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
                grown.notify_all();
            }
        });
        let mut client = Client {
            child: Some(child),
            stdin,
            incoming,
            backlog: VecDeque::new(),
            next_id: 0,
            stderr,
        };
        let root = url(dir);
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": {}}),
        );
        assert!(
            result["capabilities"]["hoverProvider"] == json!(true),
            "{result}"
        );
        client.notify("initialized", json!({}));
        client
    }

    /// Wait until the server's stderr holds `needle`; returns all of it. Fails after [`TIMEOUT`].
    pub fn stderr_with(&self, needle: &str) -> String {
        let (text, grown) = &*self.stderr;
        let (text, timeout) = grown
            .wait_timeout_while(text.lock().unwrap(), TIMEOUT, |t| !t.contains(needle))
            .unwrap();
        assert!(!timeout.timed_out(), "`{needle}` not on stderr: {}", *text);
        text.clone()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Send a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait for its response; returns the whole response (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(&format!("the response to `{method}`"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    /// Send a request and return its `result`, failing on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Wait for the next `publishDiagnostics` for `uri`; returns its diagnostics.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Wait for the `publishDiagnostics` for `uri` at buffer `version` (older ones are skipped: changes
    /// that arrive together are checked once).
    pub fn diagnostics_at(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let message = self.wait(&format!("diagnostics for {uri} version {version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The first message (already received or still to come) that `wanted` accepts; the others stay in
    /// the backlog. Fails the test after [`TIMEOUT`].
    pub fn wait(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(at).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if wanted(&m) => return m,
                Ok(m) => self.backlog.push_back(m),
                Err(_) => panic!(
                    "timed out waiting for {what}; received meanwhile: {:?}",
                    self.backlog
                ),
            }
        }
    }

    /// Whether a message that `wanted` accepts was received and not yet taken (call after waiting for a
    /// later message: the server answers in order).
    pub fn received(&self, wanted: impl Fn(&Value) -> bool) -> bool {
        self.backlog.iter().any(wanted)
    }

    /// `shutdown`, then `exit`; returns the exit status (waited for up to [`TIMEOUT`]).
    pub fn shutdown(mut self) -> std::process::ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let mut child = self.child.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        rx.recv_timeout(TIMEOUT)
            .expect("evdef lsp did not exit")
            .unwrap()
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn read_messages(stdout: impl Read, tx: &mpsc::Sender<Value>) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let message: Value = serde_json::from_slice(&body).expect("a JSON message");
        if tx.send(message).is_err() {
            return;
        }
    }
}

/// The `file:` URL of a path.
pub fn url(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    format!("file://{}", path.display())
}

/// The LSP position (line, UTF-16 column) of the first `needle` in `text`, plus `skip` characters.
pub fn position(text: &str, needle: &str, skip: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = text[line_start..at].encode_utf16().count();
    json!({"line": line, "character": column + skip})
}
