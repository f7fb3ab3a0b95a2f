/**
 * Terminal frames of the demo video: shell commands run for real (bash, in a working directory, with the
 * environment given), their output captured, and the session drawn as a terminal window in Chromium and
 * screenshotted. A command that fails stops the recording with its output.
 */
import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import { FRAME } from './assemble.ts';

export interface Shell {
  cwd: string;
  env: Record<string, string>;
}

export interface Entry {
  command: string;
  output: string;
}

/** How long one command may run. */
const COMMAND_TIMEOUT_MS = 180_000;

/** Runs `command` with bash (stderr folded into stdout, as a terminal shows both); throws when it fails. */
export function sh(shell: Shell, command: string): Promise<Entry> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', `{ ${command}\n} 2>&1`], {
      cwd: shell.cwd,
      env: { ...process.env, ...shell.env },
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: COMMAND_TIMEOUT_MS,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({ command, output: output.replace(/\s+$/, '') });
      else reject(new Error(`\`${command}\` exited ${code}:\n${output}`));
    });
  });
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Draws `entries` as a terminal window titled `title` and saves the screenshot to `file`. */
export async function terminalFrame(
  page: Page,
  title: string,
  entries: readonly Entry[],
  file: string,
  options: { fontPx?: number } = {},
): Promise<void> {
  const body = entries
    .map(
      (e) =>
        `<div class="cmd"><span class="prompt">$</span> ${escapeHtml(e.command)}</div>` +
        (e.output ? `<pre>${escapeHtml(e.output)}</pre>` : ''),
    )
    .join('');
  await page.setViewportSize(FRAME);
  await page.setContent(`<!doctype html><html><head><style>
    html, body { margin: 0; height: 100%; background: #e5e7eb; }
    .window { position: absolute; inset: 18px 24px; border-radius: 10px; overflow: hidden; background: #0b1020;
      box-shadow: 0 8px 30px rgba(0,0,0,.25); display: flex; flex-direction: column; }
    .bar { height: 30px; background: #1f2937; display: flex; align-items: center; padding: 0 12px; gap: 8px;
      font: 13px 'DejaVu Sans', sans-serif; color: #9ca3af; flex: none; }
    .dot { width: 12px; height: 12px; border-radius: 50%; }
    .title { margin-left: 12px; }
    .screen { padding: 12px 16px; font: ${options.fontPx ?? 15}px/1.38 'DejaVu Sans Mono', monospace; color: #e5e7eb; overflow: hidden;
      flex: 1; }
    .cmd { color: #f9fafb; font-weight: bold; white-space: pre-wrap; word-break: break-all; margin-top: 6px; }
    .prompt { color: #34d399; }
    pre { margin: 2px 0 6px; font: inherit; color: #cbd5e1; white-space: pre-wrap; word-break: break-all; }
  </style></head><body><div class="window"><div class="bar">
    <span class="dot" style="background:#f87171"></span><span class="dot" style="background:#fbbf24"></span>
    <span class="dot" style="background:#34d399"></span><span class="title">${escapeHtml(title)}</span></div>
    <div class="screen">${body}</div></div></body></html>`);
  await page.screenshot({ path: file });
}
