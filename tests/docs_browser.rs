//! The generated HTML in a real browser: headless Chromium driven over WebDriver (chromedriver, plain
//! HTTP on localhost, a tiny client on `std::net`). It loads `index.html` from `file://`, types in the
//! search box, checks that the event list filters, and saves screenshots (desktop and phone width).
//!
//! Skipped, with a message, when `chromium`/`chromedriver` are not installed, except under `CI=true`,
//! where a missing browser fails the test. Uses the shipped `definitions/` when present, else a fixture.

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

#[test]
fn search_box_filters_the_event_list() {
    let (Some(chromium), Some(driver)) = (
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
        find_program(&["chromedriver"]),
    ) else {
        let message = "SKIPPED docs browser test: `chromium` and `chromedriver` are not installed \
                       (Debian: apt-get install -y chromium chromium-driver)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{message}, and CI=true requires them"
        );
        println!("{message}");
        eprintln!("{message}");
        return;
    };

    // Generate the site.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = root.join("definitions");
    let definitions = if shipped.is_dir() {
        shipped
    } else {
        root.join("tests/fixtures/docs/shop")
    };
    let compiled = evdef::compile(&evdef::Options::new().with_path(&definitions)).unwrap();
    assert!(
        !compiled.has_errors(),
        "{}: {:?}",
        definitions.display(),
        compiled.diagnostics
    );
    let catalog = compiled.catalog;
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-browser");
    let files = evdef::emit::docs::emit(
        &catalog,
        &evdef::emit::docs::DocsOptions::new()
            .with_format(Some(evdef::emit::docs::DocsFormat::Html)),
    );
    evdef::output::write_dir(&out, &files).unwrap();
    let page = out.join("index.html").canonicalize().unwrap();

    // A query that matches some but not all events: the last event's full name.
    let total = catalog.events.len();
    assert!(total >= 2, "need at least two events");
    let target = catalog.events.keys().last().unwrap().clone();

    let port = free_port();
    let _driver = Process(
        Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let wd = WebDriver { port };
    wd.wait_ready(Duration::from_secs(20));
    let profile = tempfile::tempdir().unwrap();
    let session = wd.post(
        "/session",
        json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }}}}),
    );
    let id = session["sessionId"]
        .as_str()
        .expect("session id")
        .to_string();
    let s = |path: &str| format!("/session/{id}{path}");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wd.post(
            &s("/timeouts"),
            json!({"script": 10_000, "pageLoad": 20_000, "implicit": 0}),
        );
        wd.post(
            &s("/url"),
            json!({"url": format!("file://{}", page.display())}),
        );
        let visible = |wd: &WebDriver| -> usize {
            let script = "return Array.from(document.querySelectorAll('#event-list li.ev')).filter(function(e){return e.offsetParent!==null && !e.hidden}).length";
            let v = wd.post(&s("/execute/sync"), json!({"script": script, "args": []}));
            v.as_u64().expect("a count") as usize
        };
        assert_eq!(visible(&wd), total, "every event is listed before typing");

        let input = wd.post(
            &s("/element"),
            json!({"using": "css selector", "value": "#search"}),
        );
        let input = input[ELEMENT].as_str().expect("the search box").to_string();
        wd.post(
            &s(&format!("/element/{input}/value")),
            json!({"text": target}),
        );
        let shown = visible(&wd);
        assert!(
            shown >= 1 && shown < total,
            "typing `{target}` filters the list: {shown} of {total} shown"
        );
        let count = wd.post(
            &s("/execute/sync"),
            json!({"script": "return document.getElementById('count').textContent", "args": []}),
        );
        assert_eq!(count, json!(format!("{shown} of {total} events")));
        let sections = wd.post(
            &s("/execute/sync"),
            json!({"script": "return Array.from(document.querySelectorAll('section.event')).filter(function(e){return !e.hidden}).map(function(e){return e.querySelector('h2 a').textContent})", "args": []}),
        );
        assert!(
            sections
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v == &json!(target))
        );
        save_screenshot(&wd, &s("/screenshot"), &out.join("search.png"));

        // Clear the box: everything comes back. Then a phone-width screenshot.
        wd.post(&s(&format!("/element/{input}/clear")), json!({}));
        assert_eq!(
            visible(&wd),
            total,
            "clearing the box shows every event again"
        );
        let none = wd.post(
            &s(&format!("/element/{input}/value")),
            json!({"text": "zzqx-no-such-thing"}),
        );
        assert!(none.is_null());
        let hidden = wd.post(
            &s("/execute/sync"),
            json!({"script": "return document.getElementById('no-results').hidden", "args": []}),
        );
        assert_eq!(hidden, json!(false), "a query matching nothing says so");
        wd.post(&s(&format!("/element/{input}/clear")), json!({}));
        wd.post(&s("/window/rect"), json!({"width": 390, "height": 844}));
        wd.post(&s("/refresh"), json!({}));
        save_screenshot(&wd, &s("/screenshot"), &out.join("phone.png"));
    }));
    wd.delete(&s(""));
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
    println!("screenshots: {}", out.display());
}

/// Kills the child (chromedriver, which also ends its browser) when the test ends, pass or fail.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct WebDriver {
    port: u16,
}

impl WebDriver {
    fn wait_ready(&self, limit: Duration) {
        let start = Instant::now();
        loop {
            if let Ok((200, body)) = self.request("GET", "/status", None)
                && body["value"]["ready"] == json!(true)
            {
                return;
            }
            assert!(
                start.elapsed() < limit,
                "chromedriver did not become ready in {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call("POST", path, Some(body))
    }

    fn delete(&self, path: &str) {
        let _ = self.request("DELETE", path, None);
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self
            .request(method, path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_eq!(status, 200, "{method} {path}: {value}");
        value["value"].clone()
    }

    /// One HTTP/1.1 request with `Connection: close`; the status and the JSON body.
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> std::io::Result<(u16, Value)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.set_write_timeout(Some(Duration::from_secs(10)))?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.port,
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        // chromedriver keeps the connection open whatever we ask, so read by Content-Length.
        let mut raw = Vec::new();
        let mut buf = [0u8; 16384];
        let header_end = loop {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Err(std::io::Error::other(
                    "connection closed before the header ended",
                ));
            }
            raw.extend_from_slice(&buf[..n]);
            if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let headers = String::from_utf8_lossy(&raw[..header_end]).to_ascii_lowercase();
        let status: u16 = headers
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other("no HTTP status"))?;
        let length = headers
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let payload = match length {
            Some(length) => {
                while raw.len() < header_end + length {
                    let n = stream.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    raw.extend_from_slice(&buf[..n]);
                }
                String::from_utf8_lossy(&raw[header_end..]).into_owned()
            }
            None => {
                stream.read_to_end(&mut raw)?;
                let body = String::from_utf8_lossy(&raw[header_end..]).into_owned();
                if headers.contains("transfer-encoding: chunked") {
                    dechunk(&body)
                } else {
                    body
                }
            }
        };
        let value = if payload.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&payload).map_err(std::io::Error::other)?
        };
        Ok((status, value))
    }
}

fn dechunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

fn save_screenshot(wd: &WebDriver, path: &str, file: &Path) {
    let data = wd.call("GET", path, None);
    let png = base64_decode(data.as_str().expect("base64 PNG"));
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(file, png).unwrap();
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}
