/**
 * The committed demo video (docs/demo/hydra-demo.mp4, made by `npm run demo:video`) is H.264 at 1280x720 or more,
 * 2–3 minutes long, with a narration track and a picture that is not blank; its WebVTT captions parse and cover the
 * video end to end. A short assembly of two scenes checks the pipeline itself (espeak-ng, ffmpeg's concat and the
 * burnt-in captions) without recording the system again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble, FRAME, type Scene } from '../assemble.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VIDEO = path.join(ROOT, 'docs/demo/hydra-demo.mp4');
const CAPTIONS = path.join(ROOT, 'docs/demo/hydra-demo.vtt');

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { duration: string; size: string };
}

function probe(file: string): Probe {
  const json = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type,codec_name,width,height:format=duration,size',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(json) as Probe;
}

interface ParsedCue {
  start: number;
  end: number;
  text: string;
}

/** A strict reading of the WebVTT subset the video uses: the header, then blocks of id, timing line and text. */
function parseVtt(text: string): ParsedCue[] {
  const [header, ...blocks] = text.trim().split(/\n{2,}/);
  expect(header).toMatch(/^WEBVTT/);
  const seconds = (t: string) => {
    const m = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/.exec(t);
    if (!m) throw new Error(`not a WebVTT timestamp: ${t}`);
    return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
  };
  return blocks.map((block) => {
    const lines = block.split('\n');
    const timing = lines.findIndex((l) => l.includes('-->'));
    expect(timing, block).toBeGreaterThanOrEqual(0);
    const [from, to] = lines[timing]!.split(/\s+-->\s+/);
    return {
      start: seconds(from!.trim()),
      end: seconds(to!.trim().split(/\s+/)[0]!),
      text: lines.slice(timing + 1).join('\n'),
    };
  });
}

/** Cues in order, each with text and a positive length, no gap or overlap, from 0 to `duration` (±0.5 s). */
function expectCover(cues: ParsedCue[], duration: number): void {
  expect(cues.length).toBeGreaterThan(0);
  expect(cues[0]!.start).toBeLessThanOrEqual(0.05);
  for (const [i, cue] of cues.entries()) {
    expect(cue.text.trim().length, `cue ${i + 1} text`).toBeGreaterThan(0);
    expect(cue.end, `cue ${i + 1}`).toBeGreaterThan(cue.start);
    if (i > 0) expect(Math.abs(cue.start - cues[i - 1]!.end), `gap before cue ${i + 1}`).toBeLessThan(0.05);
  }
  expect(Math.abs(cues.at(-1)!.end - duration)).toBeLessThan(0.5);
}

/** Grey levels (0–255) of one frame at `seconds`, cropped to `crop` (ffmpeg's `w:h:x:y`) when given. */
function greyFrame(file: string, seconds: number, crop?: string): Buffer {
  return execFileSync('ffmpeg', [
    '-v',
    'error',
    '-ss',
    String(seconds),
    '-i',
    file,
    '-frames:v',
    '1',
    ...(crop ? ['-vf', `crop=${crop}`] : []),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    '-',
  ]);
}

describe('the committed demo video', () => {
  let info: Probe;
  let duration: number;
  beforeAll(() => {
    info = probe(VIDEO);
    duration = Number(info.format.duration);
  });

  it('is H.264 at 1280x720 or more, 120–180 s long, with an audio track, a few MB', () => {
    const video = info.streams.find((s) => s.codec_type === 'video');
    expect(video?.codec_name).toBe('h264');
    expect(video!.width).toBeGreaterThanOrEqual(1280);
    expect(video!.height).toBeGreaterThanOrEqual(720);
    expect(duration).toBeGreaterThanOrEqual(120);
    expect(duration).toBeLessThanOrEqual(180);
    expect(info.streams.some((s) => s.codec_type === 'audio')).toBe(true);
    expect(Number(info.format.size)).toBeLessThan(8 * 1024 * 1024);
  });

  it('has WebVTT captions covering it from start to end', () => {
    expectCover(parseVtt(readFileSync(CAPTIONS, 'utf8')), duration);
  });

  it('shows a picture with content and a caption in the bar below it', () => {
    const video = info.streams.find((s) => s.codec_type === 'video')!;
    const picture = greyFrame(VIDEO, duration / 2);
    expect(picture.length).toBe(video.width! * video.height!);
    expect(new Set(picture).size, 'grey levels of the middle frame').toBeGreaterThan(40);
    // the caption bar under the recorded frame: dark, with light text in it
    const barHeight = video.height! - FRAME.height;
    const bar = greyFrame(VIDEO, duration / 2, `${video.width}:${barHeight}:0:${FRAME.height}`);
    expect(bar.filter((v) => v < 60).length / bar.length, 'dark bar').toBeGreaterThan(0.8);
    expect(bar.filter((v) => v > 150).length / bar.length, 'caption text in the bar').toBeGreaterThan(0.01);
  });
});

describe('assembling scenes (espeak-ng narration, ffmpeg concat, burnt-in captions)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hydra-demo-assemble-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('makes each scene as long as its narration or its minimum, with cues that match', async () => {
    const frame = (name: string, source: string) => {
      const file = path.join(dir, `${name}.png`);
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        `${source}=s=${FRAME.width}x${FRAME.height}`,
        '-frames:v',
        '1',
        file,
      ]);
      return file;
    };
    const scenes: Scene[] = [
      { id: 'one', narration: 'First sentence. Second one.', minSeconds: 1, frames: [{ file: frame('a', 'testsrc') }] },
      { id: 'two', narration: 'Short.', minSeconds: 4, frames: [{ file: frame('b', 'testsrc2') }] },
    ];
    const mp4 = path.join(dir, 'out.mp4');
    const vtt = path.join(dir, 'out.vtt');
    const timeline = await assemble(scenes, { workDir: dir, mp4Path: mp4, vttPath: vtt });
    // the first scene follows its narration (over the minimum), the second keeps its minimum
    expect(timeline.scenes[0]!.seconds).toBeGreaterThan(1.5);
    expect(timeline.scenes[1]!.seconds).toBe(4);
    const out = probe(mp4);
    expect(Math.abs(Number(out.format.duration) - timeline.total)).toBeLessThan(0.2);
    expect(out.streams.find((s) => s.codec_type === 'video')).toMatchObject({
      codec_name: 'h264',
      width: 1280,
      height: 720,
    });
    const cues = parseVtt(readFileSync(vtt, 'utf8'));
    expect(cues.map((c) => c.text)).toEqual(['First sentence.', 'Second one.', 'Short.']);
    expectCover(cues, Number(out.format.duration));
    expect(cues[2]!.start).toBeCloseTo(timeline.scenes[1]!.start, 2);
  }, 120_000);
});
