/**
 * From recorded scenes to the video: one narration per scene synthesised with espeak-ng, each scene as long as its
 * narration (plus a pause) or its minimum, captions cut from the narration (one cue per sentence, timed by its share
 * of the spoken text) written as WebVTT, and ffmpeg joining the frames (concat demuxer) and the narrations (concat
 * filter) into one H.264/AAC file with the captions burnt in (libass renders the same .vtt).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Size of every frame the scenes record; ffmpeg pads it with the caption bar below. */
export const FRAME = { width: 1280, height: 620 } as const;
/** The video: the frame and a caption bar of `VIDEO.height - FRAME.height` px under it. */
export const VIDEO = { width: 1280, height: 720, fps: 25 } as const;
/** Silence after a scene's narration before the next scene starts. */
export const PAUSE_SECONDS = 0.8;
/** espeak-ng's voice and words per minute. */
const VOICE = { name: 'en-us', wordsPerMinute: 170 };
/** x264 quality (higher is smaller): still frames with text stay sharp at this setting. */
const CRF = 30;
const CAPTION_BAR = '0x111827';

/**
 * One picture of a scene. Frames without `seconds` share what the others leave of the scene; the last frame always
 * lasts until the scene ends.
 */
export interface Frame {
  file: string;
  seconds?: number;
}

export interface Scene {
  id: string;
  /** What the narrator says; also the captions (split at sentence ends). */
  narration: string;
  /** Shortest the scene may be, whatever the narration's length. */
  minSeconds: number;
  frames: Frame[];
}

export interface Cue {
  start: number;
  end: number;
  text: string;
}

export interface Timeline {
  /** Start and length of each scene, in seconds. */
  scenes: { start: number; seconds: number }[];
  total: number;
  cues: Cue[];
}

/** The sentences of a narration (split after `.`, `!` or `?` followed by a space). */
export function sentences(narration: string): string[] {
  return narration
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Scene lengths (narration + pause, at least the scene's minimum) and the caption cues: each sentence shown for its
 * share (by characters) of the narration's time, the last one until the scene ends, so cues cover the whole video.
 */
export function planTimeline(scenes: readonly Pick<Scene, 'narration' | 'minSeconds'>[], spoken: number[]): Timeline {
  if (spoken.length !== scenes.length) throw new Error(`${scenes.length} scenes but ${spoken.length} narrations`);
  let at = 0;
  const planned: Timeline['scenes'] = [];
  const cues: Cue[] = [];
  scenes.forEach((scene, i) => {
    const seconds = round3(Math.max(spoken[i]! + PAUSE_SECONDS, scene.minSeconds));
    const parts = sentences(scene.narration);
    if (parts.length === 0) throw new Error(`scene ${i + 1} has no narration`);
    const chars = parts.reduce((n, s) => n + s.length, 0);
    let cueStart = at;
    parts.forEach((text, j) => {
      const end = j === parts.length - 1 ? at + seconds : cueStart + (spoken[i]! * text.length) / chars;
      cues.push({ start: round3(cueStart), end: round3(end), text });
      cueStart = end;
    });
    planned.push({ start: round3(at), seconds });
    at = round3(at + seconds);
  });
  return { scenes: planned, total: at, cues };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** WebVTT of the cues. */
export function formatVtt(cues: readonly Cue[]): string {
  const blocks = cues.map((c, i) => `${i + 1}\n${timestamp(c.start)} --> ${timestamp(c.end)}\n${c.text}`);
  return ['WEBVTT', ...blocks].join('\n\n') + '\n';
}

/** Duration in seconds of a media file, as ffprobe reads it. */
export async function mediaSeconds(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  const seconds = Number(stdout.trim());
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`ffprobe: no duration for ${file}: ${stdout}`);
  return seconds;
}

/** Words the captions write one way and espeak-ng should say another. */
const PRONUNCIATION: readonly [RegExp, string][] = [
  [/\bnpm ci\b/g, 'npm c i'],
  [/\bHydraMonitor\b/g, 'Hydra Monitor'],
  [/\bCronJobs\b/g, 'cron jobs'],
];

/** Speaks `text` into a WAV file with espeak-ng. */
export async function synthesise(text: string, wav: string): Promise<void> {
  const spoken = PRONUNCIATION.reduce((t, [word, said]) => t.replace(word, said), text);
  await run('espeak-ng', ['-v', VOICE.name, '-s', String(VOICE.wordsPerMinute), '-w', wav, spoken]);
}

/** The concat demuxer's list: every frame for its share of its scene (the last entry repeated, as it requires). */
function frameList(scenes: readonly Scene[], timeline: Timeline): string {
  const lines = ['ffconcat version 1.0'];
  let last = '';
  scenes.forEach((scene, i) => {
    if (scene.frames.length === 0) throw new Error(`scene ${scene.id} recorded no frame`);
    const seconds = timeline.scenes[i]!.seconds;
    const fixed = scene.frames.reduce((n, f) => n + (f.seconds ?? 0), 0);
    const flexible = scene.frames.filter((f) => f.seconds === undefined).length;
    const share = flexible > 0 ? Math.max(0, seconds - fixed) / flexible : 0;
    let used = 0;
    scene.frames.forEach((frame, j) => {
      const isLast = j === scene.frames.length - 1;
      const d = isLast ? seconds - used : Math.min(frame.seconds ?? share, seconds - used);
      used += d;
      lines.push(`file '${frame.file.replace(/'/g, "'\\''")}'`, `duration ${d.toFixed(3)}`);
      last = frame.file;
    });
  });
  lines.push(`file '${last.replace(/'/g, "'\\''")}'`);
  return lines.join('\n') + '\n';
}

/**
 * Synthesises the narrations into `workDir`, writes `vttPath` and renders `mp4Path`. Returns the timeline.
 */
export async function assemble(
  scenes: readonly Scene[],
  options: { workDir: string; mp4Path: string; vttPath: string },
): Promise<Timeline> {
  const { workDir, mp4Path, vttPath } = options;
  const wavs = scenes.map((s, i) => path.join(workDir, `narration-${String(i + 1).padStart(2, '0')}-${s.id}.wav`));
  for (const [i, scene] of scenes.entries()) await synthesise(scene.narration, wavs[i]!);
  const spoken = await Promise.all(wavs.map(mediaSeconds));
  const timeline = planTimeline(scenes, spoken);

  const frames = path.join(workDir, 'frames.ffconcat');
  await writeFile(frames, frameList(scenes, timeline));
  await writeFile(vttPath, formatVtt(timeline.cues));
  // the burnt-in captions are the .vtt itself, copied to a path without characters the filter syntax escapes
  const captions = path.join(workDir, 'captions.vtt');
  await writeFile(captions, formatVtt(timeline.cues));

  // each narration padded with silence to its scene's length, then all joined
  const audioChains = timeline.scenes.map(
    (s, i) => `[${i + 1}:a]aresample=44100,apad=whole_dur=${s.seconds},atrim=end=${s.seconds}[a${i}]`,
  );
  const audioJoin = `${timeline.scenes.map((_, i) => `[a${i}]`).join('')}concat=n=${scenes.length}:v=0:a=1[audio]`;
  const bar = VIDEO.height - FRAME.height;
  // libass scales styles from a 288-line canvas: FontSize 10 is 25 px at 720 lines
  const style = `FontName=DejaVu Sans,FontSize=10,PrimaryColour=&H00FFFFFF,BorderStyle=1,Outline=0,Shadow=0,MarginV=${Math.round(
    ((bar / 2 - 24) * 288) / VIDEO.height,
  )},MarginL=12,MarginR=12`;
  const video =
    `[0:v]fps=${VIDEO.fps},scale=${FRAME.width}:${FRAME.height}:force_original_aspect_ratio=decrease,` +
    `pad=${VIDEO.width}:${VIDEO.height}:(ow-iw)/2:0:color=${CAPTION_BAR},` +
    `subtitles=${captions}:force_style='${style}',format=yuv420p[video]`;
  await run(
    'ffmpeg',
    [
      '-y',
      '-v',
      'error',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      frames,
      ...wavs.flatMap((w) => ['-i', w]),
      '-filter_complex',
      [video, ...audioChains, audioJoin].join(';'),
      '-map',
      '[video]',
      '-map',
      '[audio]',
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-tune',
      'stillimage',
      '-crf',
      String(CRF),
      '-r',
      String(VIDEO.fps),
      '-c:a',
      'aac',
      '-b:a',
      '64k',
      '-ac',
      '1',
      '-t',
      String(timeline.total),
      '-movflags',
      '+faststart',
      mp4Path,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return timeline;
}
