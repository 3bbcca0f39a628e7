//! The streaming loop: odd bytes at the level of one line, and lines of several inputs with one and two
//! threads (never joined, numbered per input, in order).

use std::io::Read;

use super::*;
use crate::config::EnvelopeConfig;

const VALID: &str = r#"{"event":"api_created_check_in","user_id":1,"user_email":"a@example.com","client_id":"ios","checkin_id":"6f1c1b0e-3a43-4b2e-9a55-0f2b1b7c9d10","business_id":7,"insecure_mode":false,"offline_checkin":false,"checkin_at":"2024-05-01T12:00:00Z"}"#;

fn validator() -> Arc<Validator> {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validate/catalog"
    );
    let compiled = crate::compile(&crate::Options::new().with_path(root)).unwrap();
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    Arc::new(Validator::new(&compiled.catalog, &EnvelopeConfig::default()).unwrap())
}

#[test]
fn odd_bytes_in_one_line() {
    let v = validator();
    let bom_valid = format!("\u{feff}{VALID}\r\n");
    let cases: Vec<(&[u8], bool, Status)> = vec![
        (bom_valid.as_bytes(), true, Status::Valid),
        // A byte order mark is skipped at the start of an input only.
        (bom_valid.as_bytes(), false, Status::Invalid),
        (b"\xEF\xBB\xBF\n", true, Status::Empty),
        (b" \t \r\n", false, Status::Empty),
        (b"\r\r\n", false, Status::Empty),
        (b"   ", false, Status::Empty),
        // Not JSON whitespace: a line of its own.
        (b"\x0c\n", false, Status::Invalid),
        (b" x\n", false, Status::Invalid),
        (b"\xff\n", false, Status::Invalid),
    ];
    for (raw, first, status) in cases {
        assert_eq!(
            verdict(&v, raw, first).status,
            status,
            "{:?} first={first}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[derive(Default)]
struct Collect(Vec<(LinePos, Vec<u8>, Status)>);

impl Sink for Collect {
    fn line(&mut self, pos: LinePos, raw: &[u8], verdict: &LineVerdict) -> Result<(), Error> {
        self.0.push((pos, raw.to_vec(), verdict.status));
        Ok(())
    }
}

fn input(name: &str, bytes: Vec<u8>) -> Input {
    Input {
        name: name.into(),
        reader: Box::new(std::io::Cursor::new(bytes)),
    }
}

#[test]
fn lines_of_several_inputs_never_merge() {
    let first: Vec<u8> = (0..5000)
        .flat_map(|_| format!("{VALID}\n").into_bytes())
        .chain(b"{}".to_vec())
        .collect();
    for jobs in [1, 2] {
        let inputs = vec![
            input("a", first.clone()),
            input("empty", Vec::new()),
            input("b", VALID.as_bytes().to_vec()),
        ];
        let mut sink = Collect::default();
        let options = StreamOptions {
            jobs,
            max_errors: None,
        };
        let summary = run(validator(), inputs, options, &mut sink).unwrap();
        assert_eq!(
            (summary.lines, summary.valid, summary.invalid),
            (5002, 5001, 1)
        );
        let last_of_a = &sink.0[5000];
        assert_eq!(
            last_of_a.0,
            LinePos {
                input: 0,
                line: 5001
            }
        );
        assert_eq!(
            (last_of_a.1.as_slice(), last_of_a.2),
            (&b"{}"[..], Status::Invalid)
        );
        let b = &sink.0[5001];
        assert_eq!(b.0, LinePos { input: 2, line: 1 });
        assert_eq!((b.1.as_slice(), b.2), (VALID.as_bytes(), Status::Valid));
    }
}

/// Fails after handing out some bytes, as a disk or a pipe can.
struct FailingReader(std::io::Cursor<Vec<u8>>);

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("the disk is gone")),
            n => Ok(n),
        }
    }
}

#[test]
fn a_read_error_ends_the_run_with_that_error() {
    let bytes: Vec<u8> = (0..10_000)
        .flat_map(|_| format!("{VALID}\n").into_bytes())
        .collect();
    for jobs in [1, 2] {
        let inputs = vec![Input {
            name: "broken".into(),
            reader: Box::new(FailingReader(std::io::Cursor::new(bytes.clone()))),
        }];
        let options = StreamOptions {
            jobs,
            max_errors: None,
        };
        let error = run(validator(), inputs, options, &mut Collect::default()).unwrap_err();
        assert!(error.to_string().contains("the disk is gone"), "{error}");
    }
}

/// Panics after handing out some bytes: a bug below the loop, in a reader.
struct PanickingReader(std::io::Cursor<Vec<u8>>);

impl Read for PanickingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => panic!("a reader panicked (test)"),
            n => Ok(n),
        }
    }
}

/// A worker that dies while it holds the reader must neither look like the end of the input nor leave the
/// other workers waiting for room forever.
#[test]
fn a_worker_that_dies_reading_is_an_error_not_the_end() {
    let bytes: Vec<u8> = (0..20_000)
        .flat_map(|_| format!("{VALID}\n").into_bytes())
        .collect();
    for jobs in [2, 4, 8] {
        let inputs = vec![Input {
            name: "broken".into(),
            reader: Box::new(PanickingReader(std::io::Cursor::new(bytes.clone()))),
        }];
        let options = StreamOptions {
            jobs,
            max_errors: None,
        };
        let mut sink = Collect::default();
        let error = run(validator(), inputs, options, &mut sink).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("a validating thread stopped before the end of the input"),
            "{error}"
        );
    }
}

/// Hands out at most `step` bytes a read, the step changing from read to read, as a pipe can.
struct Trickle {
    bytes: std::io::Cursor<Vec<u8>>,
    steps: &'static [usize],
    reads: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let step = self.steps[self.reads % self.steps.len()].min(buf.len());
        self.reads += 1;
        self.bytes.read(&mut buf[..step])
    }
}

/// Batches are cut wherever reads end: lines split across reads, lines longer than a batch, more short
/// lines than a batch holds, `\r\n`, and a last line without `\n` all reach the sink byte for byte, in
/// order, numbered, whatever the reads' sizes and the thread count.
#[test]
fn lines_survive_any_cut_of_the_reads() {
    let long = format!("{{\"x\":\"{}\"}}\n", "y".repeat(3 * BATCH_BYTES));
    let mut text = String::new();
    for i in 0..3 * BATCH_LINES {
        text.push_str(if i % 3 == 0 { "{}\r\n" } else { "\n" });
        if i == BATCH_LINES + 7 {
            text.push_str(&long);
            text.push_str(VALID);
            text.push('\n');
        }
    }
    text.push_str(VALID);
    let expected: Vec<&[u8]> = text.as_bytes().split_inclusive(|&b| b == b'\n').collect();
    let steps: [&'static [usize]; 3] = [&[1, 2, 3, 5, 7], &[4093, 1, 100_000], &[usize::MAX]];
    for jobs in [1, 2] {
        for step in steps {
            let inputs = vec![Input {
                name: "trickle".into(),
                reader: Box::new(Trickle {
                    bytes: std::io::Cursor::new(text.clone().into_bytes()),
                    steps: step,
                    reads: 0,
                }),
            }];
            let options = StreamOptions {
                jobs,
                max_errors: None,
            };
            let mut sink = Collect::default();
            let summary = run(validator(), inputs, options, &mut sink).unwrap();
            assert_eq!(summary.lines, expected.len() as u64, "{step:?} jobs {jobs}");
            for (n, ((pos, raw, _), want)) in sink.0.iter().zip(&expected).enumerate() {
                let shown = String::from_utf8_lossy(&raw[..raw.len().min(40)]);
                assert_eq!(pos.line, n as u64 + 1, "{step:?} jobs {jobs}");
                assert!(
                    raw.as_slice() == *want,
                    "line {pos:?} {shown:?} {step:?} jobs {jobs}"
                );
            }
            let last = sink.0.last().map(|l| l.2);
            assert_eq!(last, Some(Status::Valid));
        }
    }
}
