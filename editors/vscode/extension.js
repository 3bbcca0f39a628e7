// Starts `evdef lsp` for the YAML files of a definitions tree. Install: `npm install` here, then
// `npx @vscode/vsce package` and install the .vsix (or open this folder and press F5 to try it).
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("evdef");
  const command = config.get("path", "evdef");
  const patterns = config.get("files", ["**/*.{yaml,yml}"]);
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: patterns.map((pattern) => ({ scheme: "file", language: "yaml", pattern })),
    // Changes made outside the editor (a checkout) reach the server, which checks the tree again.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml,toml}") },
  };
  client = new LanguageClient("evdef", "evdef", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
