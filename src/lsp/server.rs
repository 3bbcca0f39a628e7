//! The message loop: capabilities, dispatch of requests and notifications, publishing diagnostics, and the
//! guard that turns a panic in one message into a logged error while the server keeps serving.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, HoverProviderCapability, Location,
    MessageType, OneOf, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, Url,
};
use serde_json::Value;

use crate::Error;
use crate::lsp::diagnostics;
use crate::lsp::requests::{code_action, completion, hover, navigation};
use crate::lsp::session::{Analysis, Session, canonical};

/// Set (to anything) to make the `evdef/panic` request panic: how the tests check that a panic in one
/// request is caught and the server goes on.
pub const PANIC_REQUEST_ENV: &str = "EVDEF_LSP_TEST_PANIC";

/// Serve on stdin/stdout until the client sends `shutdown` and `exit`. With `config`, every file is checked
/// with that `evdef.toml` instead of the one found above it.
pub fn run_stdio(config: Option<PathBuf>) -> Result<(), Error> {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = serde_json::to_value(capabilities()).unwrap_or_default();
    connection.initialize(capabilities).map_err(protocol)?;
    let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
    let mut server = Server {
        connection: &connection,
        session: Session::new(cwd).with_config(config),
        pending: BTreeSet::new(),
        published: HashMap::new(),
    };
    server.serve()?;
    drop(connection);
    io_threads
        .join()
        .map_err(|e| Error::io("serve", "<stdio>", e))
}

fn protocol(e: lsp_server::ProtocolError) -> Error {
    Error::io("serve", "<stdio>", std::io::Error::other(e.to_string()))
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["*".into(), ":".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

struct Server<'c> {
    connection: &'c Connection,
    session: Session,
    /// Files changed since the last check, whose trees must be checked again.
    pending: BTreeSet<PathBuf>,
    /// What was last published per file, so that only changes are sent again.
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
}

impl Server<'_> {
    fn serve(&mut self) -> Result<(), Error> {
        while let Ok(message) = self.connection.receiver.recv() {
            match message {
                Message::Request(request) => {
                    if self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(protocol)?
                    {
                        return Ok(());
                    }
                    self.guarded("checking the definitions", Self::flush);
                    let what = format!("handling `{}`", request.method);
                    self.guarded(&what, |s| s.request(request));
                }
                Message::Notification(n) => {
                    let what = format!("handling `{}`", n.method);
                    self.guarded(&what, |s| s.notification(n));
                }
                Message::Response(_) => {}
            }
            if self.connection.receiver.is_empty() {
                self.guarded("checking the definitions", Self::flush);
            }
        }
        Ok(())
    }

    /// Run one message's handler; a panic is logged to the client (and stderr, by the panic hook) and the
    /// server goes on (a request that panicked has already had its error response).
    fn guarded(&mut self, what: &str, handle: impl FnOnce(&mut Self)) {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(self)));
        if let Err(panic) = outcome {
            let message = panic_message(&panic);
            self.log(
                MessageType::ERROR,
                format!("evdef lsp: internal error while {what} (a bug): {message}"),
            );
        }
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let sender = self.connection.sender.clone();
        // Answer even when the handler panics: the client would otherwise wait for ever.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.answer(&method, request.params)
        }));
        let response = match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(message)) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
            Err(panic) => {
                let response = Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("internal error: {}", panic_message(&panic)),
                );
                let _ = sender.send(response.into());
                std::panic::resume_unwind(panic);
            }
        };
        let _ = sender.send(response.into());
    }

    fn answer(&mut self, method: &str, params: Value) -> Result<Value, String> {
        match method {
            req::HoverRequest::METHOD => to_value(self.hover(parse(params)?)),
            req::GotoDefinition::METHOD => to_value(self.definition(parse(params)?)),
            req::References::METHOD => to_value(self.references(parse(params)?)),
            req::DocumentSymbolRequest::METHOD => to_value(self.symbols(parse(params)?)),
            req::Completion::METHOD => to_value(self.completion(parse(params)?)),
            req::CodeActionRequest::METHOD => to_value(self.code_actions(parse(params)?)),
            "evdef/panic" if std::env::var_os(PANIC_REQUEST_ENV).is_some() => {
                panic!("evdef/panic asked for")
            }
            other => Err(format!("unsupported request `{other}`")),
        }
    }

    fn notification(&mut self, n: Notification) {
        let params = n.params;
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(params) {
                    let doc = p.text_document;
                    self.set(&doc.uri, doc.text, doc.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(params)
                    && let Some(change) = p.content_changes.into_iter().last()
                {
                    self.set(&p.text_document.uri, change.text, p.text_document.version);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                // The buffer already holds what was saved; files that are not open are read again.
                if let Ok(p) = parse::<lsp_types::DidSaveTextDocumentParams>(params)
                    && let Some(path) = path_of(&p.text_document.uri)
                {
                    self.pending.insert(path);
                }
            }
            // Files changed outside the editor (a checkout, a generator): their trees are checked again.
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeWatchedFilesParams>(params) {
                    for path in p.changes.iter().filter_map(|c| path_of(&c.uri)) {
                        // `evdef.toml` (or anything not YAML) may change any tree: check the open ones.
                        if !crate::load::is_definitions_file(&path) {
                            self.pending.extend(self.session.open_paths());
                        }
                        self.pending.insert(path);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(params)
                    && let Some(path) = path_of(&p.text_document.uri)
                {
                    self.session.close_document(&path);
                    self.pending.insert(path);
                }
            }
            _ => {}
        }
    }

    fn set(&mut self, url: &Url, text: String, version: i32) {
        if let Some(path) = path_of(url) {
            self.session
                .set_document(path.clone(), Arc::from(text), version);
            self.pending.insert(path);
        }
    }

    /// Check again every tree with a pending change and publish what changed (always for the changed file).
    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let mut done: Vec<Arc<Analysis>> = Vec::new();
        for path in pending {
            if done.iter().any(|a| a.contains(&path)) {
                self.publish_one(&path, done.iter().find(|a| a.contains(&path)).cloned());
                continue;
            }
            let started = std::time::Instant::now();
            match self.session.analyze(&path) {
                Ok(None) => {}
                Ok(Some(analysis)) => {
                    self.publish(&analysis, &path);
                    self.log(
                        MessageType::LOG,
                        format!(
                            "checked {} files ({} events) in {} ms",
                            analysis.sources().len(),
                            analysis.compiled.catalog.events.len(),
                            started.elapsed().as_millis()
                        ),
                    );
                    done.push(analysis);
                }
                Err(e) => self.log(MessageType::ERROR, format!("evdef lsp: {e}")),
            }
        }
    }

    fn publish_one(&mut self, path: &Path, analysis: Option<Arc<Analysis>>) {
        if let (Some(analysis), Ok(url)) = (analysis, Url::from_file_path(path)) {
            let list = analysis
                .file(path)
                .and_then(|id| diagnostics::by_file(&analysis).into_iter().nth(id as usize))
                .unwrap_or_default();
            self.send_diagnostics(path, url, list);
        }
    }

    /// Publish the diagnostics of every file of the tree that changed since last time, and those of `path`.
    fn publish(&mut self, analysis: &Analysis, path: &Path) {
        let lists = diagnostics::by_file(analysis);
        let mut seen = Vec::with_capacity(lists.len());
        for (id, list) in lists.into_iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            let Some(url) = diagnostics::url(analysis, id) else {
                continue;
            };
            seen.push(url.clone());
            let changed = self.published.get(&url) != Some(&list);
            let file = analysis.sources().path(id);
            if changed || file == path {
                self.send_diagnostics(file, url, list);
            }
        }
        // Files of this tree that are gone (deleted, renamed) lose their diagnostics.
        let gone: Vec<Url> = self
            .published
            .keys()
            .filter(|url| !seen.contains(url))
            .filter(|url| path_of(url).is_some_and(|p| analysis.contains(&p)))
            .cloned()
            .collect();
        for url in gone {
            let params = lsp_types::PublishDiagnosticsParams::new(url.clone(), Vec::new(), None);
            self.notify::<note::PublishDiagnostics>(params);
            self.published.remove(&url);
        }
    }

    /// Publish a file's diagnostics, with the version of its buffer when it is open.
    fn send_diagnostics(&mut self, path: &Path, url: Url, list: Vec<lsp_types::Diagnostic>) {
        let version = self.session.document(path).map(|d| d.version);
        let params = lsp_types::PublishDiagnosticsParams::new(url.clone(), list.clone(), version);
        self.notify::<note::PublishDiagnostics>(params);
        self.published.insert(url, list);
    }

    fn notify<N: note::Notification>(&self, params: N::Params) {
        let n = Notification::new(N::METHOD.to_string(), params);
        let _ = self.connection.sender.send(n.into());
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify::<note::LogMessage>(lsp_types::LogMessageParams { typ, message });
    }

    /// The analysis, file id and byte offset of a document position.
    fn locate(
        &mut self,
        at: &lsp_types::TextDocumentPositionParams,
    ) -> Result<Option<(Arc<Analysis>, u32, usize)>, String> {
        let Some(path) = path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let Some(analysis) = self.session.analysis(&path).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let Some(file) = analysis.file(&path) else {
            return Ok(None);
        };
        let Some(lines) = analysis.lines(file) else {
            return Ok(None);
        };
        let offset = lines.offset(at.position);
        Ok(Some((analysis, file, offset)))
    }

    fn hover(&mut self, p: lsp_types::HoverParams) -> Result<Option<lsp_types::Hover>, String> {
        let Some((analysis, file, offset)) = self.locate(&p.text_document_position_params)? else {
            return Ok(None);
        };
        Ok(
            hover::hover(&analysis, file, offset).map(|text| lsp_types::Hover {
                contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
                    kind: lsp_types::MarkupKind::Markdown,
                    value: text,
                }),
                range: None,
            }),
        )
    }

    fn definition(
        &mut self,
        p: lsp_types::GotoDefinitionParams,
    ) -> Result<Option<lsp_types::GotoDefinitionResponse>, String> {
        let Some((analysis, file, offset)) = self.locate(&p.text_document_position_params)? else {
            return Ok(None);
        };
        Ok(navigation::definition(&analysis, file, offset)
            .and_then(|span| location(&analysis, span))
            .map(lsp_types::GotoDefinitionResponse::Scalar))
    }

    fn references(&mut self, p: lsp_types::ReferenceParams) -> Result<Vec<Location>, String> {
        let Some((analysis, file, offset)) = self.locate(&p.text_document_position)? else {
            return Ok(Vec::new());
        };
        let spans = navigation::references(&analysis, file, offset, p.context.include_declaration);
        Ok(spans
            .into_iter()
            .filter_map(|s| location(&analysis, s))
            .collect())
    }

    fn symbols(
        &mut self,
        p: lsp_types::DocumentSymbolParams,
    ) -> Result<lsp_types::DocumentSymbolResponse, String> {
        let symbols = match path_of(&p.text_document.uri) {
            Some(path) => {
                let analysis = self.session.analysis(&path).map_err(|e| e.to_string())?;
                analysis
                    .and_then(|analysis| {
                        Some(navigation::symbols(&analysis, analysis.file(&path)?))
                    })
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        Ok(lsp_types::DocumentSymbolResponse::Nested(symbols))
    }

    fn completion(
        &mut self,
        p: lsp_types::CompletionParams,
    ) -> Result<Option<lsp_types::CompletionResponse>, String> {
        let at = &p.text_document_position;
        let Some(path) = path_of(&at.text_document.uri) else {
            return Ok(None);
        };
        let analysis = self.session.analysis(&path).ok().flatten();
        let file = analysis.as_ref().and_then(|a| a.file(&path));
        let text: Arc<str> = match self.session.document(&path) {
            Some(d) => d.text.clone(),
            None => std::fs::read_to_string(&path).unwrap_or_default().into(),
        };
        let offset = crate::lsp::convert::LineIndex::new(text.clone()).offset(at.position);
        let items = completion::complete(analysis.as_deref(), file, &text, offset);
        Ok(Some(lsp_types::CompletionResponse::Array(items)))
    }

    fn code_actions(
        &mut self,
        p: lsp_types::CodeActionParams,
    ) -> Result<Vec<lsp_types::CodeAction>, String> {
        let url = &p.text_document.uri;
        let Some(path) = path_of(url) else {
            return Ok(Vec::new());
        };
        let Some(analysis) = self.session.analysis(&path).map_err(|e| e.to_string())? else {
            return Ok(Vec::new());
        };
        let Some((file, lines)) = analysis
            .file(&path)
            .and_then(|f| Some((f, analysis.lines(f)?)))
        else {
            return Ok(Vec::new());
        };
        let start = lines.offset(p.range.start);
        let end = lines.offset(p.range.end);
        Ok(code_action::actions(&analysis, file, url, start, end))
    }
}

fn to_value<T: serde::Serialize>(value: Result<T, String>) -> Result<Value, String> {
    value.and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
}

fn parse<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, String> {
    serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))
}

/// The canonical path of a `file:` URL.
fn path_of(url: &Url) -> Option<PathBuf> {
    url.to_file_path().ok().map(|p| canonical(&p))
}

fn location(analysis: &Analysis, span: crate::source::Span) -> Option<Location> {
    let lines = analysis.lines(span.file)?;
    Some(Location::new(
        diagnostics::url(analysis, span.file)?,
        lines.range(span),
    ))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}
